package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.Numerics;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.cuda.emu.EmulatedDeviceApi;
import org.rnn4j.cuda.emu.JavaTwinExecutor;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;

/**
 * {@link Compute#packB} and the GEMM on a packed operand, on the CPU (1 and 2 threads) and on CudaCompute over
 * the emulated device: the same bits as the ordinary GEMM for every transpose, with offsets and padded strides;
 * several products from one operand; CUDA copies nothing; wrong shapes, closed or foreign operands are refused.
 */
class PackedOperandTest {
    static final int M = 5, N = 37, K = 19, LDA = K + 2, LDB_N = N + 3, LDB_T = K + 1, LDC = N + 4, OFF = 3;

    interface Body { void run(Compute c); }

    static void onEach(Body body) {
        for (int threads : new int[]{1, 2}) {
            CpuCompute cpu = new CpuCompute(threads);
            try { body.run(cpu); } finally { cpu.shutdown(); }
        }
        EmulatedDeviceApi device = new EmulatedDeviceApi(new JavaTwinExecutor());
        CudaCompute cuda = new CudaCompute(device);
        try { body.run(cuda); } finally { cuda.shutdown(); }
        assertEquals(0, device.liveAllocations());
        assertEquals(java.util.List.of(), device.violations(), "device contract violations");
    }

    @ParameterizedTest(name = "transA={0}")
    @ValueSource(booleans = {false, true})
    void packedGemmGivesTheSameBitsAsTheOrdinaryOne(boolean transA) {
        SplittableRandom r = Numerics.random();
        for (boolean transB : new boolean[]{false, true}) {
            int ldb = transB ? LDB_T : LDB_N;
            float[] a = Numerics.uniform(r, OFF + 3 * (transA ? K * (M + 2) : M * LDA), 1);
            float[] b = Numerics.uniform(r, OFF + (transB ? N : K) * ldb, 1);
            float[] c = Numerics.uniform(r, OFF + 3 * M * LDC, 1);
            int lda = transA ? M + 2 : LDA, aStep = transA ? K * (M + 2) : M * LDA;
            onEach(cmp -> {
                Memory ma = cmp.upload(a), mb = cmp.upload(b), want = cmp.upload(c), got = cmp.upload(c);
                // three products from one operand, as a cell's steps use it (each with its own A and C)
                try (PackedOperand pb = cmp.packB(transB, K, N, mb, OFF, ldb)) {
                    for (int s = 0; s < 3; s++) {
                        float beta = s == 0 ? 0f : 0.5f;
                        cmp.gemm(transA, transB, M, N, K, 1.5f, ma, OFF + s * aStep, lda, mb, OFF, ldb, beta, want, OFF
                                + s * M * LDC, LDC);
                        cmp.gemm(transA, M, N, K, 1.5f, ma, OFF + s * aStep, lda, pb, beta, got, OFF + s * M * LDC,
                                LDC);
                    }
                }
                float[] w = new float[c.length], g = new float[c.length];
                cmp.download(want, 0, w, 0, w.length);
                cmp.download(got, 0, g, 0, g.length);
                Numerics.assertAllFinite("C", w);
                assertArrayEquals(w, g, cmp.name() + " transA=" + transA + " transB=" + transB);
                for (Memory m : new Memory[]{ma, mb, want, got}) m.close();
            });
        }
    }

    @Test
    void cudaPacksNothing() {
        EmulatedDeviceApi device = new EmulatedDeviceApi(new JavaTwinExecutor());
        CudaCompute cuda = new CudaCompute(device);
        try (Memory b = cuda.alloc(K * N)) {
            int live = device.liveAllocations(), gemms = device.gemms().size();
            try (PackedOperand pb = cuda.packB(false, K, N, b, 0, N)) {
                assertEquals(K, pb.k());
                assertEquals(live, device.liveAllocations(), "no device memory for the operand");
                assertEquals(gemms, device.gemms().size());
            }
        } finally {
            cuda.shutdown();
        }
    }

    @Test
    void wrongShapeClosedOrForeignOperandsAreRefused() {
        CpuCompute other = new CpuCompute(1);
        try (Memory ob = other.alloc(K * N)) {
            PackedOperand foreign = other.packB(false, K, N, ob, 0, N);
            onEach(cmp -> {
                Memory a = cmp.alloc(M * K), b = cmp.alloc(K * N), c = cmp.alloc(M * N);
                cmp.fill(a, 0, M * K, 1f);
                cmp.fill(b, 0, K * N, 1f);
                PackedOperand pb = cmp.packB(false, K, N, b, 0, N);
                IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                        () -> cmp.gemm(false, M, N - 1, K, 1f, a, 0, K, pb, 0f, c, 0, N - 1));
                assertTrue(shape.getMessage().contains("(" + K + ", " + (N - 1) + ")")
                        && shape.getMessage().contains("(" + K + ", " + N + ")"), shape.getMessage());
                IllegalArgumentException owner = assertThrows(IllegalArgumentException.class,
                        () -> cmp.gemm(false, M, N, K, 1f, a, 0, K, foreign, 0f, c, 0, N));
                assertTrue(owner.getMessage().contains("another backend"), owner.getMessage());
                pb.close();
                assertThrows(IllegalStateException.class, () -> cmp.gemm(false, M, N, K, 1f, a, 0, K, pb, 0f, c, 0, N));
                for (Memory m : new Memory[]{a, b, c}) m.close();
            });
            foreign.close();
        } finally {
            other.shutdown();
        }
    }

    @Test
    void cudaRefusesAnOperandThatDoesNotFitItsBuffer() {
        EmulatedDeviceApi device = new EmulatedDeviceApi(new JavaTwinExecutor());
        CudaCompute cuda = new CudaCompute(device);
        try (Memory b = cuda.alloc(K * N - 1)) {
            assertThrows(IndexOutOfBoundsException.class, () -> cuda.packB(false, K, N, b, 0, N));
            assertThrows(IllegalArgumentException.class, () -> cuda.packB(true, K, N, b, 0, K - 1));
        } finally {
            cuda.shutdown();
        }
    }
}
