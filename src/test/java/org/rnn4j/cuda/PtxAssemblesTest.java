package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ptxas assembles the shipped PTX, as declared (ISA 8.0), for the oldest and a current supported GPU: proof that
 * the lowered .version is honest (ptxas rejects instructions the declared ISA lacks). Skipped where ptxas is not on
 * PATH (CI); kernels/build-ptx.sh makes the same check whenever the PTX is regenerated.
 */
class PtxAssemblesTest {
    @ParameterizedTest(name = "ptxas -arch={0}")
    @ValueSource(strings = {"sm_75", "sm_90"})
    void shippedPtxAssembles(String arch, @TempDir Path dir) throws IOException, InterruptedException {
        Path ptxas = onPath("ptxas");
        assumeTrue(ptxas != null, "ptxas not on PATH (it comes with the CUDA toolkit)");
        Path ptx = Files.write(dir.resolve("rnn4j.ptx"), ShippedPtx.bytes(ShippedPtx.PTX));
        Path cubin = dir.resolve("rnn4j-" + arch + ".cubin");
        Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + arch, "-o", cubin.toString(), ptx.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ptxas did not finish");
        assertEquals(0, p.exitValue(), "ptxas -arch=" + arch + " rejected the shipped PTX:\n" + out);
        assertTrue(Files.size(cubin) > 0, "ptxas wrote no cubin");
    }

    private static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
