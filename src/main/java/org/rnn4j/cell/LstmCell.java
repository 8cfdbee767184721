package org.rnn4j.cell;

import org.rnn4j.compute.Closeables;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;
import org.rnn4j.compute.Scope;

/**
 * LSTM over a whole sequence, written once on top of {@link Compute}; a step is the T = 1 case. Gate order along
 * 4H: i, f, o, g. Takes and returns batch-major buffers (N,T,·); inside, sequence buffers are time-major (T,N,·)
 * so each weight gradient is one GEMM over all T·N rows.
 *
 * <pre>
 *   forward:  a = x·Wx (one GEMM, all steps); per step t: a[t] += h[t-1]·Wh; fused pointwise:
 *             i,f,o = sigmoid(a+b), g = tanh(a+b), c[t] = f*c[t-1] + i*g, h[t] = o*tanh(c[t])
 *   backward: per step t (descending): fused pointwise gives da[t] (N,4H) and dc; dhRec = da[t]·Whᵀ
 *             after the loop: dWx = xᵀ·da, dWh = h[0..T-1]ᵀ·da, dx = da·Wxᵀ, db = Σ_rows da
 * </pre>
 * Every buffer a call allocates is freed if the call fails.
 */
public final class LstmCell {
    private LstmCell() {}

    /**
     * Kept for backward: xTm (T,N,D), hs and cs (T+1,N,H) with h0/c0 first, and the activated gates (T,N,4H);
     * tanh(c) is recomputed in backward rather than stored. T·N·D + 4·T·N·H + 2·(T+1)·N·H floats.
     * batch: the rows running at each step (variable lengths, see {@link Ragged}), or null when all N run.
     */
    public record Saved(int t, int n, int d, int h, int[] batch, Memory xTm, Memory hs, Memory cs, Memory gates)
            implements SavedState {
        @Override public boolean isClosed() { return hs.isClosed(); }
        @Override public void close() { Closeables.closeAll(xTm, hs, cs, gates); }
    }

    /** h (N,T,H) batch-major, the final cell state cT (N,H), and what backward needs. */
    public record Forward(Memory h, Memory cT, Saved saved) {}

    /** dx (N,T,D), dh0 and dc0 (N,H), dWx (D,4H), dWh (H,4H), db (4H). */
    public record Gradients(Memory dx, Memory dh0, Memory dc0, Memory dwx, Memory dwh, Memory db) {}

    /** x (N,T,D), h0 (N,H), c0 (N,H) or null for zeros, wx (D,4H), wh (H,4H), b (4H). */
    public static Forward forward(Compute c, int T, int N, int D, int H,
                                  Memory x, Memory h0, Memory c0, Memory wx, Memory wh, Memory b) {
        return forward(c, T, N, D, H, null, x, h0, c0, wx, wh, b);
    }

    /**
     * As above over a variable-length batch: examples sorted longest first, batch[t] of them running at step t
     * ({@link Ragged}; null: all). h past an example's end is zero; cT and {@link #finalH} hold each example's
     * state at its own last step.
     */
    public static Forward forward(Compute c, int T, int N, int D, int H, int[] batch,
                                  Memory x, Memory h0, Memory c0, Memory wx, Memory wh, Memory b) {
        Ragged.check(batch, T, N);
        long nh = (long) N * H;
        try (Scope s = new Scope(c)) {
            Memory xTm = s.alloc((long) T * N * D);
            Layout.toTimeMajor(c, x, xTm, N, T, D);
            Memory hs = s.alloc((T + 1) * nh), cs = s.alloc((T + 1) * nh), gates = s.alloc(4 * T * nh);
            c.copy(h0, 0, hs, 0, nh);
            if (c0 != null) c.copy(c0, 0, cs, 0, nh);
            else c.fill(cs, 0, nh, 0f);
            forwardLoop(c, T, N, D, H, batch, xTm, wx, wh, b, hs, cs, gates);
            Memory h = s.alloc(T * nh), cT;
            Layout.fromTimeMajor(c, hs, nh, h, T, N, H);
            if (batch == null) {
                cT = s.alloc(nh);
                c.copy(cs, T * nh, cT, 0, nh);
            } else {
                cT = Ragged.lastRows(c, cs, T, N, H, batch);
            }
            s.keep(xTm, hs, cs, gates, h, cT);
            return new Forward(h, cT, new Saved(T, N, D, H, batch == null ? null : batch.clone(), xTm, hs, cs, gates));
        }
    }

