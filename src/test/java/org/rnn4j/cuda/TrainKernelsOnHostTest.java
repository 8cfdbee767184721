package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.internal.Memory;

/**
 * kernels/train.cu compiled as host C++ (src/test/cpp/train_kernels_host.cpp runs every thread of every block
 * one at a time and checks each kernel against plain loops, on several grids), plus: the deterministic sum of
 * the kernels gives the same bits as the CPU twin. Skipped where no g++ exists (CI installs it).
 */
class TrainKernelsOnHostTest {
    @Test
    void kernelsMatchTheirContractsAndTheSumMatchesTheCpuTwinBitForBit(@TempDir Path dir) throws Exception {
        assumeTrue(hasGpp(), "g++ not installed");
        Path exe = dir.resolve("train_kernels_host");
        run(dir, "g++", "-std=c++17", "-O1", "-ffp-contract=off", "-o", exe.toString(), "src/test/cpp/train_kernels_host.cpp");
        String out = run(dir, exe.toString());
        assertTrue(out.strip().endsWith("ok"), out);
        String[] f = out.lines().filter(l -> l.startsWith("sum ")).findFirst().orElseThrow().split(" ");
        int n = 10007;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) ((i * 7919L) % 2001 - 1000) / 1024.0f;
        CpuCompute cpu = new CpuCompute(1);
        try (Memory m = cpu.upload(x); Memory o = cpu.alloc(2)) {
            cpu.sum(m, 0, n, false, o, 0);
            cpu.sum(m, 0, n, true, o, 1);
            float[] host = new float[2];
            cpu.download(o, 0, host, 0, 2);
            assertEquals(Integer.toUnsignedLong(Float.floatToRawIntBits(host[0])), Long.parseLong(f[1]), "sum bits");
            assertEquals(Integer.toUnsignedLong(Float.floatToRawIntBits(host[1])), Long.parseLong(f[3]), "sum of squares bits");
        } finally {
            cpu.shutdown();
        }
    }

    static boolean hasGpp() {
        try {
            return new ProcessBuilder("g++", "--version").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }
}
