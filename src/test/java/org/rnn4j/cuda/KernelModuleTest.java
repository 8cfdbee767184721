package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

/** Which image the backend loads for which driver and GPU, and the cause, fix and JIT log of each refusal. */
class KernelModuleTest {
    private static final KernelModule.Target H200_CUDA13 = new KernelModule.Target("NVIDIA H200", 9, 0, 13000);
    private static final KernelModule.Target H200_CUDA12 = new KernelModule.Target("NVIDIA H200", 9, 0, 12040);
    private static final KernelModule.Target B200_CUDA13 = new KernelModule.Target("NVIDIA B200", 10, 0, 13000);

    /** A driver that answers each image with a scripted status and log, and records what it was given. */
    private static final class ScriptedDriver implements KernelModule.Loader {
        final Map<String, KernelModule.Attempt> answers;
        final List<String> asked = new ArrayList<>();

        ScriptedDriver(Map<String, KernelModule.Attempt> answers) { this.answers = answers; }

        @Override
        public KernelModule.Attempt load(String image, byte[] bytes) {
            asked.add(image);
            assertTrue(bytes.length > 1000, image + " resource is empty");
            if (image.endsWith(".ptx")) assertEquals(0, bytes[bytes.length - 1], "PTX text must be NUL-terminated");
            return answers.get(image);
        }
    }

    private static KernelModule.Attempt ok() { return new KernelModule.Attempt(CUresult.CUDA_SUCCESS, "", ""); }

    private static KernelModule.Attempt fail(int status, String log) { return new KernelModule.Attempt(status, log, "");
            }

    @Test
    void cuda13DriverLoadsTheFatbinAndNamesTheCubin() {
        var driver = new ScriptedDriver(Map.of("rnn4j.fatbin", ok()));
        assertEquals("kernels: sm_90 cubin", KernelModule.load(H200_CUDA13, driver));
        assertEquals(List.of("rnn4j.fatbin"), driver.asked);
    }

    @Test
    void aGpuNewerThanEveryCubinIsJitCompiledFromTheFatbinsPtx() {
        var driver = new ScriptedDriver(Map.of("rnn4j.fatbin", ok()));
        String how = KernelModule.load(B200_CUDA13, driver);
        assertTrue(how.contains("PTX JIT-compiled for sm_100") && how.contains("no cubin"), how);
    }

    @Test
    void cuda12DriverGetsThePtxAndTheReasonSaysWhy() {
        var driver = new ScriptedDriver(Map.of("rnn4j.ptx", ok()));
        String how = KernelModule.load(H200_CUDA12, driver);
        assertEquals(List.of("rnn4j.ptx"), driver.asked);
        assertTrue(how.contains("PTX JIT-compiled for sm_90") && how.contains("CUDA 12.4 predates the CUDA 13 cubins"),
                how);
    }

    @Test
    void aRefusedFatbinFallsBackToThePtxAndSaysSo() {
        var driver = new ScriptedDriver(Map.of("rnn4j.fatbin", fail(CUresult.CUDA_ERROR_INVALID_IMAGE, ""), "rnn4j.ptx",
                ok()));
        String how = KernelModule.load(H200_CUDA13, driver);
        assertEquals(List.of("rnn4j.fatbin", "rnn4j.ptx"), driver.asked);
        assertTrue(how.contains("refused the fatbin (CUDA_ERROR_INVALID_IMAGE)"), how);
    }

    @Test
    void missingJitCompilerNamesTheLibraryTheContainerFixAndTheLog() {
        var driver = new ScriptedDriver(Map.of("rnn4j.ptx",
                fail(CUresult.CUDA_ERROR_JIT_COMPILER_NOT_FOUND, "ptx JIT unavailable")));
        var e = assertThrows(CudaUnavailableException.class, () -> KernelModule.load(H200_CUDA12, driver));
        String m = e.getMessage();
        assertTrue(m.contains("CUDA_ERROR_JIT_COMPILER_NOT_FOUND") && m.contains("libnvidia-ptxjitcompiler.so.1"), m);
        assertTrue(m.contains("NVIDIA_DRIVER_CAPABILITIES") && m.contains("R580"), m);
        assertTrue(m.contains("(JIT log: ptx JIT unavailable)"), m);
        assertTrue(m.contains("CUDA 12.4") && m.contains("NVIDIA H200") && m.contains("sm_90"), m);
        assertTrue(!m.contains("predates CUDA 12"), "must not blame an old driver: " + m);
    }

    @Test
    void eachRefusalHasItsOwnCause() {
        Map<Integer, String> expected = Map.of(
                CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION, "older than the PTX",
                CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU, "compute capability 7.5",
                CUresult.CUDA_ERROR_INVALID_IMAGE, "damaged",
                CUresult.CUDA_ERROR_INVALID_PTX, "damaged",
                CUresult.CUDA_ERROR_JIT_COMPILATION_DISABLED, "CUDA_DISABLE_PTX_JIT",
                CUresult.CUDA_ERROR_OUT_OF_MEMORY, "out of memory");
        for (var e : expected.entrySet()) {
            var driver = new ScriptedDriver(Map.of("rnn4j.ptx", fail(e.getKey(), "")));
            String m = assertThrows(CudaUnavailableException.class,
                    () -> KernelModule.load(H200_CUDA12, driver)).getMessage();
            assertTrue(m.contains(CUresult.stringFor(e.getKey())) && m.contains(e.getValue()), m);
            assertTrue(m.contains("Fix:") && m.endsWith(CudaProbe.OR_CPU.strip()), m);
        }
    }

    @Test
    void aFatbinFailureThatIsNotAboutTheImageIsNotRetried() {
        var driver = new ScriptedDriver(Map.of("rnn4j.fatbin", fail(CUresult.CUDA_ERROR_OUT_OF_MEMORY, "")));
        var e = assertThrows(CudaUnavailableException.class, () -> KernelModule.load(H200_CUDA13, driver));
        assertEquals(List.of("rnn4j.fatbin"), driver.asked);
        assertTrue(e.getMessage().contains("rnn4j.fatbin") && e.getMessage().contains("out of memory"), e.getMessage());
    }

    @Test
    void theDriverPicksTheNewestCubinOfTheSameMajorVersion() {
        assertEquals(75, KernelModule.cubinFor(7, 5));
        assertEquals(0, KernelModule.cubinFor(7, 0));
        assertEquals(80, KernelModule.cubinFor(8, 0));
        assertEquals(86, KernelModule.cubinFor(8, 7));
        assertEquals(89, KernelModule.cubinFor(8, 9));
        assertEquals(90, KernelModule.cubinFor(9, 0));
        assertEquals(0, KernelModule.cubinFor(12, 0));
    }
}
