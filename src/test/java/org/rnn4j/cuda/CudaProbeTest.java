package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each way JCuda's natives fail to load maps to its own cause and fix (messages as the JDK and JCuda word them). */
class CudaProbeTest {
    static UnsatisfiedLinkError jcudaLoadError(String lib, String innerCause) {
        return new UnsatisfiedLinkError("Error while loading native library \"" + lib + "-12.6.0-linux-x86_64\"\n"
                + "Stack trace from the attempt to load the library as a file:\n"
                + "java.lang.UnsatisfiedLinkError: no " + lib + "-12.6.0-linux-x86_64 in java.library.path: /usr/lib\n"
                + "Stack trace from the attempt to load the library as a resource:\n"
                + "java.lang.UnsatisfiedLinkError: /tmp/lib" + lib + "-12.6.0-linux-x86_64.so: " + innerCause + "\n");
    }

    @Test
    void missingCuda12CublasSaysToInstallItEvenWithCuda13() {
        String m = CudaProbe.describeLinkageError(jcudaLoadError("JCublas2",
                "libcublas.so.12: cannot open shared object file: No such file or directory"));
        assertTrue(m.startsWith("CUDA 12's cuBLAS is missing"), m);
        assertTrue(m.contains("(libcublas.so.12: cannot open shared object file: No such file or directory)"), m);
        assertTrue(m.contains("libcublas-12") && m.contains("CUDA 13") && m.contains("LD_LIBRARY_PATH"), m);
    }

    @Test
    void missingLibcudaMeansNoDriver() {
        String m = CudaProbe.describeLinkageError(jcudaLoadError("JCudaDriver",
                "libcuda.so.1: cannot open shared object file: No such file or directory"));
        assertTrue(m.startsWith("no NVIDIA driver: libcuda.so.1"), m);
        assertTrue(m.contains("CUDA 12.0 or newer") && m.contains("--gpus"), m);
    }

    @Test
    void missingDriverSymbolMeansTheDriverIsTooOld() {
        String m = CudaProbe.describeLinkageError(jcudaLoadError("JCudaDriver",
                "/tmp/libJCudaDriver-12.6.0-linux-x86_64.so: undefined symbol: cuGraphInstantiateWithParams"));
        assertTrue(m.startsWith("the NVIDIA driver is too old"), m);
        assertTrue(m.contains("cuGraphInstantiateWithParams"), m);
    }

    @Test
    void missingJCudaJarsSaySo() {
        String m = CudaProbe.describeLinkageError(new NoClassDefFoundError("jcuda/driver/JCudaDriver"));
        assertTrue(m.startsWith("the JCuda jars are not on the class path"), m);
        assertTrue(m.contains("org.jcuda:jcuda"), m);
    }

    @Test
    void missingNativesForThisPlatformNameOsArchAndTheResource() {
        var aarch64 = new CudaProbe.Platform("Linux", "aarch64", "/lib/libJCudaDriver-12.6.0-linux-aarch64.so", false);
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("Error while loading native library "
                + "\"JCudaDriver-12.6.0-linux-aarch64\"\n"
                + "java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-aarch64 in java.library.path\n"
                + "java.io.IOException: No resource found with name '/lib/libJCudaDriver-12.6.0-linux-aarch64.so'\n");
        String m = CudaProbe.describeLinkageError(e, aarch64);
        assertTrue(m.startsWith("JCuda has no native libraries for Linux/aarch64"), m);
        assertTrue(m.contains("/lib/libJCudaDriver-12.6.0-linux-aarch64.so") && m.contains("x86-64"), m);
        assertTrue(!m.contains("no NVIDIA driver"), m);
    }

    @Test
    void theNativesOfThisTestMachineAreFoundOnTheClassPath() {
        var here = CudaProbe.Platform.current();
        assertTrue(here.nativesResource().contains("JCudaDriver-" + CudaProbe.jcudaVersion()), here.toString());
        // JCuda's Maven artifacts resolve their natives for Linux and Windows on x86-64, so there they are present.
        boolean x64 = System.getProperty("os.arch").equals("amd64");
        assertEquals(x64, here.nativesPresent(), here.toString());
    }
}
