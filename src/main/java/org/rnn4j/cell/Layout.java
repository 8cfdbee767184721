package org.rnn4j.cell;

import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;

/**
 * Moves sequences between the public batch-major layout (N,T,C) and the time-major layout (T,N,C) the cells
 * use inside, where each weight gradient is one GEMM over all T·N rows. When N or T is 1 the two layouts are
 * the same bytes, so a plain copy does.
 */
final class Layout {
    private Layout() {}

    /** (N,T,C) → (T,N,C). */
    static void toTimeMajor(Compute c, Memory src, Memory dst, int n, int t, int channels) {
        if (n == 1 || t == 1) c.copy(src, 0, dst, 0, (long) n * t * channels);
        else c.swapAxes01(src, 0, dst, 0, n, t, channels);
    }

    /** (T,N,C) starting at srcOff → (N,T,C). */
    static void fromTimeMajor(Compute c, Memory src, long srcOff, Memory dst, int t, int n, int channels) {
        if (n == 1 || t == 1) c.copy(src, srcOff, dst, 0, (long) n * t * channels);
        else c.swapAxes01(src, srcOff, dst, 0, t, n, channels);
    }
}
