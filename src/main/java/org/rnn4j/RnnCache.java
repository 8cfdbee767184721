package org.rnn4j;

import org.rnn4j.internal.Memory;

/**
 * What {@link Backend#rnnBackward} (or the step variant) needs from the forward pass, kept on the backend:
 * x time-major (T,N,D) and every hidden state hs (T+1,N,H) with h0 first; Wx and Wh are kept by reference
 * and must stay open until backward. Memory: (T·N·D + (T+1)·N·H) floats. A cache may be used for several
 * backward calls; {@link #close()} frees it.
 */
public final class RnnCache implements AutoCloseable {
    final Backend backend;
    final boolean step;
    final int T, N, D, H;
    final Memory xTm, hs;
    final Tensor wx, wh;

    RnnCache(Backend backend, boolean step, int T, int N, int D, int H, Memory xTm, Memory hs, Tensor wx, Tensor wh) {
        this.backend = backend;
        this.step = step;
        this.T = T; this.N = N; this.D = D; this.H = H;
        this.xTm = xTm; this.hs = hs;
        this.wx = wx; this.wh = wh;
    }

    boolean isClosed() { return hs.isClosed(); }

    @Override
    public void close() { Closeables.closeAll(xTm, hs); }

    @Override
    public String toString() {
        return "RnnCache(N=" + N + ", T=" + T + ", D=" + D + ", H=" + H + (step ? ", step" : "") + ")@" + backend.name();
    }
}
