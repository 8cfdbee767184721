package org.rnn4j;

import org.rnn4j.cuda.CudaUnavailableException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Choosing a backend is never silent: auto says which and why, forcing CUDA where it cannot run fails with
 * the cause and the fix, unknown names are rejected. Written to hold on machines with and without a GPU;
 * on one without (CI, the development machines) the CUDA-unavailable branches are the ones exercised.
 */
class BackendChoiceTest {
    /** Why CUDA cannot run here, or null where it can. */
    static String cudaFailure;

    @BeforeAll
    static void probe() {
        try {
            Backend.cuda().close();
            cudaFailure = null;
        } catch (CudaUnavailableException e) {
            cudaFailure = e.getMessage();
        }
    }

    @Test
    void autoTakesCudaWhereUsableElseCpuAndSaysWhy() {
        try (Backend b = BackendSelection.select(null, null)) {
            if (cudaFailure == null) {
                assertEquals("cuda", b.name());
                assertTrue(b.reason().startsWith("auto: CUDA device usable"), b.reason());
            } else {
                assertEquals("cpu", b.name());
                assertTrue(b.reason().startsWith("auto: CUDA unavailable ("), b.reason());
                assertTrue(b.reason().contains(cudaFailure), "the reason carries CUDA's cause: " + b.reason());
            }
        }
        assumeTrue(System.getProperty("rnn4j.backend") == null && System.getenv("RNN4J_BACKEND") == null);
        try (Backend b = Backend.auto()) {
            assertEquals(cudaFailure == null ? "cuda" : "cpu", b.name(), b.reason());
        }
    }

    @Test
    void cudaWhereItCannotRunNamesTheCauseAndTheFix() {
        assumeTrue(cudaFailure != null, "CUDA is usable here");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, Backend::cuda);
        assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
        assertTrue(e.getMessage().contains("Backend.cpu()"), "offers the CPU backend: " + e.getMessage());
        assertEquals(cudaFailure, e.getMessage(),
                "the first failure's cause is reported again, not 'Could not initialize class'");
        if (!libcudaPresent()) {
            assertTrue(e.getMessage().startsWith("no NVIDIA driver: libcuda.so.1"), e.getMessage());
            assertTrue(e.getCause() instanceof UnsatisfiedLinkError, "keeps the loader's error as the cause: "
                    + e.getCause());
        }
    }

    @Test
    void forcingCudaWhereItCannotRunFailsAndSaysWhoForcedIt() {
        assumeTrue(cudaFailure != null, "CUDA is usable here");
        CudaUnavailableException p = assertThrows(CudaUnavailableException.class,
                () -> BackendSelection.select("cuda", null));
        assertTrue(p.getMessage().startsWith("-Drnn4j.backend=cuda asks for the CUDA backend"), p.getMessage());
        assertTrue(p.getMessage().endsWith(cudaFailure), p.getMessage());
        CudaUnavailableException env = assertThrows(CudaUnavailableException.class,
                () -> BackendSelection.select(" ", "CUDA"));
        assertTrue(env.getMessage().startsWith("RNN4J_BACKEND=CUDA asks for the CUDA backend"), env.getMessage());
    }

    @Test
    void cpuCanBeForcedAndThePropertyWinsOverTheEnvironment() {
        try (Backend b = BackendSelection.select("cpu", "cuda")) {
            assertEquals("cpu", b.name());
            assertTrue(b.reason().startsWith("cpu forced by -Drnn4j.backend; CPU kernels: sgemm "), b.reason());
        }
        try (Backend b = BackendSelection.select(null, "cpu")) {
            assertTrue(b.reason().startsWith("cpu forced by RNN4J_BACKEND; CPU kernels: sgemm "), b.reason());
        }
    }

    @Test
    void anUnknownBackendIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendSelection.select("gpu", null));
        assertEquals("-Drnn4j.backend=gpu is not a backend; use cpu, cuda or auto", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BackendSelection.select(null, "tpu"));
        assertTrue(e.getMessage().startsWith("RNN4J_BACKEND=tpu"), e.getMessage());
    }

    /** Whether the NVIDIA driver's user-space library is on this machine, looked for without loading it. */
    static boolean libcudaPresent() {
        String paths = System.getenv().getOrDefault("LD_LIBRARY_PATH", "")
                + ":/usr/lib/x86_64-linux-gnu:/usr/lib64:/usr/lib:/usr/local/nvidia/lib64:/usr/lib/wsl/lib";
        for (String dir : paths.split(":"))
            if (!dir.isEmpty() && new File(dir, "libcuda.so.1").exists()) return true;
        return false;
    }
}
