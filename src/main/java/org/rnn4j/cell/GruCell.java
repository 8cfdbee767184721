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
     * hn = h·Wh_n + bh_n (T,N,H). T·N·D + 4·T·N·H + (T+1)·N·H floats.
     */
    public record Saved(int t, int n, int d, int h, Memory xTm, Memory hs, Memory gates, Memory hn)
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
        long nh = (long) N * H;
        try (Scope s = new Scope(c)) {
            Memory xTm = s.alloc((long) T * N * D);
            Layout.toTimeMajor(c, x, xTm, N, T, D);
            Memory hs = s.alloc((T + 1) * nh), gates = s.alloc(3 * T * nh), hn = s.alloc(T * nh);
            Memory gh = s.alloc(3 * nh);                               // per-step scratch, freed on return
            c.copy(h0, 0, hs, 0, nh);
            forwardLoop(c, T, N, D, H, xTm, wx, wh, bx, bh, hs, gates, gh, hn);
            Memory h = s.alloc(T * nh);
            Layout.fromTimeMajor(c, hs, nh, h, T, N, H);
            s.keep(xTm, hs, gates, hn, h);
            return new Forward(h, new Saved(T, N, D, H, xTm, hs, gates, hn));
        }
    }

    /** dh (N,T,H): upstream gradient of every h[t]. wx, wh: the weights the forward pass used. */
    public static Gradients backward(Compute c, Saved saved, Memory dh, Memory wx, Memory wh) {
        int T = saved.t(), N = saved.n(), D = saved.d(), H = saved.h();
        long nh = (long) N * H;
        try (Scope s = new Scope(c)) {
            Memory dhTm = s.alloc(T * nh);
            Layout.toTimeMajor(c, dh, dhTm, N, T, H);
            Memory dax = s.alloc(3 * T * nh), dah = s.alloc(3 * T * nh), dxTm = s.alloc((long) T * N * D);
            Memory dh0 = s.alloc(nh), dwx = s.alloc(3L * D * H), dwh = s.alloc(3L * H * H);
            Memory dbx = s.alloc(3L * H), dbh = s.alloc(3L * H);
            backwardLoop(c, T, N, D, H, saved, wx, wh, dhTm, dax, dah, dxTm, dh0, dwx, dwh, dbx, dbh);
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
    private static void forwardLoop(Compute c, int T, int N, int D, int H, Memory xTm, Memory wx, Memory wh,
                                    Memory bx, Memory bh, Memory hs, Memory gates, Memory gh, Memory hn) {
        long step = (long) N * H;
        long gstep = 3 * step;
        int G = 3 * H;
        c.gemm(false, false, T * N, G, D, 1f, xTm, 0, D, wx, 0, G, 0f, gates, 0, G);
        try (PackedOperand whp = c.packB(false, H, G, wh, 0, G)) { // Wh laid out once for all T steps
            for (int t = 0; t < T; t++) {
                c.gemm(false, N, G, H, 1f, hs, t * step, H, whp, 0f, gh, 0, G);
                c.gruForwardPointwise(N, H, gates, t * gstep, gh, 0, bx, bh, hs, t * step, hn, t * step,
                        hs, (t + 1) * step);
            }
        }
    }

    /** dhTm (T,N,H) upstream gradients; dax, dah (T,N,3H) scratch; dh0 carries dhRec between steps. */
    private static void backwardLoop(Compute c, int T, int N, int D, int H, Saved saved, Memory wx, Memory wh,
                                     Memory dhTm, Memory dax, Memory dah, Memory dxTm, Memory dh0,
                                     Memory dwx, Memory dwh, Memory dbx, Memory dbh) {
        long step = (long) N * H;
        long gstep = 3 * step;
        int G = 3 * H;
        int rows = T * N;
        Memory hs = saved.hs(), gates = saved.gates(), hn = saved.hn();
        c.fill(dh0, 0, step, 0f);
        try (PackedOperand whT = c.packB(true, G, H, wh, 0, G)) { // Whᵀ (3H,H) laid out once for all T steps
            for (int t = T - 1; t >= 0; t--) {
                c.gruBackwardPointwise(N, H, gates, t * gstep, hn, t * step, hs, t * step, dhTm, t * step,
                        dh0, 0, dax, t * gstep, dah, t * gstep);
                c.gemm(false, N, H, G, 1f, dah, t * gstep, G, whT, 1f, dh0, 0, H);
            }
        }
        c.gemm(true, false, D, G, rows, 1f, saved.xTm(), 0, D, dax, 0, G, 0f, dwx, 0, G);
        c.gemm(true, false, H, G, rows, 1f, hs, 0, H, dah, 0, G, 0f, dwh, 0, G);
        c.gemm(false, true, rows, D, G, 1f, dax, 0, G, wx, 0, G, 0f, dxTm, 0, D);
        c.columnSum(dax, 0, rows, G, dbx, 0);
        c.columnSum(dah, 0, rows, G, dbh, 0);
    }
}
