package org.rnn4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernel line CpuCompute reports (it ends up in Backend.reason() and the selection log): in this JVM (with
 * the Vector API module, as surefire runs) it names the vector kernels; a JVM started without the module reports
 * the plain-Java kernels and the exact flag that enables the fast ones.
 */
class KernelChoiceTest {
    @Test
    void withTheModuleTheVectorKernelsRunAndNoFlagIsSuggested() {
        CpuCompute c = new CpuCompute(2);
        try {
            assertFalse(c.scalarKernels(), c.kernels());
            assertTrue(c.kernels().startsWith("CPU kernels: sgemm vector"), c.kernels());
            assertTrue(c.kernels().contains("pointwise vector") && c.kernels().endsWith(", 2 threads"), c.kernels());
        } finally {
            c.shutdown();
        }
    }

    @Test
    void withoutTheModuleTheLineNamesTheScalarKernelsAndTheFlag() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // JDK_JAVA_OPTIONS of the test's environment must not add the module back
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                KernelLine.class.getName())).redirectErrorStream(true);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("CPU kernels: sgemm scalar, pointwise scalar, 1 threads (plain Java: "), out);
        assertTrue(out.contains("start java with --add-modules jdk.incubator.vector"), out);
        assertTrue(out.contains("JDK_JAVA_OPTIONS=\"--add-modules jdk.incubator.vector\""), out);
    }

    /** Prints the kernel line of a one-thread CpuCompute (run in a child JVM without the Vector API module). */
    static final class KernelLine {
        public static void main(String[] args) {
            CpuCompute c = new CpuCompute(1);
            System.out.println(c.kernels());
            c.shutdown();
        }
    }
}
