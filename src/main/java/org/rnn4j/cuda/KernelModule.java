package org.rnn4j.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import jcuda.driver.CUresult;

/**
 * Which kernel image rnn4j hands the driver, and what a refusal means. The jar ships two images built by
 * kernels/build-ptx.sh from the same PTX: {@code rnn4j.fatbin} (cubins for {@link #CUBIN_SMS} plus that PTX,
 * for newer GPUs) and {@code rnn4j.ptx} alone. The cubins are written by CUDA 13, so they need a CUDA 13 driver;
 * an older driver gets the PTX, which its JIT compiler translates. A refused fatbin falls back to the PTX too.
 * The decision is independent of JCuda's calls ({@link Loader}), so it is tested without a GPU.
 */
final class KernelModule {
    static final String FATBIN_RESOURCE = "/org/rnn4j/cuda/rnn4j.fatbin";
    static final String PTX_RESOURCE = "/org/rnn4j/cuda/rnn4j.ptx";
    /** The architectures the fatbin has cubins for (kernels/build-ptx.sh's CUBIN_SMS; a test holds them equal). */
    static final int[] CUBIN_SMS = {75, 80, 86, 89, 90};
    /** cuDriverGetVersion's value for CUDA 13.0: the oldest driver that loads cubins written by CUDA 13. */
    static final int CUBIN_MIN_DRIVER = 13000;
    static final String FIX_JIT = "in a container, set NVIDIA_DRIVER_CAPABILITIES=compute,utility (or all) so the "
            + "NVIDIA "
            + "container toolkit mounts the driver's libnvidia-ptxjitcompiler.so.1; on a host, install the driver's "
            + "compute libraries (e.g. the libnvidia-compute-<version> package), which contain it";
    static final String FIX_CUDA13_DRIVER = "install an NVIDIA driver for CUDA 13.0 or newer (R580 or later): rnn4j "
            + "then loads its prebuilt cubins (sm_75 to sm_90) and needs no JIT compiler";

    private KernelModule() {}

    /** One attempt: the driver's status and its JIT logs (empty when there were none). */
    record Attempt(int status, String errorLog, String infoLog) {
        boolean ok() { return status == CUresult.CUDA_SUCCESS; }
    }

    /** Loads one image (cuModuleLoadDataEx with JIT log buffers on a GPU; a script in tests). */
    interface Loader {
        Attempt load(String image, byte[] bytes);
    }

    /** The device and driver the module is for. */
    record Target(String deviceName, int ccMajor, int ccMinor, int driverVersion) {
        String sm() { return "sm_" + ccMajor + ccMinor; }

        String driver() { return "CUDA " + driverVersion / 1000 + "." + driverVersion % 1000 / 10; }
    }

    /**
     * Loads the kernels for {@code target} through {@code loader} and returns a one-line account of what was loaded
     * ("sm_90 cubin", "PTX JIT-compiled for sm_100 ..."), or throws {@link CudaUnavailableException} with the cause,
     * the fix and the driver's JIT log.
     */
    static String load(Target target, Loader loader) {
        String why;
        if (target.driverVersion >= CUBIN_MIN_DRIVER) {
            Attempt fat = loader.load("rnn4j.fatbin", resource(FATBIN_RESOURCE));
            int sm = cubinFor(target.ccMajor, target.ccMinor);
            if (fat.ok())
                return sm > 0 ? "kernels: sm_" + sm + " cubin"
                        : "kernels: PTX JIT-compiled for " + target.sm() + " (the fatbin has no cubin for it)";
            if (!imageProblem(fat.status)) throw unavailable(target, "rnn4j.fatbin", fat, "");
            why = "the driver refused the fatbin (" + CUresult.stringFor(fat.status) + log(fat) + "), so ";
        } else {
            why = "driver " + target.driver() + " predates the CUDA 13 cubins, so ";
        }
        Attempt ptx = loader.load("rnn4j.ptx", resource(PTX_RESOURCE));
        if (ptx.ok()) return "kernels: PTX JIT-compiled for " + target.sm() + " (" + why + "the PTX was loaded)";
        throw unavailable(target, "rnn4j.ptx", ptx, " (" + why + "the PTX was tried)");
    }

