package org.rnn4j.cell;

import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;

/**
 * Variable-length batches inside the cells, in the packed form cuDNN and PyTorch use: the examples are sorted
 * by length, longest first, and {@code batch[t]} (non-increasing, {@code batch[0] = N}) says how many of them
 * are still running at step t. Step t then works on the first batch[t] rows of each time-major (N,·) block,
 * so finished rows cost nothing in the per-step GEMM and pointwise and are never written by them. What the
 * cells add for this: the all-steps products (x·Wx, the weight gradients, dx) run step by step on the
 * running rows too ({@link #rowsTimes}, {@link #transposeTimes}), so a call costs Σ lengths rows, not N·T, and
 * padded input rows are never read; padded rows of the hidden states are zeroed (outputs past an example's end
 * are zero), padded rows of the pre-activation gradients are zeroed (no gradient from padding, bias gradients
 * still one column sum over all rows), and an example's final state is read at its
 * own last step. A null {@code batch} is the fixed-length case (every step runs all N rows).
 */
final class Ragged {
    private Ragged() {}

    /** Rows running at step t. */
    static int rows(int[] batch, int t, int n) { return batch == null ? n : batch[t]; }

    /** How many of the rows [r0, r1) run at step t: the block's first rows, since examples are sorted. */
    static int rowsIn(int[] batch, int t, int n, int r0, int r1) {
        return Math.max(0, Math.min(rows(batch, t, n), r1) - r0);
    }

    /** Checks the form described above; a clear message, before anything is allocated. */
    static void check(int[] batch, int t, int n) {
        if (batch == null) return;
        if (batch.length != t)
            throw new IllegalArgumentException("batch sizes: expected " + t + " (one per step) but got "
                    + batch.length);
        if (t > 0 && batch[0] != n)
            throw new IllegalArgumentException("batch sizes: batch[0] must be N = " + n + " but was " + batch[0]);
        for (int i = 1; i < t; i++)
            if (batch[i] < 0 || batch[i] > batch[i - 1])
                throw new IllegalArgumentException("batch sizes must be non-increasing and >= 0 but batch[" + i
                        + "] = " + batch[i] + " after " + batch[i - 1]);
    }

    /**
     * out (T,N,cols) = a (T,N,k) · op(b) (k,cols), step by step on the running rows only: the all-steps products
     * (x·Wx, da·Wxᵀ) of a variable-length batch, padded rows of out zeroed.
     */
    static void rowsTimes(Compute c, int t, int n, int[] batch, boolean transB, int cols, int k,
                          Memory a, Memory b, int ldb, Memory out) {
        for (int s = 0; s < t; s++) {
            int rows = batch[s];
            if (rows > 0) c.gemm(false, transB, rows, cols, k, 1f, a, (long) s * n * k, k, b, 0, ldb, 0f, out,
                    (long) s * n * cols, cols);
            zeroTail(c, out, (long) s * n * cols, rows, n, cols);
        }
    }

    /**
     * out (m,cols) = Σ over steps of a[s]ᵀ · g[s] over the running rows only, a (T,N,m) and g (T,N,cols) with their
     * step blocks {@code aStep} and N·cols floats apart: a weight gradient of a variable-length batch, summed in
     * step order.
     */
    static void transposeTimes(Compute c, int t, int n, int[] batch, int m, int cols, Memory a, long aStep,
                               Memory g, Memory out) {
        boolean first = true;
        for (int s = 0; s < t; s++) {
            int rows = batch[s];
            if (rows == 0) continue;
            c.gemm(true, false, m, cols, rows, 1f, a, s * aStep, m, g, (long) s * n * cols, cols, first ? 0f : 1f, out,
                    0, cols);
            first = false;
        }
        if (first) c.fill(out, 0, (long) m * cols, 0f);
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
