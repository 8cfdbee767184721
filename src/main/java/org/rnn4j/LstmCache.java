package org.rnn4j;

import org.rnn4j.internal.Memory;

/**
 * What {@link Backend#lstmBackward} (or the step variant) needs from the forward pass, kept on the backend:
 * x time-major (T,N,D), hidden and cell states hs, cs (T+1,N,H) with h0/c0 first, and the activated gates
 * (T,N,4H); tanh(c) is recomputed in backward rather than stored. Memory: T·N·D + 4·T·N·H + 2·(T+1)·N·H floats.
 * Wx and Wh are kept by reference and must stay open until backward. {@link #close()} frees it.
 */
public final class LstmCache implements AutoCloseable {
    final Backend backend;
    final boolean step;
    final int T, N, D, H;
    final Memory xTm, hs, cs, gates;
    final Tensor wx, wh;

    LstmCache(Backend backend, boolean step, int T, int N, int D, int H,
              Memory xTm, Memory hs, Memory cs, Memory gates, Tensor wx, Tensor wh) {
        this.backend = backend;
        this.step = step;
        this.T = T; this.N = N; this.D = D; this.H = H;
        this.xTm = xTm; this.hs = hs; this.cs = cs; this.gates = gates;
        this.wx = wx; this.wh = wh;
    }

    boolean isClosed() { return hs.isClosed(); }

    @Override
    public void close() { Closeables.closeAll(xTm, hs, cs, gates); }

    @Override
    public String toString() {
        return "LstmCache(N=" + N + ", T=" + T + ", D=" + D + ", H=" + H + (step ? ", step" : "") + ")@" + backend.name();
    }
}
