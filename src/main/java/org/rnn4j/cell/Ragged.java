package org.rnn4j.cell;

import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;

/**
 * Variable-length batches inside the cells, in the packed form cuDNN and PyTorch use: the examples are sorted
 * by length, longest first, and {@code batch[t]} (non-increasing, {@code batch[0] = N}) says how many of them
 * are still running at step t. Step t then works on the first batch[t] rows of each time-major (N,·) block,
 * so finished rows cost nothing in the per-step GEMM and pointwise and are never written by them. What the
 * cells add for this: padded rows of the hidden states and of the input copy are zeroed (outputs past an
 * example's end are zero and the all-rows weight-gradient GEMMs see zeros there), padded rows of the
 * pre-activation gradients are zeroed (no gradient from padding), and an example's final state is read at its
 * own last step. A null {@code batch} is the fixed-length case (every step runs all N rows).
 */
final class Ragged {
    private Ragged() {}

    /** Rows running at step t. */
    static int rows(int[] batch, int t, int n) { return batch == null ? n : batch[t]; }

    /** Checks the form described above; a clear message, before anything is allocated. */
    static void check(int[] batch, int t, int n) {
        if (batch == null) return;
        if (batch.length != t)
            throw new IllegalArgumentException("batch sizes: expected " + t + " (one per step) but got " + batch.length);
        if (t > 0 && batch[0] != n)
            throw new IllegalArgumentException("batch sizes: batch[0] must be N = " + n + " but was " + batch[0]);
        for (int i = 1; i < t; i++)
            if (batch[i] < 0 || batch[i] > batch[i - 1])
                throw new IllegalArgumentException("batch sizes must be non-increasing and >= 0 but batch[" + i
                        + "] = " + batch[i] + " after " + batch[i - 1]);
    }

    /** Zeroes rows [rows, n) of the (n, width) block at {@code off}; nothing when every row runs. */
    static void zeroTail(Compute c, Memory m, long off, int rows, int n, int width) {
        if (rows < n) c.fill(m, off + (long) rows * width, (long) (n - rows) * width, 0f);
    }

    /**
     * The state each example ends with: seq (T+1,N,H) time-major with the initial state at index 0; the rows of
     * length L (rows [batch[L], batch[L-1]), batch[T] taken as 0) are read at index L. One copy per distinct
     * length. A new (N,H) buffer.
     */
    static Memory lastRows(Compute c, Memory seq, int t, int n, int h, int[] batch) {
        long nh = (long) n * h;
        Memory out = c.alloc(nh);
        try {
            if (batch == null || t == 0) {
                c.copy(seq, t * nh, out, 0, nh);
                return out;
            }
            for (int len = 1; len <= t; len++) {
                int lo = len < t ? batch[len] : 0, hi = batch[len - 1];
                if (hi > lo) c.copy(seq, len * nh + (long) lo * h, out, (long) lo * h, (long) (hi - lo) * h);
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