    /** h (N,T,H) batch-major and the final cell state cT (N,H) of a forward that keeps nothing for backward. */
    public record Inference(Memory h, Memory cT) {}

    /**
     * Gate rows (floats) an inference keeps at a time: the input's part of the gates is projected for a chunk of
     * steps, so the rows each step adds h·Wh to are still in cache, and no (T,N,4H) buffer is allocated.
     */
    static final long INFERENCE_GATE_FLOATS = 1 << 17;

    /** Rows from which an inference multiplies each step's input inside its loop: two 8-row GEMM tiles. */
    static final int STEP_PROJECTION_MIN_ROWS = 16;

    /**
     * As {@link #forward} without the buffers backward needs (gates, all c). The same products and pointwise
     * calls on the same values (a product's rows never change each other's bits), so h and cT equal forward's.
     */
    public static Inference inference(Compute c, int T, int N, int D, int H,
                                      Memory x, Memory h0, Memory c0, Memory wx, Memory wh, Memory b) {
        long nh = (long) N * H;
        // a step's input product inside the loop where the backend prefers it and the batch is large enough to
        // fill its tiles; else a few steps' products at a time (a batch of one keeps all threads on them)
        boolean perStep = c.inputProductsPerStep() && N >= STEP_PROJECTION_MIN_ROWS;
        int G = 4 * H, chunk = perStep ? 1 : (int) Math.max(1, Math.min(T, INFERENCE_GATE_FLOATS / (4 * nh)));
        try (Scope s = new Scope(c)) {
            Memory xTm = s.alloc((long) T * N * D);
            Layout.toTimeMajor(c, x, xTm, N, T, D);
            Memory hs = s.alloc((T + 1) * nh), cs = s.alloc(2 * nh), gates = s.alloc(4 * chunk * nh);
            c.copy(h0, 0, hs, 0, nh);
            if (c0 != null) c.copy(c0, 0, cs, 0, nh);
            else c.fill(cs, 0, nh, 0f);
            try (PackedOperand whp = c.packB(false, H, G, wh, 0, G);
                 PackedOperand wxp = perStep ? c.packB(false, D, G, wx, 0, G) : null) {
                for (int t0 = 0; t0 < T; t0 += perStep ? T : chunk) {
                    int first = t0, steps = perStep ? T : Math.min(chunk, T - t0);
                    if (!perStep) project(c, steps * N, D, H, xTm, (long) t0 * N * D, wx, null, gates, 0);
                    c.rowBlocks(N, (r0, r1) -> {   // rows never mix: each block runs the steps on its own
                        long g0 = (long) r0 * G, s0 = (long) r0 * H;
                        for (int t = first; t < first + steps; t++) {
                            long gOff = perStep ? g0 : (t - first) * 4 * nh + g0;
                            if (perStep)
                                project(c, r1 - r0, D, H, xTm, ((long) t * N + r0) * D, null, wxp, gates, gOff);
                            recur(c, r1 - r0, H, whp, b, gates, gOff, hs, t * nh + s0, cs, (t % 2) * nh + s0, hs,
                                    (t + 1) * nh + s0, cs, ((t + 1) % 2) * nh + s0);
                        }
                    });
                }
            }
            Memory h = s.alloc(T * nh), cT = s.alloc(nh);
            Layout.fromTimeMajor(c, hs, nh, h, T, N, H);
            c.copy(cs, (T % 2) * nh, cT, 0, nh);
            s.keep(h, cT);
            return new Inference(h, cT);
        }
    }

    /**
     * dh (N,T,H): upstream gradient of every h[t]; dcT (N,H) or null for zeros. wx, wh: the weights the forward
     * pass used.
     */
    public static Gradients backward(Compute c, Saved saved, Memory dh, Memory dcT, Memory wx, Memory wh) {
        return backward(c, saved, dh, null, dcT, wx, wh);
    }

