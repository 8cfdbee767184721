package org.rnn4j.cell;

import org.rnn4j.compute.Closeables;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;
import org.rnn4j.compute.Scope;

/**
 * Vanilla tanh RNN over a whole sequence, written once on top of {@link Compute}; a step is the T = 1 case.
 * Takes and returns batch-major buffers (N,T,·); inside, every sequence buffer is time-major (T,N,·), so that
 * every weight gradient is one GEMM over all T·N rows.
 *
 * <pre>
 *   forward:  pre = x·Wx (one GEMM, all steps);  per step t: pre[t] += h[t-1]·Wh;  h[t] = tanh(pre[t] + b)
 *   backward: per step t (descending): da[t] = (1 - h[t]^2) * (dh[t] + dhRec);  dhRec = da[t]·Whᵀ
 *             after the loop: dWx = xᵀ·da, dWh = h[0..T-1]ᵀ·da, dx = da·Wxᵀ, db = Σ_rows da
 * </pre>
 * The recurrent weight enters the T per-step products as one {@link PackedOperand} (Wh forward, Whᵀ backward),
 * prepared once per call. Every buffer a call allocates is freed if the call fails.
 */
public final class RnnCell {
    private RnnCell() {}

    /**
     * Kept for backward: x time-major xTm (T,N,D) and every hidden state hs (T+1,N,H) with hs[0] = h0.
     * (T·N·D + (T+1)·N·H) floats. batch: the rows running at each step (variable lengths, see {@link Ragged}),
     * or null when all N run at every step.
     */
    public record Saved(int t, int n, int d, int h, int[] batch, Memory xTm, Memory hs) implements SavedState {
        @Override public boolean isClosed() { return hs.isClosed(); }
        @Override public void close() { Closeables.closeAll(xTm, hs); }
    }

    /** h (N,T,H) batch-major, and what backward needs. */
    public record Forward(Memory h, Saved saved) {}

    /** dx (N,T,D), dh0 (N,H), dWx (D,H), dWh (H,H), db (H). */
    public record Gradients(Memory dx, Memory dh0, Memory dwx, Memory dwh, Memory db) {}

    /** x (N,T,D), h0 (N,H), wx (D,H), wh (H,H), b (H). */
    public static Forward forward(Compute c, int T, int N, int D, int H,
                                  Memory x, Memory h0, Memory wx, Memory wh, Memory b) {
        return forward(c, T, N, D, H, null, x, h0, wx, wh, b);
    }

    /**
     * As above over a variable-length batch: examples sorted longest first, batch[t] of them running at step t
     * ({@link Ragged}; null: all). h past an example's end is zero; {@link #finalH} gives each example's last h.
     */
    public static Forward forward(Compute c, int T, int N, int D, int H, int[] batch,
                                  Memory x, Memory h0, Memory wx, Memory wh, Memory b) {
        Ragged.check(batch, T, N);
        try (Scope s = new Scope(c)) {
            Memory xTm = s.alloc((long) T * N * D);
            Layout.toTimeMajor(c, x, xTm, N, T, D);
            Memory hs = s.alloc((long) (T + 1) * N * H), pre = s.alloc((long) T * N * H);
            forwardLoop(c, T, N, D, H, batch, xTm, h0, wx, wh, b, hs, pre);
            Memory h = s.alloc((long) N * T * H);
            Layout.fromTimeMajor(c, hs, (long) N * H, h, T, N, H);
            s.keep(xTm, hs, h);
            return new Forward(h, new Saved(T, N, D, H, batch == null ? null : batch.clone(), xTm, hs));
        }
    }

    /** Each example's last hidden state (N,H): h[T-1], or h at its own last step in a variable-length batch. */
    public static Memory finalH(Compute c, Saved saved) {
        return Ragged.lastRows(c, saved.hs(), saved.t(), saved.n(), saved.h(), saved.batch());
    }

    /** dh (N,T,H): upstream gradient of every h[t]. wx, wh: the weights the forward pass used. */
    public static Gradients backward(Compute c, Saved saved, Memory dh, Memory wx, Memory wh) {
        return backward(c, saved, dh, null, wx, wh);
    }

    /**
     * As above with dhT (N,H), the gradient of each example's final hidden state ({@link #finalH}), or null for
     * none; it enters at the example's own last step.
     */
    public static Gradients backward(Compute c, Saved saved, Memory dh, Memory dhT, Memory wx, Memory wh) {
        int T = saved.t(), N = saved.n(), D = saved.d(), H = saved.h();
        try (Scope s = new Scope(c)) {
            Memory da = s.alloc((long) T * N * H);                 // dh time-major, overwritten with da
            Layout.toTimeMajor(c, dh, da, N, T, H);
            Memory dxTm = s.alloc((long) T * N * D), dh0 = s.alloc((long) N * H);
            Memory dwx = s.alloc((long) D * H), dwh = s.alloc((long) H * H), db = s.alloc(H);
            backwardLoop(c, T, N, D, H, saved.batch(), saved.xTm(), saved.hs(), wx, wh, da, dhT,
                    dxTm, dh0, dwx, dwh, db);
            Memory dx = dxTm;
            if (T > 1 && N > 1) {
                dx = s.alloc((long) N * T * D);
                Layout.fromTimeMajor(c, dxTm, 0, dx, T, N, D);
            }
            s.keep(dx, dh0, dwx, dwh, db);
            return new Gradients(dx, dh0, dwx, dwh, db);
        }
    }

