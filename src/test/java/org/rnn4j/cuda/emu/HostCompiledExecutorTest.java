package org.rnn4j.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rnn4j.Numerics;
import org.rnn4j.cpu.CpuKernels;
import org.rnn4j.cuda.Kernel;

/** The host-compiled kernel library itself: its signatures, its argument checks, and launches from many threads. */
class HostCompiledExecutorTest {
    private static HostCompiledExecutor exec;

    /** Per test rather than per class, so each skip shows in the report with its reason. */
    @BeforeEach
    void load() { exec = HostCompiledExecutor.assumeAvailable(); }

    /** The C++ signatures in kernels/*.cu, as g++ sees them, are exactly Kernel.java's entries and parameters. */
    @Test
    void compiledSignaturesMatchKernelContract() {
        Map<String, String> expected = Arrays.stream(Kernel.values())
                .collect(Collectors.toMap(k -> k.entry, HostCompiledExecutor::kinds));
        assertEquals(expected, exec.entries());
    }

    @Test
    void rejectsLaunchesTheDriverWouldRefuseOrMisread() {
        float[] a = new float[12], out = new float[4];
        DevicePtr pa = new DevicePtr(a, 0), pout = new DevicePtr(out, 0);
        assertRejected("expected 5 arguments", () -> exec.launch(Kernel.COLUMN_SUM, 1, 32, new Object[] {3, 4, 3, pa}));
        assertRejected("argument 1 must be INT, got Float",
                () -> exec.launch(Kernel.COLUMN_SUM, 1, 32, new Object[] {3, 4f, 3, pa, pout}));
        assertRejected("argument 4 must be PTR, got null",
                () -> exec.launch(Kernel.COLUMN_SUM, 1, 32, new Object[] {3, 4, 3, pa, null}));
        assertRejected("argument 3 offset 13 outside its array of 12 floats",
                () -> exec.launch(Kernel.COLUMN_SUM, 1, 32, new Object[] {3, 4, 3, new DevicePtr(a, 13), pout}));
        assertRejected("blockX must be in [1, 1024], got 1025",
                () -> exec.launch(Kernel.COLUMN_SUM, 1, 1025, new Object[] {3, 4, 3, pa, pout}));
        assertRejected("gridX must be >= 1, got 0",
                () -> exec.launch(Kernel.COLUMN_SUM, 0, 32, new Object[] {3, 4, 3, pa, pout}));
    }

    private static void assertRejected(String message, Runnable launch) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, launch::run);
        assertTrue(e.getMessage().startsWith("column_sum: ") && e.getMessage().contains(message), e.getMessage());
    }

    /**
     * Block and thread indices are per calling thread (the emulated device may be driven from several Java
     * threads at once): concurrent launches with different grids each still cover exactly their own elements.
     */
    @Test
    void concurrentLaunchesFromSeveralThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int worker = t;
                done.add(pool.submit(() -> {
                    SplittableRandom r = Numerics.random();
                    for (int rep = 0; rep < 25; rep++) {
                        int n = 1 + r.nextInt(40), h = 1 + r.nextInt(40);
                        float[] pre = Numerics.uniform(r, n * h, 2), b = Numerics.uniform(r, h, 1);
                        float[] got = new float[n * h], want = new float[n * h];
                        Arrays.fill(got, Float.NaN);
                        exec.launch(Kernel.RNN_FORWARD_POINTWISE, 1 + worker * 3 + rep % 5, 1 + 13 * worker,
                                new Object[] {n, h, new DevicePtr(pre, 0), new DevicePtr(b, 0), new DevicePtr(got, 0)});
                        CpuKernels.rnnForwardPointwise(n, h, pre, 0, b, want, 0);
                        assertArrayEquals(want, got, 1e-6f, "worker " + worker + " launch " + rep);
                    }
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
    }
}
