package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;

/**
 * Many forward/backward calls (RNN and LSTM, sequence and step, small sizes) on one backend, every result closed:
 * afterwards the backend's live allocations are back at their count before the loop and the Java heap near its
 * size before it, so nothing accumulates per call. Used for every backend the suite can run.
 */
public final class Soak {
    /** Forward and backward calls together. */
    public static final int CALLS = 10_000;
    /** Heap growth tolerated after garbage collection: well below what one leaked buffer per call would hold. */
    static final long HEAP_SLACK = 6L << 20;

    private Soak() {}

    public static void run(Backend b, IntSupplier liveAllocations) {
        SplittableRandom r = new SplittableRandom(11);
        int n = 2, t = 3, d = 4, h = 5;
        Tensor x = t(b, r, n, t, d), h0 = t(b, r, n, h), c0 = t(b, r, n, h), x1 = t(b, r, n, d),
                rWx = t(b, r, d, h), rWh = t(b, r, h, h), rB = t(b, r, h), lWx = t(b, r, d, 4 * h),
                lWh = t(b, r, h, 4 * h),
                lB = t(b, r, 4 * h), dh = t(b, r, n, t, h), dh1 = t(b, r, n, h);
        try {
            for (int i = 0; i < 100; i++) round(b, i, x, h0, c0, x1, rWx, rWh, rB, lWx, lWh, lB, dh, dh1);   // warm-up
            x.toArray();   // a host read waits for the device's queued work, as a training loop reading its loss does
            int liveBefore = liveAllocations.getAsInt();
            long heapBefore = heapAfterGc();
            for (int i = 0; i < CALLS / 2; i++) {
                round(b, i, x, h0, c0, x1, rWx, rWh, rB, lWx, lWh, lB, dh, dh1);
                if (i % 64 == 63) x.toArray();
            }
            x.toArray();
            assertEquals(liveBefore, liveAllocations.getAsInt(), "live allocations after " + CALLS + " calls on "
                    + b.name());
            long grown = heapAfterGc() - heapBefore;
            assertTrue(grown < HEAP_SLACK, "heap grew by " + grown + " bytes over " + CALLS + " calls on " + b.name());
        } finally {
            for (Tensor each : new Tensor[]{x, h0, c0, x1, rWx, rWh, rB, lWx, lWh, lB, dh, dh1}) each.close();
        }
    }

    /** One forward and its backward, cycling over the four kinds of call. */
    private static void round(Backend b, int i, Tensor x, Tensor h0, Tensor c0, Tensor x1, Tensor rWx, Tensor rWh,
            Tensor rB,
                              Tensor lWx, Tensor lWh, Tensor lB, Tensor dh, Tensor dh1) {
        switch (i % 4) {
            case 0 -> { try (Rnn.Output o = b.rnnForward(x, h0, rWx, rWh, rB);
                             Rnn.Gradients g = b.rnnBackward(dh, o.cache())) { } }
            case 1 -> { try (Lstm.Output o = b.lstmForward(x, h0, c0, lWx, lWh, lB);
                             Lstm.Gradients g = b.lstmBackward(dh, o.cache())) { } }
            case 2 -> { try (Rnn.StepOutput o = b.rnnStepForward(x1, h0, rWx, rWh, rB);
                             Rnn.StepGradients g = b.rnnStepBackward(dh1, o.cache())) { } }
            default -> { try (Lstm.StepOutput o = b.lstmStepForward(x1, h0, c0, lWx, lWh, lB);
                              Lstm.StepGradients g = b.lstmStepBackward(dh1, dh1, o.cache())) { } }
        }
    }

    /**
     * A closed backend refuses work with one clear IllegalStateException; an impossible shape is refused, not wrapped
     * round.
     */
    public static void checkRefusals(Backend b) {
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> b.zeros(65536, 65536, 65536, 65536));
        assertTrue(big.getMessage().contains("2^63"), big.getMessage());
        SplittableRandom r = new SplittableRandom(3);
        Tensor x = t(b, r, 2, 3, 4), h0 = t(b, r, 2, 5), wx = t(b, r, 4, 5), wh = t(b, r, 5, 5), bias = t(b, r, 5);
        b.rnnForward(x, h0, wx, wh, bias).close();   // valid arguments: works while open
        b.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.rnnForward(x, h0, wx, wh, bias));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> b.zeros(2, 2));
        assertThrows(IllegalStateException.class, () -> b.tensor(new float[]{1}, 1));
    }

    private static Tensor t(Backend b, SplittableRandom r, int... shape) {
        int size = 1;
        for (int s : shape) size *= s;
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = (float) (r.nextDouble() - 0.5);
        return b.tensor(v, shape);
    }

    private static long heapAfterGc() {
        var mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) System.gc();
        return mem.getHeapMemoryUsage().getUsed();
    }
}
