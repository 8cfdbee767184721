package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end (tiny configurations) and its error paths: exit code, one line, nothing written. */
class CliTest {
    static final String[] TINY = {"train", "--hidden", "16", "--embed", "8", "--seq-len", "16", "--batch", "4",
            "--backend", "cpu",
            "--eval-every", "5", "--sample-every", "5", "--checkpoint-every", "5"};
    @TempDir static Path shared;
    static Path text;

    record Result(int code, String out, String err) {}

    @BeforeAll
    static void text() throws IOException {
        try (InputStream in = CliTest.class.getResourceAsStream("/org/rnn4j/corpus/kjv.txt")) {
            text = shared.resolve("small.txt");
            Files.writeString(text, new String(in.readAllBytes(), StandardCharsets.UTF_8).substring(0, 5_000));
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    /** A user error: non-zero exit, exactly one line on stderr containing {@code expected}, no stack trace. */
    static void assertOneLineError(Result r, String expected) {
        assertTrue(r.code() != 0, "exit code " + r.code());
        String[] lines = r.err().strip().split("\\R");
        assertEquals(1, lines.length, "one line expected on stderr:\n" + r.err());
        assertTrue(lines[0].contains(expected), lines[0]);
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception:"), r.err());
    }

    /** Every file under dir with its bytes, to prove a failed command changed nothing. */
    static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(dir.relativize(p).toString(),
                    Files.readAllBytes(p));
        }
        return m;
    }

    static void assertSame(Map<String, byte[]> a, Map<String, byte[]> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertTrue(java.util.Arrays.equals(a.get(k), b.get(k)), k + " changed");
    }

    @Test
    void trainWritesCheckpointAndPlotThenSampleAndResume(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        Result r = run(concat(TINY, "--text", text.toString(), "--steps", "12", "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("unigram baseline") && r.out().contains("validation loss")
                && r.out().contains("--- sample at step 5"), r.out());
        assertTrue(r.out().matches("(?s).*final: train loss \\d\\.\\d{4} .*validation loss \\d\\.\\d{4}, unigram "
                + "\\d\\.\\d{4}.*"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("checkpoint/manifest.properties")));
        BufferedImage png = ImageIO.read(out.resolve("loss.png").toFile());
        assertEquals(900, png.getWidth());
        assertTrue(Files.readString(out.resolve("checkpoint/manifest.properties")).contains("step=12"));

        Result s = run("sample", "--checkpoint", out.toString(), "--length", "40", "--prime", "And ", "--backend",
                "cpu");
        assertEquals(0, s.code(), s.err());
        String sample = s.out().strip();
        assertTrue(sample.startsWith("And ") && sample.codePointCount(0, sample.length()) >= 30, sample);

        Result again = run("train", "--text", text.toString(), "--resume", out.toString(), "--steps", "15", "--backend",
                "cpu");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("resuming at step 12 of 15"), again.out());
        assertTrue(Files.readString(out.resolve("checkpoint/manifest.properties")).contains("step=15"));
        assertEquals(16, Files.readAllLines(out.resolve("checkpoint/history.csv")).size());   // header + 15 steps
    }