    /** Each example's last hidden state (N,H): h[T-1], or h at its own last step in a variable-length batch. */
    public static Memory finalH(Compute c, Saved saved) {
        return Ragged.lastRows(c, saved.hs(), saved.t(), saved.n(), saved.h(), saved.batch());
    }

    /**
     * As above with dhT (N,H), the gradient of each example's final hidden state ({@link #finalH}), or null for
     * none; like dcT it enters at the example's own last step.
     */
    public static Gradients backward(Compute c, Saved saved, Memory dh, Memory dhT, Memory dcT,
                                     Memory wx, Memory wh) {
        int T = saved.t(), N = saved.n(), D = saved.d(), H = saved.h();
        long nh = (long) N * H;
        try (Scope s = new Scope(c)) {
            Memory dhTm = s.alloc(T * nh);
            Layout.toTimeMajor(c, dh, dhTm, N, T, H);
            Memory dc = s.alloc(nh);                                   // dcT on entry, dc0 on exit
            if (dcT != null) c.copy(dcT, 0, dc, 0, nh);
            else c.fill(dc, 0, nh, 0f);
            Memory da = s.alloc(4 * T * nh), dxTm = s.alloc((long) T * N * D), dh0 = s.alloc(nh);
            Memory dwx = s.alloc(4L * D * H), dwh = s.alloc(4L * H * H), db = s.alloc(4L * H);
            backwardLoop(c, T, N, D, H, saved, wx, wh, dhTm, dhT, dc, da, dxTm, dh0, dwx, dwh, db);
            Memory dx = dxTm;
            if (T > 1 && N > 1) {
                dx = s.alloc((long) N * T * D);
                Layout.fromTimeMajor(c, dxTm, 0, dx, T, N, D);
            }
            s.keep(dx, dh0, dc, dwx, dwh, db);
            return new Gradients(dx, dh0, dc, dwx, dwh, db);
        }
    }

    /** hs, cs (T+1,N,H) hold h0, c0 at index 0; writes the rest and the activated gates (T,N,4H). */
    private static void forwardLoop(Compute c, int T, int N, int D, int H, int[] batch, Memory xTm, Memory wx,
                                    Memory wh, Memory b, Memory hs, Memory cs, Memory gates) {
        long step = (long) N * H;
        long gstep = 4 * step;
        int G = 4 * H;
        try (InputProducts inputs = InputProducts.forward(c, T, N, D, G, batch, xTm, wx, gates);
             PackedOperand whp = c.packB(false, H, G, wh, 0, G)) { // Wh laid out once for all T steps
            c.rowBlocks(N, (r0, r1) -> {   // rows never mix: each block runs all T steps on its own
                long s0 = (long) r0 * H, g0 = (long) r0 * G;
                for (int t = 0; t < T; t++) {
                    int n = Ragged.rowsIn(batch, t, N, r0, r1);
                    inputs.forwardStep(t, r0, r1, n);
                    if (n > 0) {
                        recur(c, n, H, whp, b, gates, t * gstep + g0, hs, t * step + s0, cs, t * step + s0,
                                hs, (t + 1) * step + s0, cs, (t + 1) * step + s0);
                    }
                    Ragged.zeroTail(c, hs, (t + 1) * step + s0, n, r1 - r0, H);
                }
            });
        }
    }

    /** gates (rows,4H) = x (rows,D)·Wx: the input's part of every gate. Wx as stored, or packed (wxp) if not null. */
    private static void project(Compute c, int rows, int D, int H, Memory x, long xOff, Memory wx,
                                PackedOperand wxp, Memory gates, long gOff) {
        int G = 4 * H;
        if (wxp != null) c.gemm(false, rows, G, D, 1f, x, xOff, D, wxp, 0f, gates, gOff, G);
        else c.gemm(false, false, rows, G, D, 1f, x, xOff, D, wx, 0, G, 0f, gates, gOff, G);
    }

