package org.rnn4j.internal;

/**
 * LSTM over a whole sequence, written once on top of {@link Compute}. Gate order along 4H: i, f, o, g.
 * Sequence buffers are time-major (T, N, C) so each weight gradient is one GEMM over all T*N rows.
 *
 * <pre>
 *   forward:  a = x·Wx (one GEMM, all steps); per step t: a[t] += h[t-1]·Wh; fused pointwise:
 *             i,f,o = sigmoid(a+b), g = tanh(a+b), c[t] = f*c[t-1] + i*g, h[t] = o*tanh(c[t])
 *   backward: per step t (descending): fused pointwise gives da[t] (N,4H) and dc; dhRec = da[t]·Whᵀ
 *             after the loop: dWx = xᵀ·da, dWh = h[0..T-1]ᵀ·da, dx = da·Wxᵀ, db = Σ_rows da
 * </pre>
 * The cache is xTm, hs (T+1,N,H), cs (T+1,N,H) and the activated gates (T,N,4H): 6 floats per N·T·H plus x.
 */
public final class LstmCell {
    private LstmCell() {}

    /**
     * xTm (T,N,D); h0, c0 (N,H); wx (D,4H); wh (H,4H); b (4H).
     * Writes hs, cs (T+1,N,H) with index 0 = h0/c0, and gates (T,N,4H) activated.
     */
    public static void forward(Compute c, int T, int N, int D, int H,
                               Memory xTm, Memory h0, Memory c0, Memory wx, Memory wh, Memory b,
                               Memory hs, Memory cs, Memory gates) {
        long step = (long) N * H;
        long gstep = 4 * step;
        int G = 4 * H;
        c.copy(h0, 0, hs, 0, step);
        c.copy(c0, 0, cs, 0, step);
        c.gemm(false, false, T * N, G, D, 1f, xTm, 0, D, wx, 0, G, 0f, gates, 0, G);
        try (PackedOperand whp = c.packB(false, H, G, wh, 0, G)) { // Wh laid out once for all T steps
            for (int t = 0; t < T; t++) {
                c.gemm(false, N, G, H, 1f, hs, t * step, H, whp, 1f, gates, t * gstep, G);
                c.lstmForwardPointwise(N, H, gates, t * gstep, b, cs, t * step, cs, (t + 1) * step, hs, (t + 1) * step);
            }
        }
    }

    /**
     * dhTm (T,N,H) upstream gradients of every h[t]; dc (N,H) holds dcT on entry and dc0 on exit.
     * da (T,N,4H) is scratch. Writes dxTm (T,N,D), dh0 (N,H), dwx (D,4H), dwh (H,4H), db (4H).
     */
    public static void backward(Compute c, int T, int N, int D, int H,
                                Memory xTm, Memory hs, Memory cs, Memory gates, Memory wx, Memory wh,
                                Memory dhTm, Memory dc, Memory da,
                                Memory dxTm, Memory dh0, Memory dwx, Memory dwh, Memory db) {
        long step = (long) N * H;
        long gstep = 4 * step;
        int G = 4 * H;
        int rows = T * N;
        c.fill(dh0, 0, step, 0f);
        try (PackedOperand whT = c.packB(true, G, H, wh, 0, G)) { // Whᵀ (4H,H) laid out once for all T steps
            for (int t = T - 1; t >= 0; t--) {
                c.lstmBackwardPointwise(N, H, gates, t * gstep, cs, t * step, cs, (t + 1) * step,
                        dhTm, t * step, dh0, 0, dc, 0, da, t * gstep);
                c.gemm(false, N, H, G, 1f, da, t * gstep, G, whT, 0f, dh0, 0, H);
            }
        }
        c.gemm(true, false, D, G, rows, 1f, xTm, 0, D, da, 0, G, 0f, dwx, 0, G);
        c.gemm(true, false, H, G, rows, 1f, hs, 0, H, da, 0, G, 0f, dwh, 0, G);
        c.gemm(false, true, rows, D, G, 1f, da, 0, G, wx, 0, G, 0f, dxTm, 0, D);
        c.columnSum(da, 0, rows, G, db, 0);
    }
}
