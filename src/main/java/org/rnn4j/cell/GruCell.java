package org.rnn4j.cell;

import org.rnn4j.compute.Closeables;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;
import org.rnn4j.compute.Scope;

/**
 * GRU over a whole sequence (PyTorch's formulation), written once on top of {@link Compute}; a step is the T = 1
 * case. Gate order along 3H: r, z, n. Two biases, as PyTorch keeps them: bx (bias_ih) and bh (bias_hh), because
 * r multiplies the hidden part of n together with its bias. Takes and returns batch-major buffers (N,T,·); inside,
 * sequence buffers are time-major (T,N,·) so each weight gradient is one GEMM over all T·N rows.
 *
 * <pre>
 *   forward:  gx = x·Wx (one GEMM, all steps); per step t: gh = h[t-1]·Wh (its own buffer: r scales only the
 *             hidden part of n); fused pointwise: r, z = sigmoid(gx + bx + gh + bh), hn = gh_n + bh_n,
 *             n = tanh(gx_n + bx_n + r*hn), h[t] = (1-z)*n + z*h[t-1]
 *   backward: per step t (descending): fused pointwise gives dax[t], dah[t] (N,3H) and the direct part of
 *             dPrevH, (dh+dhRec)*z; then dhRec = that + dah[t]·Whᵀ
 *             after the loop: dWx = xᵀ·dax, dWh = h[0..T-1]ᵀ·dah, dx = dax·Wxᵀ, dbx = Σ_rows dax, dbh = Σ_rows dah
 * </pre>
 * Every buffer a call allocates is freed if the call fails.
 */
public final class GruCell {
    private GruCell() {}

    /**
     * Kept for backward: xTm (T,N,D), hs (T+1,N,H) with h0 first, the activations [r z n] (T,N,3H) and
     * hn = h·Wh_n + bh_n (T,N,H). T·N·D + 4·T·N·H + (T+1)·N·H floats. batch: the rows running at each step
     * (variable lengths, see {@link Ragged}), or null when all N run.
     */
    public record Saved(int t, int n, int d, int h, int[] batch, Memory xTm, Memory hs, Memory gates, Memory hn)
            implements SavedState {
        @Override public boolean isClosed() { return hs.isClosed(); }
        @Override public void close() { Closeables.closeAll(xTm, hs, gates, hn); }
    }

    /** h (N,T,H) batch-major, and what backward needs. */
    public record Forward(Memory h, Saved saved) {}

    /** dx (N,T,D), dh0 (N,H), dWx (D,3H), dWh (H,3H), dbx, dbh (3H). */
    public record Gradients(Memory dx, Memory dh0, Memory dwx, Memory dwh, Memory dbx, Memory dbh) {}

    /** x (N,T,D), h0 (N,H), wx (D,3H), wh (H,3H), bx, bh (3H). */
    public static Forward forward(Compute c, int T, int N, int D, int H,
                                  Memory x, Memory h0, Memory wx, Memory wh, Memory bx, Memory bh) {
        return forward(c, T, N, D, H, null, x, h0, wx, wh, bx, bh);
    }

