package org.rnn4j.internal;

/**
 * Vanilla tanh RNN over a whole sequence, written once on top of {@link Compute}.
 * All sequence buffers are time-major, (T, N, C): then every weight gradient is one GEMM over all T*N rows.
 *
 * <pre>
 *   forward:  pre = x·Wx (one GEMM, all steps);  per step t: pre[t] += h[t-1]·Wh;  h[t] = tanh(pre[t] + b)
 *   backward: per step t (descending): da[t] = (1 - h[t]^2) * (dh[t] + dhRec);  dhRec = da[t]·Whᵀ
 *             after the loop: dWx = xᵀ·da, dWh = h[0..T-1]ᵀ·da, dx = da·Wxᵀ, db = Σ_rows da
 * </pre>
 * Step functions are the T = 1 case. The recurrent weight enters the T per-step products as one
 * {@link PackedOperand} (Wh forward, Whᵀ backward), prepared once per call and closed at its end.
 */
public final class RnnCell {
    private RnnCell() {}

    /**
     * xTm (T,N,D); h0 (N,H); wx (D,H); wh (H,H); b (H).
     * Writes hs (T+1,N,H) with hs[0] = h0 and hs[t+1] = h_t. pre (T,N,H) is scratch.
     */
    public static void forward(Compute c, int T, int N, int D, int H,
                               Memory xTm, Memory h0, Memory wx, Memory wh, Memory b,
                               Memory hs, Memory pre) {
        long step = (long) N * H;
        c.copy(h0, 0, hs, 0, step);
        c.gemm(false, false, T * N, H, D, 1f, xTm, 0, D, wx, 0, H, 0f, pre, 0, H);
        try (PackedOperand whp = c.packB(false, H, H, wh, 0, H)) { // Wh laid out once for all T steps
            for (int t = 0; t < T; t++) {
                c.gemm(false, N, H, H, 1f, hs, t * step, H, whp, 1f, pre, t * step, H);
                c.rnnForwardPointwise(N, H, pre, t * step, b, hs, (t + 1) * step);
            }
        }
    }

    /**
     * dhTm (T,N,H) upstream gradients, overwritten with da. hs, xTm, wx, wh as left by forward.
     * Writes dxTm (T,N,D), dh0 (N,H), dwx (D,H), dwh (H,H), db (H).
     */
    public static void backward(Compute c, int T, int N, int D, int H,
                                Memory xTm, Memory hs, Memory wx, Memory wh, Memory dhTm,
                                Memory dxTm, Memory dh0, Memory dwx, Memory dwh, Memory db) {
        long step = (long) N * H;
        int rows = T * N;
        c.fill(dh0, 0, step, 0f);
        try (PackedOperand whT = c.packB(true, H, H, wh, 0, H)) { // Whᵀ laid out once for all T steps
            for (int t = T - 1; t >= 0; t--) {
                c.rnnBackwardPointwise(N, H, hs, (t + 1) * step, dhTm, t * step, dh0, 0, dhTm, t * step);
                c.gemm(false, N, H, H, 1f, dhTm, t * step, H, whT, 0f, dh0, 0, H);
            }
        }
        Memory da = dhTm;
        c.gemm(true, false, D, H, rows, 1f, xTm, 0, D, da, 0, H, 0f, dwx, 0, H);
        c.gemm(true, false, H, H, rows, 1f, hs, 0, H, da, 0, H, 0f, dwh, 0, H);
        c.gemm(false, true, rows, D, H, 1f, da, 0, H, wx, 0, H, 0f, dxTm, 0, D);
        c.columnSum(da, 0, rows, H, db, 0);
    }
}