    @Test
    void trainsAGruThenSamplesAndResumesIt(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("gru");
        Result r = run(concat(TINY, "--cell", "gru", "--text", text.toString(), "--steps", "6", "--out",
                out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("model: embed 8 -> GRU 1 x 16"), r.out());
        String manifest = Files.readString(out.resolve("checkpoint/manifest.properties"));
        assertTrue(manifest.contains("cell=gru") && manifest.contains("gru0.bh"), manifest);
        Result s = run("sample", "--checkpoint", out.toString(), "--length", "20", "--prime", "And ", "--backend",
                "cpu");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().strip().startsWith("And "), s.out());
        assertOneLineError(run("train", "--text", text.toString(), "--resume", out.toString(), "--cell", "lstm"),
                "--cell cannot change");
        Result again = run("train", "--text", text.toString(), "--resume", out.toString(), "--steps", "8", "--backend",
                "cpu");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("resuming at step 6 of 8") && again.out().contains("-> GRU 1 x 16"),
                again.out());
        assertOneLineError(run(concat(TINY, "--cell", "lstn", "--text", text.toString(), "--out",
                dir.resolve("x").toString())),
                "--cell must be lstm, gru or rnn but was 'lstn'");
        assertFalse(Files.exists(dir.resolve("x")), "a refused --cell writes nothing");
    }

    @Test
    void missingEmptyAndTooShortTextsAreOneLineErrors(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("never");
        assertOneLineError(run("train", "--text", dir.resolve("nope.txt").toString(), "--out", out.toString()),
                "does not exist");
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertOneLineError(run("train", "--text", empty.toString(), "--out", out.toString()), "is empty");
        Path tiny = Files.writeString(dir.resolve("tiny.txt"),
                "In the beginning God created the heaven and the earth.\n");
        assertOneLineError(run("train", "--text", tiny.toString(), "--seq-len", "100", "--backend", "cpu", "--out",
                out.toString()), "lower --seq-len");
        assertOneLineError(run("train", "--text", text.toString(), "--backend", "tpu", "--out", out.toString()),
                "unknown backend 'tpu'");
        assertOneLineError(run("train", "--text", text.toString(), "--layers", "4", "--out", out.toString()),
                "--layers must be 1, 2 or 3");
        assertOneLineError(run("train", "--steps", "many"), "--steps");
        assertFalse(Files.exists(out), "nothing may be written on bad input");
    }

    @Test
    void checkpointsAreNeverOverwrittenByMistake(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        assertEquals(0, run(concat(TINY, "--text", text.toString(), "--steps", "3", "--out", out.toString())).code());
        Map<String, byte[]> before = snapshot(out);
        // a second fresh run into the same --out
        assertOneLineError(run(concat(TINY, "--text", text.toString(), "--steps", "3", "--out", out.toString())),
                "already holds a checkpoint");
        // resume on another text
        Path other = Files.writeString(dir.resolve("other.txt"), Files.readString(text).substring(100));
        assertOneLineError(run("train", "--text", other.toString(), "--resume", out.toString(), "--backend", "cpu"),
                "different text");
        // resume asking for another model shape
        assertOneLineError(run("train", "--text", text.toString(), "--resume", out.toString(), "--hidden", "32"),
                "--hidden cannot change");
        assertSame(before, snapshot(out));
        // a corrupt checkpoint: resume and sample refuse it, and leave it as it is
        Path w = out.resolve("checkpoint/param.out.W.npy");
        Files.write(w, "not numpy".getBytes(StandardCharsets.US_ASCII));
        Map<String, byte[]> corrupt = snapshot(out);
        assertOneLineError(run("train", "--text", text.toString(), "--resume", out.toString(), "--steps", "5",
                "--backend", "cpu"), "param.out.W.npy");
        assertOneLineError(run("sample", "--checkpoint", out.toString(), "--backend", "cpu"), "corrupt");
        assertOneLineError(run("sample", "--checkpoint", dir.resolve("missing").toString()), "does not exist");
        assertSame(corrupt, snapshot(out));
    }

    @Test
    void interruptedSavesAreFoundAndRecoveredAndBrokenModelsRefused(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        assertEquals(0, run(concat(TINY, "--text", text.toString(), "--steps", "3", "--out", out.toString())).code());
        // what a crash between the two renames of a save leaves: the previous checkpoint renamed, a new one unfinished
        Files.move(out.resolve("checkpoint"), out.resolve("checkpoint.old"));
        Files.createDirectories(out.resolve("checkpoint.new"));
        Files.write(out.resolve("checkpoint.new/param.out.W.npy"), new byte[]{(byte) 0x93, 'N', 'U'});
        Map<String, byte[]> crashed = snapshot(out);
        Result s = run("sample", "--checkpoint", out.toString(), "--length", "20", "--backend", "cpu");
        assertEquals(0, s.code(), s.err());
        assertSame(crashed, snapshot(out));   // readers find the surviving copy and rename nothing
        assertOneLineError(run(concat(TINY, "--text", text.toString(), "--steps", "3", "--out", out.toString())),
        "already holds a checkpoint");
        assertOneLineError(run("train", "--text", text.toString(), "--resume", out.toString(), "--steps", "-5",
                "--backend", "cpu"), "--steps must be at least 1");
        assertOneLineError(run("train", "--text", text.toString(), "--resume", out.toString(), "--steps", "2",
                "--backend", "cpu"), "below the checkpoint's step 3");
        Result r = run("train", "--text", text.toString(), "--resume", out.toString(), "--steps", "5", "--backend",
                "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("note: an interrupted checkpoint save was rolled back"), r.out());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(java.util.List.of("checkpoint", "loss.png"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        // a tiny temperature is the argmax limit: the same text whatever the seed
        Result a = run("sample", "--checkpoint", out.toString(), "--length", "30", "--temperature", "1e-320", "--seed",
                "1", "--backend", "cpu");
        Result b = run("sample", "--checkpoint", out.toString(), "--length", "30", "--temperature", "1e-320", "--seed",
                "2", "--backend", "cpu");
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), b.out());
        // NaN weights: refused at load, naming the file
        Path w = out.resolve("checkpoint/param.out.W.npy");
        float[] v = org.rnn4j.io.Npy.read(w).floats();
        v[0] = Float.NaN;
        org.rnn4j.io.Npy.write(w, v, org.rnn4j.io.Npy.shape(w));
        assertOneLineError(run("sample", "--checkpoint", out.toString(), "--backend", "cpu"),
                "param.out.W.npy holds NaN at element 0");
    }

    @Test
    void verboseShowsTheStackTrace(@TempDir Path dir) {
        Result r = run("train", "--text", dir.resolve("nope.txt").toString(), "--verbose");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("\tat org.rnn4j.cli."), r.err());
    }

    @Test
    void infoAndDemoRun() {
        Result info = run("info", "--backend", "cpu");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("backend: cpu (cpu requested; CPU kernels: ") && info.out().contains("java: "),
                info.out());
        Result demo = run("demo", "--backend", "cpu", "--batch", "2", "--seq-len", "3", "--input", "4", "--hidden", "5",
                "--repeats", "1");
        assertEquals(0, demo.code(), demo.err());
        assertTrue(demo.out().contains("lstm: h (N, T, H) = (2, 3, 5)") && demo.out().contains("forward+backward"),
                demo.out());
        assertOneLineError(run("demo", "--backend", "cpu", "--hidden", "0"), "--hidden");
    }
}
