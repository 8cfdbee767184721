package org.rnn4j.cuda;

import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import org.rnn4j.cuda.CudaUnavailableException;

/**
 * Loads JCuda's native libraries once per JVM and turns every way that can fail into a message with the
 * cause and the fix. A failed static initialiser cannot be retried (later uses only say "Could not
 * initialize class"), so the first failure is remembered and reported again on every later attempt.
 */
final class CudaProbe {
    static final String FIX_DRIVER = "install an NVIDIA driver for CUDA 12.0 or newer (R525 or later); in a container, "
            + "start it with the NVIDIA container toolkit (e.g. docker run --gpus all)";
    static final String FIX_CUBLAS = "install CUDA 12's cuBLAS (libcublas.so.12 and libcublasLt.so.12), e.g. the "
            + "libcublas-12-x package from NVIDIA's CUDA repository (apt-get install libcublas-12-6) or the "
            + "nvidia-cublas-cu12 wheel, and put its lib folder on LD_LIBRARY_PATH. JCuda 12.6 links libcublas.so.12, "
            + "so this is needed even where CUDA 13 is installed (CUDA 13 ships only libcublas.so.13)";
    static final String OR_CPU = " Or use the CPU backend (Backend.cpu(), -Drnn4j.backend=cpu).";

    private static Failure driverFailure, cublasFailure;
    private static boolean driverLoaded, cublasLoaded;

    private CudaProbe() {}

    private record Failure(String message, Throwable cause) {}

    /** Loads JCudaDriver's natives (which link libcuda.so.1) or throws the remembered cause. */
    static synchronized void requireDriverNatives() {
        if (!driverLoaded && driverFailure == null) {
            try {
                JCudaDriver.setExceptionsEnabled(false); // first touch runs the static initialiser: loads the natives
                driverLoaded = true;
            } catch (LinkageError | SecurityException e) {
                driverFailure = new Failure(describeLinkageError(e), e);
            }
        }
        if (driverFailure != null) throw new CudaUnavailableException(driverFailure.message, driverFailure.cause);
    }

    /** Loads JCublas2's natives (which link libcublas.so.12) or throws the remembered cause. */
    static synchronized void requireCublasNatives() {
        if (!cublasLoaded && cublasFailure == null) {
            try {
                JCublas2.setExceptionsEnabled(false);
                cublasLoaded = true;
            } catch (LinkageError | SecurityException e) {
                cublasFailure = new Failure(describeLinkageError(e), e);
            }
        }
        if (cublasFailure != null) throw new CudaUnavailableException(cublasFailure.message, cublasFailure.cause);
    }

    /** Cause and fix for a native library or class that failed to load. */
    static String describeLinkageError(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) all.append(t).append('\n');
        String text = all.toString();
        if (text.contains("libcublas"))
            return "CUDA 12's cuBLAS is missing: JCublas could not load libcublas.so.12 (" + quote(text, "libcublas") + "). Fix: "
                    + FIX_CUBLAS + "." + OR_CPU;
        if (text.contains("libcuda.so") || text.contains("nvcuda"))
            return "no NVIDIA driver: libcuda.so.1, which JCuda's driver natives link, was not found. Fix: " + FIX_DRIVER + "." + OR_CPU;
        if (text.contains("undefined symbol"))
            return "the NVIDIA driver is too old for JCuda 12.6 (" + quote(text, "undefined symbol") + "). Fix: " + FIX_DRIVER + "." + OR_CPU;
        if (e instanceof NoClassDefFoundError && text.contains("jcuda"))
            return "the JCuda jars are not on the class path (" + e.getMessage() + "). Fix: add org.jcuda:jcuda and "
                    + "org.jcuda:jcublas 12.6.0 with their natives for " + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch") + "." + OR_CPU;
        return "JCuda's native libraries failed to load on " + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                + " (" + firstLine(text) + "). Fix: JCuda 12.6 ships natives for Linux and Windows on x86-64; check that "
                + "java.io.tmpdir is writable (the natives are unpacked there) and " + FIX_DRIVER + "." + OR_CPU;
    }

    /** The line of {@code text} that contains {@code needle}, trimmed: the loader's own words for the failure. */
    private static String quote(String text, String needle) {
        for (String line : text.split("\n"))
            if (line.contains(needle)) {
                String l = line.trim();
                int colon = l.indexOf(": /");
                return colon >= 0 && l.indexOf(':', colon + 2) > 0 ? l.substring(l.indexOf(':', colon + 2) + 1).trim() : l;
            }
        return firstLine(text);
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).trim();
    }
}
