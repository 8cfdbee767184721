package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opentest4j.AssertionFailedError;
import org.rnn4j.AllOps;
import org.rnn4j.Backend;
import org.rnn4j.Numerics;
import org.rnn4j.AllOps.Inputs;
import org.rnn4j.AllOps.Shape;
import org.rnn4j.cuda.emu.EmulatedDeviceApi;
import org.rnn4j.cuda.emu.Executors;
import org.rnn4j.cuda.emu.KernelExecutor;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.extension.Extension;

/**
 * The CUDA backend's own code (CudaCompute: GEMM mapping, offsets, launches, memory) on the emulated device, in
 * CI without a GPU: every operation against the CPU backend, bit-identical reruns, the outputs NaN-poisoned by
 * the emulator's malloc, every GEMM and launch checked against cuBLAS's and the kernels' contracts.
 */
class EmulatedCudaBackendTest extends EmulatedDeviceTest {
    static final Backend CPU = Backend.cpu();

    @AfterAll
    static void closeCpu() { CPU.close(); }

    @ParameterizedTest(name = "N={0} T={1} D={2} H={3}")
    // N=T=D=H=1 lives in EmulatedGoldenCasesTest (screened draws): a fresh draw there can miss 1e-5 by rounding alone.
    @CsvSource({"1,1,8,8", "1,5,3,7", "3,1,4,6", "2,7,33,37", "2,100,3,5", "5,4,7,64", "4,3,9,40"})
    void everyOperationMatchesCpuAndRepeatsBitForBit(int N, int T, int D, int H) {
        Inputs in = Inputs.random(Numerics.random(), new Shape(N, T, D, H));
        Map<String, float[]> want = AllOps.run(CPU, in);
        Map<String, float[]> first = AllOps.run(cuda, in);
        AllOps.assertClose(want, first, "emulated cuda vs cpu, " + in.s());
        AllOps.assertBitIdentical("emulated cuda rerun, " + in.s(), first, AllOps.run(cuda, in));
        assertEquals(0, compute.liveBuffers(), "every tensor closed by AllOps is freed at once");
    }

    /** The poisoning is what proves each output element was written: a kernel that does nothing must be caught. */
    @Test
    void aSkippedKernelLeavesNanThatTheComparisonCatches() {
        KernelExecutor real = Executors.best();
        EmulatedDeviceApi lazy = new EmulatedDeviceApi((k, g, b, args) -> {
            if (k != Kernel.RNN_FORWARD_POINTWISE) real.launch(k, g, b, args);
        });
        Inputs in = Inputs.random(Numerics.random(), new Shape(2, 3, 4, 5));
        try (Backend broken = Extension.backend(new CudaCompute(lazy), "emulated, rnn forward kernel skipped")) {
            Map<String, float[]> got = AllOps.run(broken, in);
            assertTrue(Float.isNaN(got.get("rnn.h")[0]), "unwritten output reads as NaN");
            assertThrows(AssertionFailedError.class, () -> AllOps.assertClose(AllOps.run(CPU, in), got, "broken"));
        }
    }