    /** Writes hs (T+1,N,H) with hs[0] = h0 and hs[t+1] = h_t. pre (T,N,H) is scratch. */
    private static void forwardLoop(Compute c, int T, int N, int D, int H, int[] batch, Memory xTm, Memory h0,
                                    Memory wx, Memory wh, Memory b, Memory hs, Memory pre) {
        long step = (long) N * H;
        c.copy(h0, 0, hs, 0, step);
        try (InputProducts inputs = InputProducts.forward(c, T, N, D, H, batch, xTm, wx, pre);
             PackedOperand whp = c.packB(false, H, H, wh, 0, H)) { // Wh laid out once for all T steps
            c.rowBlocks(N, (r0, r1) -> {   // rows never mix: each block runs all T steps on its own
                long s0 = (long) r0 * H;
                for (int t = 0; t < T; t++) {
                    int n = Ragged.rowsIn(batch, t, N, r0, r1);
                    inputs.forwardStep(t, r0, r1, n);
                    if (n > 0) recur(c, n, H, whp, b, pre, t * step + s0, hs, t * step + s0, hs, (t + 1) * step + s0);
                    Ragged.zeroTail(c, hs, (t + 1) * step + s0, n, r1 - r0, H);
                }
            });
        }
    }

    /** One step's recurrence: pre += hPrev·Wh, then hOut = tanh(pre + b). */
    private static void recur(Compute c, int N, int H, PackedOperand whp, Memory b, Memory pre, long preOff,
                              Memory hPrev, long hPrevOff, Memory hOut, long hOff) {
        c.gemm(false, N, H, H, 1f, hPrev, hPrevOff, H, whp, 1f, pre, preOff, H);
        c.rnnForwardPointwise(N, H, pre, preOff, b, hOut, hOff);
    }

    /**
     * One step (T = 1) into the caller's buffers, allocating nothing (see {@link LstmCell#step}). x (N,D); whp is
     * Wh (H,H) packed once by the caller; pre (N,H) scratch; hPrev in and hOut out (N,H), separate buffers.
     */
    public static void step(Compute c, int N, int D, int H, Memory x, long xOff, Memory wx, PackedOperand whp,
                            Memory b, Memory pre, Memory hPrev, Memory hOut) {
        c.gemm(false, false, N, H, D, 1f, x, xOff, D, wx, 0, H, 0f, pre, 0, H);
        recur(c, N, H, whp, b, pre, 0, hPrev, 0, hOut, 0);
    }

    /**
     * da (T,N,H) holds dh on entry and the pre-activation gradients on exit. dh0 carries the recurrent gradient
     * down the steps; it starts as dhT, whose rows a variable-length batch leaves untouched until the step
     * where their example ends.
     */
    private static void backwardLoop(Compute c, int T, int N, int D, int H, int[] batch, Memory xTm, Memory hs,
                                     Memory wx, Memory wh, Memory da, Memory dhT,
                                     Memory dxTm, Memory dh0, Memory dwx, Memory dwh, Memory db) {
        long step = (long) N * H;
        int rows = T * N;
        if (dhT != null) c.copy(dhT, 0, dh0, 0, step);
        else c.fill(dh0, 0, step, 0f);
        try (InputProducts inputs = InputProducts.backward(c, T, N, D, H, batch, wx, dxTm)) {
            try (PackedOperand whT = c.packB(true, H, H, wh, 0, H)) { // Whᵀ laid out once for all T steps
                c.rowBlocks(N, (r0, r1) -> {   // rows never mix: each block runs all T steps on its own
                    long s0 = (long) r0 * H;
                    for (int t = T - 1; t >= 0; t--) {
                        int n = Ragged.rowsIn(batch, t, N, r0, r1);
                        Ragged.zeroTail(c, da, t * step + s0, n, r1 - r0, H);
                        if (n > 0) {
                            c.rnnBackwardPointwise(n, H, hs, (t + 1) * step + s0, da, t * step + s0, dh0, s0, da,
                                    t * step + s0);
                            c.gemm(false, n, H, H, 1f, da, t * step + s0, H, whT, 0f, dh0, s0, H);
                        }
                        inputs.backwardStep(t, r0, r1, n, da, t * step + s0);
                    }
                });
            }
            if (batch == null) {
                c.weightGradients(rows, H, da, 0, xTm, 0, D, dwx, 0, hs, 0, H, dwh, 0, db, 0);
            } else {
                Ragged.transposeTimes(c, T, N, batch, D, H, xTm, (long) N * D, da, dwx);
                Ragged.transposeTimes(c, T, N, batch, H, H, hs, step, da, dwh);
                c.columnSum(da, 0, rows, H, db, 0);   // padded rows of da are zero
            }
            inputs.finish(da);   // after the weight gradients: the order of the products a GPU is given
        }
    }
}