    /** The cubin the driver picks: the newest shipped one of the same major version, not newer than the device. */
    static int cubinFor(int major, int minor) {
        int best = 0;
        for (int sm : CUBIN_SMS)
            if (sm / 10 == major && sm % 10 <= minor) best = sm;
        return best;
    }

    /** Statuses about the image itself, after which the other image may still load. */
    private static boolean imageProblem(int status) {
        return status == CUresult.CUDA_ERROR_INVALID_IMAGE || status == CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU
                || status == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION || status == CUresult.CUDA_ERROR_INVALID_PTX
                || status == CUresult.CUDA_ERROR_INVALID_SOURCE || status == CUresult.CUDA_ERROR_JIT_COMPILER_NOT_FOUND
                || status == CUresult.CUDA_ERROR_JIT_COMPILATION_DISABLED;
    }

    private static CudaUnavailableException unavailable(Target t, String image, Attempt a, String context) {
        return new CudaUnavailableException("the driver refused rnn4j's kernels: loading " + image + " for " + t.sm()
                + " on " + t.deviceName + " with driver " + t.driver() + " returned " + CUresult.stringFor(a.status)
                + context + ". " + explain(a.status, t) + log(a) + "." + CudaProbe.OR_CPU);
    }

    /** Cause and fix for a failed module load. */
    static String explain(int status, Target t) {
        if (status == CUresult.CUDA_ERROR_JIT_COMPILER_NOT_FOUND)
            return "Cause: the driver's PTX JIT compiler (libnvidia-ptxjitcompiler.so.1) is missing, and without it "
                    + "the "
                    + "PTX cannot be compiled for " + t.sm() + ". Fix: " + FIX_JIT + "; or " + FIX_CUDA13_DRIVER;
        if (status == CUresult.CUDA_ERROR_JIT_COMPILATION_DISABLED)
            return "Cause: PTX JIT compilation is disabled (the CUDA_DISABLE_PTX_JIT environment variable or a driver "
                    + "setting). Fix: unset CUDA_DISABLE_PTX_JIT; or " + FIX_CUDA13_DRIVER;
        if (status == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION)
            return "Cause: the driver is older than the PTX, which declares ISA 8.0 (CUDA 12.0). Fix: "
                    + CudaProbe.FIX_DRIVER;
        if (status == CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU)
            return "Cause: no image fits " + t.sm() + " (cubins exist for sm_75 to sm_90; the PTX targets compute_75, "
                    + "which needs a Turing or newer GPU). Fix: use a GPU of compute capability 7.5 or higher";
        if (status == CUresult.CUDA_ERROR_INVALID_IMAGE || status == CUresult.CUDA_ERROR_INVALID_PTX
                || status == CUresult.CUDA_ERROR_INVALID_SOURCE)
            return "Cause: the driver could not read the image: either it is damaged (a repackaged or truncated jar) "
                    + "or "
                    + "it was written by a newer CUDA than the driver supports. Fix: " + FIX_CUDA13_DRIVER
                    + ", and check that the rnn4j jar is intact";
        if (status == CUresult.CUDA_ERROR_OUT_OF_MEMORY)
            return "Cause: the GPU is out of memory. Fix: free device memory (other processes: nvidia-smi)";
        return "Fix: " + CudaProbe.FIX_DRIVER;
    }

    /** The JIT logs, if any, as " (JIT log: ...)". */
    private static String log(Attempt a) {
        String text = (a.errorLog.strip() + " " + a.infoLog.strip()).strip();
        return text.isEmpty() ? "" : " (JIT log: " + text.replaceAll("\\s+", " ") + ")";
    }

    private static final java.util.Map<String, byte[]> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** A resource of this package, read once per JVM; PTX text gets the NUL terminator cuModuleLoadData requires. */
    static byte[] resource(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            try (InputStream in = KernelModule.class.getResourceAsStream(n)) {
                if (in == null)
                    throw new CudaUnavailableException("this rnn4j build lacks its kernel resource " + n
                            + " (a packaging defect: rebuild the jar with src/main/resources)." + CudaProbe.OR_CPU);
                byte[] bytes = in.readAllBytes();
                return n.endsWith(".ptx") ? Arrays.copyOf(bytes, bytes.length + 1) : bytes;
            } catch (IOException e) {
                throw new CudaUnavailableException("reading the kernel resource " + n + " failed: " + e, e);
            }
        });
    }
}