    @Test
    void gemmsFollowTheDesignAndAreValidCublasCalls() {
        int N = 3, T = 6, D = 5, H = 7;
        Inputs in = Inputs.random(Numerics.random(), new Shape(N, T, D, H));
        // Without CUDA graphs, so that every GEMM reaches cuBLAS as its own call (a replayed graph makes none).
        EmulatedDeviceApi device = new EmulatedDeviceApi(Executors.best());
        try (Backend eager = Extension.backend(new CudaCompute(device, false), "emulated, no graphs")) {
            // every GEMM of every operation passed the emulator's cuBLAS validation and bounds checks
            AllOps.run(eager, in);
        }
        assertEquals(List.of(), device.violations());
        List<EmulatedDeviceApi.Gemm> all = device.gemms();
        // rnnStep: 2 + 4; rnn: (1+T) + (T+3); lstmStep: 2 + 4; lstm and lstmZeroC: (1+T) + (T+3) each;
        // gruStep: 2 + 4; gru: (1+T) + (T+3), then gruInference (1+T).
        assertEquals(6 + (2 * T + 4) + 6 + 2 * (2 * T + 4) + 6 + (2 * T + 4) + (1 + T), all.size(), "GEMM count");
        // rnnForward (after the 6 of the step ops): x·Wx over all T·N rows at once with beta 0 (C never read),
        // then one GEMM per step accumulating into it. cuBLAS sees Cᵀ: its n is the row-major m.
        EmulatedDeviceApi.Gemm xWx = all.get(6);
        assertEquals(T * N, xWx.n(), "x·Wx covers all T·N rows in one GEMM");
        assertEquals(0f, xWx.beta());
        for (int t = 1; t <= T; t++) assertEquals(1f, all.get(6 + t).beta(), "step GEMM " + t + " accumulates");
        // rnnBackward: T per-step dPrevH GEMMs, then dWx, dWh over all T·N rows (their k), dx over all rows (its n).
        int bw = 6 + 1 + T;
        assertEquals(T * N, all.get(bw + T).k(), "dWx sums over all T·N rows");
        assertEquals(T * N, all.get(bw + T + 1).k(), "dWh sums over all T·N rows");
        assertEquals(T * N, all.get(bw + T + 2).n(), "dx in one GEMM");
        // gruForward: x·Wx over all rows; per step h·Wh into its own buffer (beta 0: r scales only its n part).
        int gru = 6 + (2 * T + 4) + 6 + 2 * (2 * T + 4) + 6;
        assertEquals(T * N, all.get(gru).n(), "GRU x·Wx covers all T·N rows in one GEMM");
        for (int t = 1; t <= T; t++) {
            assertEquals(0f, all.get(gru + t).beta(), "GRU step GEMM " + t + " writes its own buffer");
            assertEquals(N, all.get(gru + t).n(), "GRU step GEMM " + t + " covers one step");
        }
        // gruBackward: per step dah·Whᵀ added to the direct part (dh+dhRec)*z; then dWx, dWh, dx over all rows.
        int gbw = gru + 1 + T;
        for (int t = 0; t < T; t++) assertEquals(1f, all.get(gbw + t).beta(), "GRU dPrevH GEMM " + t + " accumulates");
        assertEquals(T * N, all.get(gbw + T).k(), "GRU dWx sums over all T·N rows");
        assertEquals(T * N, all.get(gbw + T + 1).k(), "GRU dWh sums over all T·N rows");
        assertEquals(T * N, all.get(gbw + T + 2).n(), "GRU dx in one GEMM");
    }

    @Test
    void everyKernelIsLaunchedWithItsExactSignature() {
        AllOps.run(cuda, Inputs.random(Numerics.random(), new Shape(3, 4, 5, 6)));
        // The cells launch the cell kernels; the training kernels come from the layers, Adam and clipping, and
        // from a few steps of a real training run (embedding, LSTMs, affine, loss, clipping, Adam in one step).
        TrainOps.run(cuda, TrainOps.Inputs.random(Numerics.random(), new TrainOps.Shape(2, 3, 7, 4, 5)));
        TrainOps.train(cuda, TrainOps.corpus(3_000), new TrainConfig(8, 1, 6, 8, 3, 5e-3, 2, 1, 1.0, 0.05));
        // The emulator checked count and types of every launch against Kernel.params; here: all kernels were covered.
        assertEquals(EnumSet.allOf(Kernel.class), EnumSet.copyOf(device.launches().keySet()));
        assertEquals(List.of(), device.violations());
    }

    @Test
    void thousandIterationsLeaveNoAllocationBehind() {
        Inputs in = Inputs.random(Numerics.random(), new Shape(2, 3, 3, 4));
        var b = cuda;
        try (var x = b.tensor(in.x(), 2, 3, 3); var h0 = b.tensor(in.h0(), 2, 4); var dh = b.tensor(in.dh(), 2, 3, 4);
             var rWx = b.tensor(in.rWx(), 3, 4); var rWh = b.tensor(in.rWh(), 4, 4); var rB = b.tensor(in.rB(), 4);
             var lWx = b.tensor(in.lWx(), 3, 16); var lWh = b.tensor(in.lWh(), 4, 16); var lB = b.tensor(in.lB(), 16)) {
            int baseline = compute.liveBuffers(), afterFirst = 0;
            for (int i = 0; i < 1000; i++) {
                try (var f = b.rnnForward(x, h0, rWx, rWh, rB); var g = b.rnnBackward(dh, f.cache());
                     var lf = b.lstmForward(x, h0, lWx, lWh, lB); var lg = b.lstmBackward(dh, lf.cache())) {
                    if (i == 0) assertTrue(compute.liveBuffers() > baseline && g.db().size() == 4
                            && lg.db().size() == 16);
                }
                if (i == 0) afterFirst = device.liveAllocations();
            }
            assertEquals(baseline, compute.liveBuffers(), "live buffers after 1,000 forward+backward");
            // Every later iteration reuses the blocks the first one left in the cache: no new device allocations.
            assertEquals(afterFirst, device.liveAllocations(), "device allocations after the first iteration");
        }
        assertEquals(0, compute.liveBuffers());
        compute.releaseCache();
        assertEquals(0, device.liveAllocations());
    }

