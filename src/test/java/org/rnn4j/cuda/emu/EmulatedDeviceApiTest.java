package org.rnn4j.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.Numerics;
import org.rnn4j.cuda.CudaException;
import org.rnn4j.cuda.CudaOutOfMemoryException;
import org.rnn4j.cuda.Kernel;

/** The emulated device is only worth its checks: each is shown here to catch what it is meant to catch. */
class EmulatedDeviceApiTest {
    EmulatedDeviceApi dev;

    @BeforeEach
    void open() {
        dev = new EmulatedDeviceApi(new JavaTwinExecutor());
        dev.makeCurrent();
    }

    long upload(float[] a) {
        long p = dev.malloc(4L * a.length);
        dev.copyToDevice(a, 0, p, a.length);
        return p;
    }

    float[] download(long p, int n) {
        float[] a = new float[n];
        dev.synchronize();
        dev.copyToHost(p, a, 0, n);
        return a;
    }

    /** Column-major, padded leading dimensions, offsets into the allocations, alpha and beta: against float64. */
    @ParameterizedTest(name = "{0}{1} m={2} n={3} k={4}")
    @CsvSource({"N,N,3,4,5", "T,N,3,4,5", "N,T,3,4,5", "T,T,3,4,5", "N,N,1,1,1", "T,T,7,2,9"})
    void sgemmFollowsCublasColumnMajorContract(char ta, char tb, int m, int n, int k) {
        SplittableRandom r = Numerics.random();
        int aRows = ta == 'N' ? m : k, aCols = ta == 'N' ? k : m, bRows = tb == 'N' ? k : n, bCols = tb == 'N' ? n : k;
        int lda = aRows + 2, ldb = bRows + 1, ldc = m + 3, offA = 5, offB = 3, offC = 7;
        float[] a = Numerics.uniform(r, offA + lda * aCols, 1), b = Numerics.uniform(r, offB + ldb * bCols, 1),
                c = Numerics.uniform(r, offC + ldc * n, 1);
        long pa = upload(a), pb = upload(b), pc = upload(c);
        float alpha = 1.5f, beta = -0.5f;
        dev.sgemm(ta, tb, m, n, k, alpha, pa + 4L * offA, lda, pb + 4L * offB, ldb, beta, pc + 4L * offC, ldc);
        float[] got = download(pc, c.length);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta == 'N' ? a[offA + i + p * lda] : a[offA + p + i * lda];
                    double bv = tb == 'N' ? b[offB + p + j * ldb] : b[offB + j + p * ldb];
                    s += av * bv;
                }
                double want = alpha * s + beta * c[offC + i + j * ldc];
                assertEquals(want, got[offC + i + j * ldc], 1e-5 * (1 + Math.abs(want)), "C(" + i + "," + j + ")");
            }
        for (int j = 0; j < n; j++)
            for (int i = m; i < ldc && offC + i + j * ldc < c.length; i++)
                assertEquals(c[offC + i + j * ldc], got[offC + i + j * ldc], "padding rows of C are not touched");
    }

    @Test
    void sgemmRejectsWhatCublasRejects() {
        long a = dev.malloc(4 * 100), b = dev.malloc(4 * 100), c = dev.malloc(4 * 100);
        // m=4, n=3, k=5: A (4,5) for N needs lda >= 4, for T (stored 5x4) lda >= 5; B (5,3) N: ldb >= 5, T: ldb >= 3.
        assertInvalid(() -> dev.sgemm('N', 'N', 4, 3, 5, 1, a, 3, b, 5, 0, c, 4), "lda");
        assertInvalid(() -> dev.sgemm('T', 'N', 4, 3, 5, 1, a, 4, b, 5, 0, c, 4), "lda");
        assertInvalid(() -> dev.sgemm('N', 'N', 4, 3, 5, 1, a, 4, b, 4, 0, c, 4), "ldb");
        assertInvalid(() -> dev.sgemm('N', 'T', 4, 3, 5, 1, a, 4, b, 2, 0, c, 4), "ldb");
        assertInvalid(() -> dev.sgemm('N', 'N', 4, 3, 5, 1, a, 4, b, 5, 0, c, 3), "ldc");
        assertInvalid(() -> dev.sgemm('X', 'N', 4, 3, 5, 1, a, 4, b, 5, 0, c, 4), "transa");
        assertInvalid(() -> dev.sgemm('N', 'N', -1, 3, 5, 1, a, 4, b, 5, 0, c, 4), "m, n, k");
        dev.sgemm('T', 'T', 4, 3, 5, 1, a, 5, b, 3, 0, c, 4); // the smallest valid leading dimensions pass
    }

    private void assertInvalid(Runnable call, String mentions) {
        CudaException e = assertThrows(CudaException.class, call::run);
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.status(), e.getMessage());
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
    }

    @Test
    void sgemmWithBetaZeroNeverReadsC() {
        long a = upload(new float[]{1, 2}), b = upload(new float[]{3, 4}), c = dev.malloc(4); // c is NaN-poisoned
        dev.sgemm('N', 'N', 1, 1, 2, 1, a, 1, b, 2, 0, c, 1);
        assertEquals(11f, download(c, 1)[0]);
    }

    @Test
    void rangesOutsideAnAllocationFailLoudly() {
        long a = dev.malloc(4 * 12), b = dev.malloc(4 * 12), c = dev.malloc(4 * 12);
        // C (3,4) with ldc 4 spans 3*4+3 = 15 floats: more than its 12.
        assertThrows(CudaException.class, () -> dev.sgemm('N', 'N', 3, 4, 2, 1, a, 3, b, 2, 0, c, 4));
        assertThrows(CudaException.class, () -> dev.copyDeviceToDevice(a + 8, b, 4 * 11));
        assertThrows(CudaException.class, () -> dev.memsetD32(c + 2, 0, 1)); // misaligned
        dev.free(b);
        assertThrows(CudaException.class, () -> dev.copyToHost(b, new float[1], 0, 1)); // use after free
        assertThrows(CudaException.class, () -> dev.free(b)); // double free
        assertEquals(5, dev.violations().size(), dev.violations().toString());
        assertTrue(Float.isNaN(download(a, 12)[11]), "malloc poisons with NaN");
    }

    @Test
    void launchArgumentsMustMatchTheKernelSignature() {
        long src = dev.malloc(4 * 6), dst = dev.malloc(4 * 6);
        dev.launch(Kernel.SWAP_AXES01, 1, 32, 2, 3, 1, src, dst); // correct: runs
        assertThrows(CudaException.class, () -> dev.launch(Kernel.SWAP_AXES01, 1, 32, 2, 3, src, dst)); // count
        // Integer for PTR
        assertThrows(CudaException.class, () -> dev.launch(Kernel.SWAP_AXES01, 1, 32, 2, 3, 1, (int) src, dst));
        // Long for INT
        assertThrows(CudaException.class, () -> dev.launch(Kernel.SWAP_AXES01, 1, 32, 2L, 3, 1, src, dst));
        // extent 8 > 6
        assertThrows(CudaException.class, () -> dev.launch(Kernel.SWAP_AXES01, 1, 32, 2, 4, 1, src, dst));
        assertThrows(CudaException.class, () -> dev.launch(Kernel.SWAP_AXES01, 0, 32, 2, 3, 1, src, dst)); // empty grid
        assertEquals(1, dev.launches().get(Kernel.SWAP_AXES01));
    }

    @Test
    void callsNeedTheContextCurrentOnTheCallingThread() throws Exception {
        EmulatedDeviceApi other = new EmulatedDeviceApi(new JavaTwinExecutor());
        other.makeCurrent(); // now the other device is current on this thread
        assertThrows(CudaException.class, () -> dev.malloc(4));
        Thread t = new Thread(() -> assertThrows(CudaException.class, () -> other.malloc(4)));
        t.start();
        t.join();
        assertEquals(1, other.violations().size());
    }

    @Test
    void twoThreadsInsideAtOnceAreDetected() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        EmulatedDeviceApi slow = new EmulatedDeviceApi((k, g, b, args) -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        slow.makeCurrent();
        long p = slow.malloc(4 * 4), q = slow.malloc(4 * 4);
        Thread t = new Thread(() -> {
            slow.makeCurrent();
            slow.launch(Kernel.COLUMN_SUM, 1, 32, 2, 2, 2, p, q);
            slow.synchronize(); // the launch runs here, on this thread, inside the device
        });
        t.start();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        CudaException e = assertThrows(CudaException.class, () -> slow.memsetD32(p, 0, 1));
        assertTrue(e.getMessage().contains("not serialised"), e.getMessage());
        release.countDown();
        t.join();
    }

    @Test
    void memoryLimitGivesOutOfMemory() {
        dev.setLimitBytes(1000);
        long p = dev.malloc(800);
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> dev.malloc(400));
        assertEquals(400, e.requestedBytes());
        assertEquals(200, e.freeBytes());
        dev.free(p);
        assertEquals(0, dev.liveAllocations());
        assertEquals(0, dev.liveBytes());
    }

    @Test
    void queuedWorkRunsOnlyAtSynchronizeInOrder() {
        long p = upload(new float[]{1, 2, 3, 4});
        dev.memsetD32(p, Float.floatToRawIntBits(7f), 4);
        dev.copyToDevice(new float[]{5, 6}, 0, p + 4, 2);
        assertEquals(3, dev.queued(), "nothing has run yet: upload, memset, copy");
        float[] host = new float[4];
        CudaException e = assertThrows(CudaException.class, () -> dev.copyToHost(p, host, 0, 4));
        assertTrue(e.getMessage().contains("synchronize before reading"), e.getMessage());
        assertEquals(0f, host[0], "nothing was copied");
        dev.synchronize();
        dev.copyToHost(p, host, 0, 4);
        assertEquals(java.util.List.of(7f, 5f, 6f, 7f), java.util.List.of(host[0], host[1], host[2], host[3]),
                "memset, then copy");
    }

    @Test
    void theHostArrayOfACopyMayChangeAfterTheCallReturns() {
        float[] src = {1, 2};
        long p = dev.malloc(8);
        dev.copyToDevice(src, 0, p, 2);
        src[0] = 99; // pageable memory: the driver staged it already
        assertEquals(1f, download(p, 2)[0]);
    }

    @Test
    void freeingABlockThatQueuedWorkStillUsesFails() {
        long p = upload(new float[]{1, 2, 3, 4}), q = dev.malloc(16);
        dev.synchronize();
        dev.copyDeviceToDevice(p, q, 16);
        CudaException e = assertThrows(CudaException.class, () -> dev.free(p));
        assertTrue(e.getMessage().contains("still used by queued cuMemcpyDtoDAsync"), e.getMessage());
        dev.synchronize();
        dev.free(p); // fine once the copy ran
        assertEquals(4f, download(q, 4)[3]);
    }

    @Test
    void aFailingKernelSurfacesAtSynchronizeAndEmptiesTheQueue() {
        EmulatedDeviceApi failing = new EmulatedDeviceApi((k, g, b, args) ->
                { throw new IllegalStateException("kernel fault"); });
        failing.makeCurrent();
        long p = failing.malloc(16), q = failing.malloc(16);
        failing.launch(Kernel.COLUMN_SUM, 1, 32, 2, 2, 2, p, q);
        assertEquals(1, failing.queued());
        IllegalStateException e = assertThrows(IllegalStateException.class, failing::synchronize);
        assertEquals("kernel fault", e.getMessage());
        assertEquals(0, failing.queued());
    }
}
