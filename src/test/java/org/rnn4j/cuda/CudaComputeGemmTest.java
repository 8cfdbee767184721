package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.Numerics;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.cuda.emu.EmulatedDeviceApi;
import org.rnn4j.cuda.emu.JavaTwinExecutor;
import org.rnn4j.compute.Memory;

/**
 * CudaCompute's row-major GEMM mapped onto column-major cuBLAS (emulated): every transpose combination, row
 * strides wider than the rows, offsets into the buffers, beta 0 and not, against the CPU backend's GEMM.
 */
class CudaComputeGemmTest {

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4} beta={5}")
    @CsvSource({"false,false,3,4,5,0", "true,false,3,4,5,0.5", "false,true,3,4,5,0", "true,true,3,4,5,-1",
            "false,false,1,1,1,0", "true,false,6,1,9,0", "false,true,1,7,2,0.25"})
    void rowMajorGemmMatchesCpu(boolean tA, boolean tB, int m, int n, int k, float beta) {
        SplittableRandom r = Numerics.random();
        int aRows = tA ? k : m, aCols = tA ? m : k, bRows = tB ? n : k, bCols = tB ? k : n;
        int lda = aCols + 2, ldb = bCols + 3, ldc = n + 1, offA = 4, offB = 1, offC = 6;
        float[] a = Numerics.uniform(r, offA + lda * aRows, 1), b = Numerics.uniform(r, offB + ldb * bRows, 1),
                c = Numerics.uniform(r, offC + ldc * m, 1);
        if (beta == 0) for (int i = 0; i < m; i++) c[offC + i * ldc] = Float.NaN; // beta 0: C must not be read
        CpuCompute cpu = new CpuCompute(1);
        EmulatedDeviceApi device = new EmulatedDeviceApi(new JavaTwinExecutor());
        CudaCompute cuda = new CudaCompute(device);
        try {
            Memory ca = cpu.upload(a), cb = cpu.upload(b), cc = cpu.upload(c);
            Memory ga = cuda.upload(a), gb = cuda.upload(b), gc = cuda.upload(c);
            cpu.gemm(tA, tB, m, n, k, 1.25f, ca, offA, lda, cb, offB, ldb, beta, cc, offC, ldc);
            cuda.gemm(tA, tB, m, n, k, 1.25f, ga, offA, lda, gb, offB, ldb, beta, gc, offC, ldc);
            float[] want = new float[c.length], got = new float[c.length];
            cpu.download(cc, 0, want, 0, want.length);
            cuda.download(gc, 0, got, 0, got.length);
            Numerics.assertClose("C", got, Numerics.toDouble(want), Numerics.FP32_TOL);
            // The padding between rows of C keeps its value: the leading dimension was mapped right.
            for (int i = 0; i < m; i++)
                for (int j = n; j < ldc && offC + i * ldc + j < c.length; j++) assertEquals(c[offC + i * ldc + j],
                        got[offC + i * ldc + j]);
            assertEquals(1, device.gemms().size());
        } finally {
            cuda.shutdown();
            cpu.shutdown();
        }
        assertEquals(0, device.liveAllocations());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'row stride narrower than a row', 2, 9", "'buffer smaller than the matrix', 3, 6"})
    void aMatrixThatDoesNotFitItsBufferIsRefusedBeforeCuda(String why, int lda, int aFloats) {
        EmulatedDeviceApi device = new EmulatedDeviceApi(new JavaTwinExecutor());
        CudaCompute cuda = new CudaCompute(device);
        try {
            Memory a = cuda.alloc(aFloats), b = cuda.alloc(9), c = cuda.alloc(9);
            // A (3,3) row-major at stride lda: needs lda >= 3 and 2*lda + 3 floats.
            assertThrows(RuntimeException.class,
                    () -> cuda.gemm(false, false, 3, 3, 3, 1, a, 0, lda, b, 0, 3, 0, c, 0, 3));
            assertEquals(0, device.gemms().size(), "nothing reached cuBLAS");
            // the same call on a fitting A goes through
            cuda.gemm(false, false, 3, 3, 3, 1, b, 0, 3, b, 0, 3, 0, c, 0, 3);
            assertEquals(1, device.gemms().size());
        } finally {
            cuda.shutdown();
        }
    }
}