    @Test
    void oneOperationTakesTheContextOnceAndQueuesItsWorkOnTheStream() {
        Inputs in = Inputs.random(Numerics.random(), new Shape(3, 6, 5, 8));
        try (var x = cuda.tensor(in.x(), 3, 6, 5); var h0 = cuda.tensor(in.h0(), 3, 8);
             var wx = cuda.tensor(in.lWx(), 5, 32);
             var wh = cuda.tensor(in.lWh(), 8, 32); var bias = cuda.tensor(in.lB(), 32)) {
            int calls = device.makeCurrentCalls(), reads = device.hostReads();
            try (var out = cuda.lstmForward(x, h0, wx, wh, bias)) {
                assertEquals(1, device.makeCurrentCalls() - calls,
                        "makeCurrent once for the whole forward, not per primitive");
                assertEquals(0, device.hostReads() - reads, "the forward never waits for the device");
                assertTrue(device.queued() > 6, "its work is still queued: " + device.queued());
                assertTrue(Float.isFinite(out.h().toArray()[0]));
                assertEquals(0, device.queued(), "reading h waited for it");
            }
        }
    }

    @Test
    void outOfMemoryInTheMiddleOfAnOperationIsClearAndLeaksNothing() {
        Inputs in = Inputs.random(Numerics.random(), new Shape(3, 8, 5, 6));
        try (var x = cuda.tensor(in.x(), 3, 8, 5); var h0 = cuda.tensor(in.h0(), 3, 6);
             var wx = cuda.tensor(in.lWx(), 5, 24);
             var wh = cuda.tensor(in.lWh(), 6, 24); var bias = cuda.tensor(in.lB(), 24)) {
            int baseBuffers = compute.liveBuffers();
            long baseBytes = device.liveBytes();
            device.resetPeak();
            cuda.lstmForward(x, h0, wx, wh, bias).close();
            long peak = device.peakBytes();
            compute.releaseCache(); // else the cached blocks would serve the whole next forward
            assertEquals(baseBytes, device.liveBytes());
            device.setLimitBytes(baseBytes + (peak - baseBytes) / 2); // room for some of its buffers, not all
            CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class,
            () -> cuda.lstmForward(x, h0, wx, wh, bias));
            assertTrue(e.getMessage().contains("asked for") && e.getMessage().contains("bytes free"), e.getMessage());
            assertTrue(e.requestedBytes() > e.freeBytes(), e.getMessage());
            assertEquals(baseBuffers, compute.liveBuffers(), "the failed operation freed what it had allocated");
            compute.releaseCache();
            assertEquals(baseBytes, device.liveBytes(), "its blocks went to the cache, nowhere else");
            device.setLimitBytes(Long.MAX_VALUE);
            cuda.lstmForward(x, h0, wx, wh, bias).close(); // the backend is still usable
        }
    }

    @Test
    void concurrentThreadsOnOneBackendGetCorrectResults() throws Exception {
        // The emulator fails any call made while another thread is inside, or from a thread whose current
        // context is not this device: correct results here mean CudaCompute serialises and makes it current.
        AllOps.assertConcurrentRunsClose(CPU, cuda, new Shape(3, 5, 4, 6), 3, 120);
    }

    @Test
    void twoBackendsInterleavedOnOneThreadEachMakeTheirContextCurrent() {
        EmulatedDeviceApi other = new EmulatedDeviceApi(Executors.best());
        try (Backend second = Extension.backend(new CudaCompute(other), "emulated 2")) {
            Inputs in = Inputs.random(Numerics.random(), new Shape(2, 3, 4, 5));
            for (int i = 0; i < 2; i++) {
                var a = cuda.tensor(in.h0(), 2, 5);
                var b = second.tensor(in.dcT(), 2, 5);
                assertEquals(in.h0()[3], a.toArray()[3]);
                assertEquals(in.dcT()[3], b.toArray()[3]);
                a.close();
                b.close();
            }
            assertEquals(List.of(), other.violations());
        }
        assertEquals(0, other.liveAllocations());
    }

    @Test
    void forgottenTensorsAreFreedByCloseOfTheBackendAndTheCleaner() throws Exception {
        var kept = cuda.tensor(new float[]{1, 2, 3}, 3);
        forget(cuda);
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("org.rnn4j");
        List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) { warnings.add(r.getMessage()); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        log.addHandler(h);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (compute.liveBuffers() > 1 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
        } finally {
            log.removeHandler(h);
        }
        assertEquals(1, compute.liveBuffers(), "the forgotten tensor was freed by the Cleaner; the kept one lives");
        assertTrue(warnings.stream().anyMatch(w -> w.contains("without close()")), "one-line warning: " + warnings);
        cuda.close();
        assertEquals(0, device.liveAllocations(), "shutdown frees tensors nobody closed");
        kept.close(); // harmless after shutdown
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cuda.zeros(2));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    /** Allocates a tensor and drops it without close(), in its own frame so nothing keeps it reachable. */
    private static void forget(Backend b) { b.tensor(new float[]{4, 5}, 2); }
}