    /** One step's recurrence: gates += hPrev·Wh, then the fused pointwise writes c and h. */
    private static void recur(Compute c, int N, int H, PackedOperand whp, Memory b, Memory gates, long gOff,
                              Memory hPrev, long hPrevOff, Memory cPrev, long cPrevOff,
                              Memory hOut, long hOff, Memory cOut, long cOff) {
        c.gemm(false, N, 4 * H, H, 1f, hPrev, hPrevOff, H, whp, 1f, gates, gOff, 4 * H);
        c.lstmForwardPointwise(N, H, gates, gOff, b, cPrev, cPrevOff, cOut, cOff, hOut, hOff);
    }

    /**
     * One step (T = 1) into the caller's buffers, allocating nothing: for a caller that runs many single steps
     * with the same weights (sampling a character at a time). x (N,D); whp is Wh (H,4H) packed once by the caller
     * ({@code c.packB(false, H, 4H, wh, 0, 4H)}); gates (N,4H) scratch; hPrev, cPrev (N,H) in, hOut, cOut (N,H)
     * out, separate buffers. The same calls, in the same order, as a step of {@link #forward}.
     */
    public static void step(Compute c, int N, int D, int H, Memory x, long xOff, Memory wx, PackedOperand whp,
                            Memory b, Memory gates, Memory hPrev, Memory cPrev, Memory hOut, Memory cOut) {
        project(c, N, D, H, x, xOff, wx, null, gates, 0);
        recur(c, N, H, whp, b, gates, 0, hPrev, 0, cPrev, 0, hOut, 0, cOut, 0);
    }

    /**
     * dhTm (T,N,H) upstream gradients; dc (N,H) holds dcT on entry and dc0 on exit; da (T,N,4H) scratch. dh0
     * carries the recurrent gradient down the steps from dhT; in a variable-length batch the rows of dh0 and dc
     * stay untouched until the step where their example ends.
     */
    private static void backwardLoop(Compute c, int T, int N, int D, int H, Saved saved, Memory wx, Memory wh,
                                     Memory dhTm, Memory dhT, Memory dc, Memory da,
                                     Memory dxTm, Memory dh0, Memory dwx, Memory dwh, Memory db) {
        long step = (long) N * H;
        long gstep = 4 * step;
        int G = 4 * H;
        int rows = T * N;
        Memory hs = saved.hs(), cs = saved.cs(), gates = saved.gates();
        int[] batch = saved.batch();
        if (dhT != null) c.copy(dhT, 0, dh0, 0, step);
        else c.fill(dh0, 0, step, 0f);
        try (InputProducts inputs = InputProducts.backward(c, T, N, D, G, batch, wx, dxTm)) {
            try (PackedOperand whT = c.packB(true, G, H, wh, 0, G)) { // Whᵀ (4H,H) laid out once for all T steps
                c.rowBlocks(N, (r0, r1) -> {   // rows never mix: each block runs all T steps on its own
                    long s0 = (long) r0 * H, g0 = (long) r0 * G;
                    for (int t = T - 1; t >= 0; t--) {
                        int n = Ragged.rowsIn(batch, t, N, r0, r1);
                        Ragged.zeroTail(c, da, t * gstep + g0, n, r1 - r0, G);
                        if (n > 0) {
                            c.lstmBackwardPointwise(n, H, gates, t * gstep + g0, cs, t * step + s0, cs,
                                    (t + 1) * step + s0, dhTm, t * step + s0, dh0, s0, dc, s0, da, t * gstep + g0);
                            c.gemm(false, n, H, G, 1f, da, t * gstep + g0, G, whT, 0f, dh0, s0, H);
                        }
                        inputs.backwardStep(t, r0, r1, n, da, t * gstep + g0);
                    }
                });
            }
            if (batch == null) {
                c.weightGradients(rows, G, da, 0, saved.xTm(), 0, D, dwx, 0, hs, 0, H, dwh, 0, db, 0);
            } else {
                Ragged.transposeTimes(c, T, N, batch, D, G, saved.xTm(), (long) N * D, da, dwx);
                Ragged.transposeTimes(c, T, N, batch, H, G, hs, step, da, dwh);
                c.columnSum(da, 0, rows, G, db, 0);   // padded rows of da are zero
            }
            inputs.finish(da);   // after the weight gradients: the order of the products a GPU is given
        }
    }
}
