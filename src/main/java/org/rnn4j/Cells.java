package org.rnn4j;

import org.rnn4j.Arguments.Cell;
import org.rnn4j.Arguments.Dims;
import org.rnn4j.cell.GruCell;
import org.rnn4j.cell.LstmCell;
import org.rnn4j.cell.RnnCell;
import org.rnn4j.compute.Memory;

/**
 * The bodies of {@link Backend}'s cell operations: check the arguments, run the cell on the backend's compute,
 * wrap its buffers as tensors. A step is the sequence operation at T = 1 (its (N,1,·) results reshaped to (N,·));
 * {@code op} names the public operation in messages and in the cache, {@code producer} the forward whose cache a
 * backward accepts.
 */
final class Cells {
    private Cells() {}

    static Rnn.Output rnnForward(Backend be, String op, boolean step, Tensor x, Tensor h0, Tensor wx, Tensor wh,
            Tensor b) {
        Dims d = Arguments.forward(op, be, Cell.RNN, step, x, h0, null, wx, wh, b);
        return be.run(() -> {
            RnnCell.Forward f = RnnCell.forward(be.compute(), d.t(), d.n(), d.d(), d.h(),
                    mem(x), mem(h0), mem(wx), mem(wh), mem(b));
            return new Rnn.Output(wrap(be, f.h(), d.n(), d.t(), d.h()), new Cache(be, op, f.saved(), wx, wh));
        });
    }

    static Rnn.Gradients rnnBackward(Backend be, String op, String producer, Tensor dh, Cache cache) {
        boolean step = isStep(producer);
        RnnCell.Saved s = Arguments.cache(op, be, cache, producer, RnnCell.Saved.class);
        Arguments.upstream(op, step ? "dNextH" : "dh", dh, be, s, step, !step);
        int N = s.n(), D = s.d(), H = s.h();
        return be.run(() -> {
            RnnCell.Gradients g = RnnCell.backward(be.compute(), s, mem(dh), mem(cache.wx), mem(cache.wh));
            return new Rnn.Gradients(wrap(be, g.dx(), dxShape(step, s)), wrap(be, g.dh0(), N, H),
                    wrap(be, g.dwx(), D, H), wrap(be, g.dwh(), H, H), wrap(be, g.db(), H));
        });
    }

    static Lstm.Output lstmForward(Backend be, String op, boolean step, Tensor x, Tensor h0, Tensor c0,
                                   Tensor wx, Tensor wh, Tensor b) {
        Dims d = Arguments.forward(op, be, Cell.LSTM, step, x, h0, c0, wx, wh, b);
        return be.run(() -> {
            LstmCell.Forward f = LstmCell.forward(be.compute(), d.t(), d.n(), d.d(), d.h(),
                    mem(x), mem(h0), c0 == null ? null : mem(c0), mem(wx), mem(wh), mem(b));
            return new Lstm.Output(wrap(be, f.h(), d.n(), d.t(), d.h()), wrap(be, f.cT(), d.n(), d.h()),
                    new Cache(be, op, f.saved(), wx, wh));
        });
    }

    /** The sequence forward without a cache: h (N,T,H) and cT (N,H). */
    static Lstm.InferenceOutput lstmInference(Backend be, String op, Tensor x, Tensor h0, Tensor c0,
                                              Tensor wx, Tensor wh, Tensor b) {
        Dims d = Arguments.forward(op, be, Cell.LSTM, false, x, h0, c0, wx, wh, b);
        return be.run(() -> {
            LstmCell.Inference f = LstmCell.inference(be.compute(), d.t(), d.n(), d.d(), d.h(),
                    mem(x), mem(h0), c0 == null ? null : mem(c0), mem(wx), mem(wh), mem(b));
            return new Lstm.InferenceOutput(wrap(be, f.h(), d.n(), d.t(), d.h()), wrap(be, f.cT(), d.n(), d.h()));
        });
    }

    static Lstm.Gradients lstmBackward(Backend be, String op, String producer, Tensor dh, Tensor dc, Cache cache) {
        boolean step = isStep(producer);
        LstmCell.Saved s = Arguments.cache(op, be, cache, producer, LstmCell.Saved.class);
        Arguments.upstream(op, step ? "dNextH" : "dh", dh, be, s, step, !step);
        if (step || dc != null) Arguments.upstream(op, step ? "dNextC" : "dcT", dc, be, s, step, false);
        int N = s.n(), D = s.d(), H = s.h();
        return be.run(() -> {
            LstmCell.Gradients g = LstmCell.backward(be.compute(), s, mem(dh), dc == null ? null : mem(dc),
                    mem(cache.wx), mem(cache.wh));
            return new Lstm.Gradients(wrap(be, g.dx(), dxShape(step, s)), wrap(be, g.dh0(), N, H),
                    wrap(be, g.dc0(), N, H), wrap(be, g.dwx(), D, 4 * H), wrap(be, g.dwh(), H, 4 * H),
                    wrap(be, g.db(), 4 * H));
        });
    }

    static Gru.Output gruForward(Backend be, String op, boolean step, Tensor x, Tensor h0, Tensor wx, Tensor wh,
                                 Tensor bx, Tensor bh) {
        Dims d = Arguments.forward(op, be, Cell.GRU, step, x, h0, null, wx, wh, bx, bh);
        return be.run(() -> {
            GruCell.Forward f = GruCell.forward(be.compute(), d.t(), d.n(), d.d(), d.h(),
                    mem(x), mem(h0), mem(wx), mem(wh), mem(bx), mem(bh));
            return new Gru.Output(wrap(be, f.h(), d.n(), d.t(), d.h()), new Cache(be, op, f.saved(), wx, wh));
        });
    }

    static Gru.Gradients gruBackward(Backend be, String op, String producer, Tensor dh, Cache cache) {
        boolean step = isStep(producer);
        GruCell.Saved s = Arguments.cache(op, be, cache, producer, GruCell.Saved.class);
        Arguments.upstream(op, step ? "dNextH" : "dh", dh, be, s, step, !step);
        int N = s.n(), D = s.d(), H = s.h();
        return be.run(() -> {
            GruCell.Gradients g = GruCell.backward(be.compute(), s, mem(dh), mem(cache.wx), mem(cache.wh));
            return new Gru.Gradients(wrap(be, g.dx(), dxShape(step, s)), wrap(be, g.dh0(), N, H),
                    wrap(be, g.dwx(), D, 3 * H), wrap(be, g.dwh(), H, 3 * H), wrap(be, g.dbx(), 3 * H),
                    wrap(be, g.dbh(), 3 * H));
        });
    }

    /** A step's (N,1,H) hidden state as (N,H): the same storage under the other shape. */
    static Tensor stepOf(Tensor h) { return new Tensor(h.backend(), h.memory(), new int[]{h.dim(0), h.dim(2)}); }

    private static boolean isStep(String producer) { return producer.contains("Step"); }

    private static int[] dxShape(boolean step, org.rnn4j.cell.SavedState s) {
        return step ? new int[]{s.n(), s.d()} : new int[]{s.n(), s.t(), s.d()};
    }

    private static Memory mem(Tensor t) { return t.memory(); }

    private static Tensor wrap(Backend be, Memory m, int... shape) { return new Tensor(be, m, shape); }
}
