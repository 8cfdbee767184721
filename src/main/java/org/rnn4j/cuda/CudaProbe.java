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

    /** Where JCuda looks for its driver natives on this machine, and whether they are on the class path. */
    record Platform(String os, String arch, String nativesResource, boolean nativesPresent) {
        static Platform current() {
            String os = System.getProperty("os.name"), arch = System.getProperty("os.arch");
            try {
                // JCuda's own naming: lib/libJCudaDriver-<version>-<os>-<arch>.<so|dll|dylib> inside jcuda-natives.
                String file = jcuda.LibUtils.createLibraryFileName(
                        jcuda.LibUtils.createPlatformLibraryName("JCudaDriver-" + jcudaVersion()));
                String resource = "/lib/" + file;
                return new Platform(os, arch, resource, CudaProbe.class.getResource(resource) != null);
            } catch (LinkageError | RuntimeException e) {
                return new Platform(os, arch, "JCuda's driver natives", false);
            }
        }
    }

    /** The JCuda version on the class path (its Maven metadata), e.g. "12.6.0". */
    static String jcudaVersion() {
        try (var in = CudaProbe.class.getResourceAsStream("/META-INF/maven/org.jcuda/jcuda/pom.properties")) {
            if (in != null) {
                var p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null) return v;
            }
        } catch (java.io.IOException ignored) {
            // fall through to the version rnn4j is built against
        }
        return "12.6.0";
    }

    /** Cause and fix for a native library or class that failed to load. */
    static String describeLinkageError(Throwable e) {
        return describeLinkageError(e, Platform.current());
    }

    static String describeLinkageError(Throwable e, Platform platform) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) all.append(t).append('\n');
        String text = all.toString();
        if (e instanceof NoClassDefFoundError && text.contains("jcuda"))
            return "the JCuda jars are not on the class path (" + e.getMessage() + "). Fix: add org.jcuda:jcuda and "
                    + "org.jcuda:jcublas 12.6.0 with their natives for " + platform.os + "/" + platform.arch + "."
                    + OR_CPU;
        // Without the natives for this OS/arch nothing below applies: JCuda never got as far as libcuda.
        if (!platform.nativesPresent && !text.contains("libcuda.so.1: cannot open"))
            return "JCuda has no native libraries for " + platform.os + "/" + platform.arch + ": "
                    + platform.nativesResource + " is not on the class path (JCuda " + jcudaVersion() + " publishes "
                    + "natives, org.jcuda:jcuda-natives and jcublas-natives, for Linux and Windows on x86-64 only). "
                    + "Fix: run the CUDA backend on Linux or Windows x86-64, or build JCuda's natives for this "
                    + "platform "
                    + "and put them on java.library.path." + OR_CPU;
        if (text.contains("libcublas"))
            return "CUDA 12's cuBLAS is missing: JCublas could not load libcublas.so.12 (" + quote(text, "libcublas")
                    + "). Fix: "
                    + FIX_CUBLAS + "." + OR_CPU;
        if (text.contains("libcuda.so") || text.contains("nvcuda"))
            return "no NVIDIA driver: libcuda.so.1, which JCuda's driver natives link, was not found. Fix: "
                    + FIX_DRIVER + "." + OR_CPU;
        if (text.contains("undefined symbol"))
            return "the NVIDIA driver is too old for JCuda 12.6 (" + quote(text, "undefined symbol") + "). Fix: "
                    + FIX_DRIVER + "." + OR_CPU;
        return "JCuda's native libraries failed to load on " + platform.os + "/" + platform.arch
                + " (" + firstLine(text) + "). Fix: JCuda 12.6 ships natives for Linux and Windows on x86-64; check "
                + "that "
                + "java.io.tmpdir is writable (the natives are unpacked there) and " + FIX_DRIVER + "." + OR_CPU;
    }

    /** The line of {@code text} that contains {@code needle}, trimmed: the loader's own words for the failure. */
    private static String quote(String text, String needle) {
        for (String line : text.split("\n"))
            if (line.contains(needle)) {
                String l = line.trim();
                int colon = l.indexOf(": /");
                return colon >= 0 && l.indexOf(':', colon + 2) > 0 ? l.substring(l.indexOf(':', colon + 2) + 1).trim()
                        : l;
            }
        return firstLine(text);
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).trim();
    }
}
