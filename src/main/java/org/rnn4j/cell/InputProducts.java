package org.rnn4j.cell;

import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;

/**
 * A time loop's products with Wx (D,G): going forward out (T,N,G) = xTm (T,N,D)·Wx, going back dxTm (T,N,D) = g
 * (T,N,G)·Wxᵀ. Done all steps at once (before the forward loop, after the backward one) or one step at a time
 * inside the loop's row blocks, as the backend prefers ({@link Compute#inputProductsPerStep}); the same bits either
 * way. Rows of a variable-length batch past their example's end come out zero. Close it after the loop.
 */
final class InputProducts implements AutoCloseable {
    private final Compute c;
    private final int t, n, d, g;
    private final int[] batch;
    private final Memory wx, x, out;
    /** Wx (forward) or Wxᵀ (backward) packed for the per-step products; null when done all at once. */
    private final PackedOperand packed;

    private InputProducts(Compute c, int t, int n, int d, int g, int[] batch, Memory wx, Memory x, Memory out,
                          PackedOperand packed) {
        this.c = c;
        this.t = t; this.n = n; this.d = d; this.g = g;
        this.batch = batch;
        this.wx = wx; this.x = x; this.out = out;
        this.packed = packed;
    }

    /** Forward: out (T,N,G) = xTm·Wx, all of it now, or step by step through {@link #forwardStep}. */
    static InputProducts forward(Compute c, int T, int N, int D, int G, int[] batch, Memory xTm, Memory wx,
                                 Memory out) {
        if (c.inputProductsPerStep())
            return new InputProducts(c, T, N, D, G, batch, wx, xTm, out, c.packB(false, D, G, wx, 0, G));
        if (batch == null) c.gemm(false, false, T * N, G, D, 1f, xTm, 0, D, wx, 0, G, 0f, out, 0, G);
        else Ragged.rowsTimes(c, T, N, batch, false, G, D, xTm, wx, G, out);
        return new InputProducts(c, T, N, D, G, batch, wx, xTm, out, null);
    }

    /** Backward: dxTm (T,N,D) = g·Wxᵀ, step by step ({@link #backwardStep}) or all at once ({@link #finish}). */
    static InputProducts backward(Compute c, int T, int N, int D, int G, int[] batch, Memory wx, Memory dxTm) {
        PackedOperand wxT = c.inputProductsPerStep() ? c.packB(true, G, D, wx, 0, G) : null;
        return new InputProducts(c, T, N, D, G, batch, wx, null, dxTm, wxT);
    }

    /** Step s's rows [r0, r0+rows) of out, rows [r0+rows, r1) zeroed; nothing when done before the loop. */
    void forwardStep(int s, int r0, int r1, int rows) {
        if (packed == null) return;
        long o = ((long) s * n + r0) * g;
        if (rows > 0) c.gemm(false, rows, g, d, 1f, x, ((long) s * n + r0) * d, d, packed, 0f, out, o, g);
        Ragged.zeroTail(c, out, o, rows, r1 - r0, g);
    }

    /** Step s's rows [r0, r0+rows) of dxTm from grad's (at gOff, row stride G), the rest of [r0, r1) zeroed. */
    void backwardStep(int s, int r0, int r1, int rows, Memory grad, long gOff) {
        if (packed == null) return;
        long o = ((long) s * n + r0) * d;
        if (rows > 0) c.gemm(false, rows, d, g, 1f, grad, gOff, g, packed, 0f, out, o, d);
        Ragged.zeroTail(c, out, o, rows, r1 - r0, d);
    }

    /** After the backward loop: dxTm = grad (T,N,G)·Wxᵀ for all steps, unless the loop did it step by step. */
    void finish(Memory grad) {
        if (packed != null) return;
        if (batch == null) c.gemm(false, true, t * n, d, g, 1f, grad, 0, g, wx, 0, g, 0f, out, 0, d);
        else Ragged.rowsTimes(c, t, n, batch, true, d, g, grad, wx, g, out);
    }

    @Override
    public void close() {
        if (packed != null) packed.close();
    }
}