    /**
     * As above over a variable-length batch: examples sorted longest first, batch[t] of them running at step t
     * ({@link Ragged}; null: all). h past an example's end is zero; {@link #finalH} gives each example's last h.
     */
    public static Forward forward(Compute c, int T, int N, int D, int H, int[] batch,
                                  Memory x, Memory h0, Memory wx, Memory wh, Memory bx, Memory bh) {
        Ragged.check(batch, T, N);
        long nh = (long) N * H;
        try (Scope s = new Scope(c)) {
            Memory xTm = s.alloc((long) T * N * D);
            Layout.toTimeMajor(c, x, xTm, N, T, D);
            Memory hs = s.alloc((T + 1) * nh), gates = s.alloc(3 * T * nh), hn = s.alloc(T * nh);
            Memory gh = s.alloc(3 * nh);                               // per-step scratch, freed on return
            c.copy(h0, 0, hs, 0, nh);
            forwardLoop(c, T, N, D, H, batch, xTm, wx, wh, bx, bh, hs, gates, gh, hn);
            Memory h = s.alloc(T * nh);
            Layout.fromTimeMajor(c, hs, nh, h, T, N, H);
            s.keep(xTm, hs, gates, hn, h);
            return new Forward(h, new Saved(T, N, D, H, batch == null ? null : batch.clone(), xTm, hs, gates, hn));
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
        long nh = (long) N * H;
        try (Scope s = new Scope(c)) {
            Memory dhTm = s.alloc(T * nh);
            Layout.toTimeMajor(c, dh, dhTm, N, T, H);
            Memory dax = s.alloc(3 * T * nh), dah = s.alloc(3 * T * nh), dxTm = s.alloc((long) T * N * D);
            Memory dh0 = s.alloc(nh), dwx = s.alloc(3L * D * H), dwh = s.alloc(3L * H * H);
            Memory dbx = s.alloc(3L * H), dbh = s.alloc(3L * H);
            backwardLoop(c, T, N, D, H, saved, wx, wh, dhTm, dhT, dax, dah, dxTm, dh0, dwx, dwh, dbx, dbh);
            Memory dx = dxTm;
            if (T > 1 && N > 1) {
                dx = s.alloc((long) N * T * D);
                Layout.fromTimeMajor(c, dxTm, 0, dx, T, N, D);
            }
            s.keep(dx, dh0, dwx, dwh, dbx, dbh);
            return new Gradients(dx, dh0, dwx, dwh, dbx, dbh);
        }
    }

    /** hs (T+1,N,H) holds h0 at index 0; writes the rest, the activations (T,N,3H) and hn (T,N,H). */
    private static void forwardLoop(Compute c, int T, int N, int D, int H, int[] batch, Memory xTm, Memory wx,
                                    Memory wh, Memory bx, Memory bh, Memory hs, Memory gates, Memory gh, Memory hn) {
        long step = (long) N * H;
        long gstep = 3 * step;
        int G = 3 * H;
        try (InputProducts inputs = InputProducts.forward(c, T, N, D, G, batch, xTm, wx, gates);
             PackedOperand whp = c.packB(false, H, G, wh, 0, G)) { // Wh laid out once for all T steps
            c.rowBlocks(N, (r0, r1) -> {   // rows never mix: each block runs all T steps on its own
                long s0 = (long) r0 * H, g0 = (long) r0 * G;
                for (int t = 0; t < T; t++) {
                    int n = Ragged.rowsIn(batch, t, N, r0, r1);
                    inputs.forwardStep(t, r0, r1, n);
                    if (n > 0) {
                        recur(c, n, H, whp, bx, bh, gates, t * gstep + g0, gh, g0, hs, t * step + s0, hn,
                                t * step + s0, hs, (t + 1) * step + s0);
                    }
                    Ragged.zeroTail(c, hs, (t + 1) * step + s0, n, r1 - r0, H);
                }
            });
        }
    }

    /** One step's recurrence: gh (N,3H) = hPrev·Wh, then the fused pointwise writes hn and hOut. */
    private static void recur(Compute c, int N, int H, PackedOperand whp, Memory bx, Memory bh, Memory gates, long gOff,
                              Memory gh, long ghOff, Memory hPrev, long hPrevOff, Memory hn, long hnOff, Memory hOut,
                              long hOff) {
        c.gemm(false, N, 3 * H, H, 1f, hPrev, hPrevOff, H, whp, 0f, gh, ghOff, 3 * H);
        c.gruForwardPointwise(N, H, gates, gOff, gh, ghOff, bx, bh, hPrev, hPrevOff, hn, hnOff, hOut, hOff);
    }

    /**
     * One step (T = 1) into the caller's buffers, allocating nothing (see {@link LstmCell#step}). x (N,D); whp is
     * Wh (H,3H) packed once by the caller; gates and gh (N,3H), hn (N,H) scratch; hPrev in and hOut out (N,H),
     * separate buffers.
     */
    public static void step(Compute c, int N, int D, int H, Memory x, long xOff, Memory wx, PackedOperand whp,
                            Memory bx, Memory bh, Memory gates, Memory gh, Memory hn, Memory hPrev, Memory hOut) {
        c.gemm(false, false, N, 3 * H, D, 1f, x, xOff, D, wx, 0, 3 * H, 0f, gates, 0, 3 * H);
        recur(c, N, H, whp, bx, bh, gates, 0, gh, 0, hPrev, 0, hn, 0, hOut, 0);
    }

    /**
     * dhTm (T,N,H) upstream gradients; dax, dah (T,N,3H) scratch; dh0 carries dhRec between steps, starting as
     * dhT, whose rows a variable-length batch leaves untouched until the step where their example ends.
     */
    private static void backwardLoop(Compute c, int T, int N, int D, int H, Saved saved, Memory wx, Memory wh,
                                     Memory dhTm, Memory dhT, Memory dax, Memory dah, Memory dxTm, Memory dh0,
                                     Memory dwx, Memory dwh, Memory dbx, Memory dbh) {
        long step = (long) N * H;
        long gstep = 3 * step;
        int G = 3 * H;
        int rows = T * N;
        Memory hs = saved.hs(), gates = saved.gates(), hn = saved.hn();
        int[] batch = saved.batch();
        if (dhT != null) c.copy(dhT, 0, dh0, 0, step);
        else c.fill(dh0, 0, step, 0f);
        try (InputProducts inputs = InputProducts.backward(c, T, N, D, G, batch, wx, dxTm)) {
            try (PackedOperand whT = c.packB(true, G, H, wh, 0, G)) { // Whᵀ (3H,H) laid out once for all T steps
                c.rowBlocks(N, (r0, r1) -> {   // rows never mix: each block runs all T steps on its own
                    long s0 = (long) r0 * H, g0 = (long) r0 * G;
                    for (int t = T - 1; t >= 0; t--) {
                        int n = Ragged.rowsIn(batch, t, N, r0, r1);
                        Ragged.zeroTail(c, dax, t * gstep + g0, n, r1 - r0, G);
                        Ragged.zeroTail(c, dah, t * gstep + g0, n, r1 - r0, G);
                        if (n > 0) {
                            c.gruBackwardPointwise(n, H, gates, t * gstep + g0, hn, t * step + s0, hs, t * step + s0,
                                    dhTm, t * step + s0, dh0, s0, dax, t * gstep + g0, dah, t * gstep + g0);
                            c.gemm(false, n, H, G, 1f, dah, t * gstep + g0, G, whT, 1f, dh0, s0, H);
                        }
                        inputs.backwardStep(t, r0, r1, n, dax, t * gstep + g0);
                    }
                });
            }
            if (batch == null) {
                c.gemm(true, false, D, G, rows, 1f, saved.xTm(), 0, D, dax, 0, G, 0f, dwx, 0, G);
                c.gemm(true, false, H, G, rows, 1f, hs, 0, H, dah, 0, G, 0f, dwh, 0, G);
            } else {
                Ragged.transposeTimes(c, T, N, batch, D, G, saved.xTm(), (long) N * D, dax, dwx);
                Ragged.transposeTimes(c, T, N, batch, H, G, hs, step, dah, dwh);
            }
            c.columnSum(dax, 0, rows, G, dbx, 0);
            c.columnSum(dah, 0, rows, G, dbh, 0);
            inputs.finish(dax);   // after the weight gradients: the order of the products a GPU is given
        }
    }
}
