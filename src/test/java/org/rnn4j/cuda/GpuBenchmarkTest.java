package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GpuBenchmark's own code without a GPU: the same program on the CPU backend (wall clock) at tiny sizes, so the
 * option parsing, the counting, the table and the JSON that bench/gpu_report.py reads cannot rot unseen. The
 * timings themselves are not asserted (only that they are finite and positive): these are format checks.
 */
class GpuBenchmarkTest {

    @Test
    void deepBenchSizesAreTheNineTrainingSizes() {
        assertEquals(9, GpuBenchmark.DEEPBENCH.length);
        for (int[] s : GpuBenchmark.DEEPBENCH) {
            assertEquals(25, s[1], "T");
            assertEquals(s[3], s[2], "D = H");
            assertTrue(List.of(512, 1024, 2048).contains(s[3]) && List.of(16, 64, 128).contains(s[0]));
        }
        assertArrayEquals(new int[]{128, 25, 2048, 2048}, GpuBenchmark.DEEPBENCH[8]);
    }

    @Test
    void optionsParseAndRejectNamingTheOption() {
        BenchOptions o = BenchOptions.parse("--sizes", "2,3,4,5;6,7,8,9", "--cells", "lstm", "--repeats", "5",
                "--warmup", "0", "--peak-n", "0", "--backend", "cpu", "--json", "x.json");
        assertArrayEquals(new int[][]{{2, 3, 4, 5}, {6, 7, 8, 9}}, o.sizes());
        assertEquals(List.of("lstm"), o.cells());
        assertEquals(5, o.repeats());
        assertEquals(0, o.peakN());
        assertEquals(7, BenchOptions.parse("7").repeats(), "a bare number is the repeat count, as before");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--cells", "tcn"))
                .getMessage().contains("tcn"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--sizes", "1,2,3"))
                .getMessage().contains("1,2,3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--repeats", "0"))
                .getMessage().contains("--repeats"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--frobnicate", "1"))
                .getMessage().contains("--frobnicate"));
    }

    @Test
    void cpuRunWritesTableAndJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out/rnn4j.json");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        BenchOptions o = BenchOptions.parse("--backend", "cpu", "--sizes", "3,4,5,6", "--warmup", "1", "--repeats", "3",
                "--peak-n", "48", "--peak-repeats", "3", "--jit-warmup-s", "1", "--json", json.toString());
        GpuBenchmark.run(o, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String md = buf.toString(StandardCharsets.UTF_8);
        assertTrue(md.contains("| lstm | 3 | 4 | 5 | 6 |") && md.contains("| rnn | 3 | 4 | 5 | 6 |"), md);
        assertTrue(md.contains("FP32 SGEMM peak, measured"), md);

        String j = Files.readString(json);
        assertTrue(j.contains("\"schema\": \"rnn4j-bench/1\""), j);
        assertTrue(j.contains("\"backend\": \"cpu\"") && j.contains("\"complete\": true"), j);
        // The counted FLOPs of the LSTM row: 2·T·N·4H·(D+H) = 2·4·3·24·11.
        assertTrue(j.contains("\"fwd_flop\": " + CellCost.fwdFlopFormula("lstm", 3, 4, 5, 6)), j);
        assertTrue(j.contains("\"bwd_bytes\": " + CellCost.bwdBytesFormula("rnn", 3, 4, 5, 6)), j);
        for (String key : List.of("fwd_ms", "bwd_ms", "fwd_gflops", "fwd_peak_frac", "bwd_floor_ms")) {
            Matcher m = Pattern.compile("\"" + key + "\": ([^,}]+)").matcher(j);
            int rows = 0;
            while (m.find()) {
                double v = Double.parseDouble(m.group(1));
                assertTrue(Double.isFinite(v) && v > 0, key + " = " + v);
                rows++;
            }
            assertEquals(2, rows, key + " once per row");
        }
        Matcher samples = Pattern.compile("\"fwd_samples_ms\": \\[([^]]*)]").matcher(j);
        assertTrue(samples.find());
        assertEquals(3, samples.group(1).split(",").length, "every repeat kept");
    }

    @Test
    void withoutPeakTheFractionsAreNullNotNaN(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("r.json");
        GpuBenchmark.run(BenchOptions.parse("--backend", "cpu", "--sizes", "2,2,3,3", "--cells", "rnn,gru", "--warmup",
                "0",
                "--repeats", "1", "--peak-n", "0", "--jit-warmup-s", "0", "--json", json.toString()),
                new PrintStream(new ByteArrayOutputStream()));
        String j = Files.readString(json);
        assertTrue(j.contains("\"fwd_peak_frac\": null") && j.contains("\"gflops\": null"), j);
        assertTrue(!j.contains("NaN") && !j.contains("Infinity"), j);
        assertTrue(j.contains("\"fwd_flop\": " + CellCost.fwdFlopFormula("gru", 2, 2, 3, 3)),
                "the GRU row is measured and counted: " + j);
    }
}
