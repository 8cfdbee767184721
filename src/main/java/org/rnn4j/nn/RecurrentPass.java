package org.rnn4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.cell.GruCell;
import org.rnn4j.cell.LstmCell;
import org.rnn4j.cell.RnnCell;
import org.rnn4j.cell.SavedState;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.Scope;
import org.rnn4j.extension.Extension;
import org.rnn4j.nn.Recurrent.Cache;
import org.rnn4j.nn.Recurrent.Kind;

/**
 * The forward and backward passes of {@link Recurrent} on the primitives. Everything runs in sorted order (longest
 * example first, {@link Packing}): x, h0 and c0 are gathered into it once, the outputs and gradients gathered back
 * once at the end. The reverse direction reads its input reversed per example (one gatherRows) and the two
 * directions' outputs are joined into (N,T,2H) by one more; in backward one gather splits the upstream gradient
 * and the two input gradients are added by a columnSum over their stacked (2, N·T·Din) buffer.
 */
final class RecurrentPass {
    private RecurrentPass() {}

    /** Index buffers of one call: sort, unsort, per-example reversal, join and split. */
    private static final int PERM = 0, INV = 1, REV = 2, JOIN = 3, SPLIT = 4;

    static Recurrent.Output forward(Recurrent layer, Recurrent.Input in, Tensor x, Tensor h0, Tensor c0,
                                    boolean training, long dropoutSeed) {
        Backend backend = layer.backend;
        Compute c = Extension.compute(backend);
        return c.exclusive(() -> run(layer, c, in, x, h0, c0, training, dropoutSeed));
    }

    private static Recurrent.Output run(Recurrent layer, Compute c, Recurrent.Input in, Tensor x, Tensor h0,
                                        Tensor c0, boolean training, long dropoutSeed) {
        Recurrent.Config cfg = layer.config;
        Packing pk = in.packing();
        int N = in.n(), T = in.t(), H = cfg.hiddenSize(), dirs = cfg.directions(), L = cfg.layers();
        boolean lstm = cfg.kind() == Kind.LSTM;
        long nh = (long) N * H, rows = (long) N * T;
        SavedState[] saved = new SavedState[cfg.states()];
        Memory[] masks = new Memory[Math.max(0, L - 1)];
        Memory[] idx = new Memory[5];
        boolean dropout = training && cfg.dropout() > 0;
        SplittableRandom random = new SplittableRandom(dropoutSeed);
        try (Scope s = new Scope(c)) {
            indices(c, pk, dirs, idx);
            Memory hN = s.alloc(cfg.states() * nh), cN = lstm ? s.alloc(cfg.states() * nh) : null;
            Memory cur = sort(c, s, pk, idx, Extension.memory(x), T * cfg.inputSize());
            for (int l = 0; l < L; l++) {
                int din = cfg.layerInput(l);
                Memory[] h = new Memory[dirs];
                for (int d = 0; d < dirs; d++) {
                    int k = l * dirs + d;
                    Recurrent.Weights w = layer.weights().get(k);
                    Memory xin = cur;
                    if (d == 1) {
                        xin = s.alloc(rows * din);
                        c.gatherRows((int) rows, din, idx[REV], 0, cur, 0, xin, 0);
                    }
                    Memory h0k = initial(c, s, pk, idx, h0, k, nh, H);
                    Memory c0k = lstm ? initial(c, s, pk, idx, c0, k, nh, H) : null;
                    Memory fh, fc = null;
                    if (cfg.kind() == Kind.GRU) {
                        GruCell.Forward f = GruCell.forward(c, T, N, din, H, pk.batch, xin, h0k,
                                mem(w.wx()), mem(w.wh()), mem(w.b()), mem(w.bh()));
                        saved[k] = f.saved();
                        h[d] = f.h();
                        fh = GruCell.finalH(c, f.saved());
                    } else if (lstm) {
                        LstmCell.Forward f = LstmCell.forward(c, T, N, din, H, pk.batch, xin, h0k, c0k,
                                mem(w.wx()), mem(w.wh()), mem(w.b()));
                        saved[k] = f.saved();
                        h[d] = f.h();
                        fc = f.cT();
                        fh = LstmCell.finalH(c, f.saved());
                    } else {
                        RnnCell.Forward f = RnnCell.forward(c, T, N, din, H, pk.batch, xin, h0k,
                                mem(w.wx()), mem(w.wh()), mem(w.b()));
                        saved[k] = f.saved();
                        h[d] = f.h();
                        fh = RnnCell.finalH(c, f.saved());
                    }
                    s.adopt(h[d], fh, fc);
                    if (!training) saved[k].close();
                    unsort(c, pk, idx, fh, hN, k * nh, N, H);
                    fh.close();
                    if (fc != null) {
                        unsort(c, pk, idx, fc, cN, k * nh, N, H);
                        fc.close();
                    }
                    if (xin != cur) xin.close();
                    close(h0k, c0k);
                }
                Memory out = h[0];
                if (dirs == 2) {
                    out = s.alloc(rows * 2 * H);
                    Memory both = s.alloc(2 * rows * H);
                    c.copy(h[0], 0, both, 0, rows * H);
                    c.copy(h[1], 0, both, rows * H, rows * H);
                    c.gatherRows((int) (2 * rows), H, idx[JOIN], 0, both, 0, out, 0);
                    close(both, h[0], h[1]);
                }
                if (cur != Extension.memory(x)) cur.close();
                cur = out;
                if (dropout && l < L - 1) {
                    long len = rows * dirs * H;
                    masks[l] = Dropout.mask(c, len, cfg.dropout(), random);
                    Memory dropped = Dropout.apply(c, cur, masks[l], len, cfg.dropout());
                    s.adopt(dropped);
                    cur.close();
                    cur = dropped;
                }
            }
            Memory out = unsortRows(c, pk, idx, cur, N, T * dirs * H);
            s.adopt(out);
            if (out != cur) cur.close();
            s.keep(hN, cN, out);
            Cache cache = null;
            if (training) cache = new Cache(layer, pk, saved, masks, idx);
            else close(idx);
            Backend b = layer.backend;
            int[] state = {cfg.states(), N, H};
            return new Recurrent.Output(Extension.tensor(b, out, N, T, dirs * H), Extension.tensor(b, hN, state),
                    lstm ? Extension.tensor(b, cN, state) : null, cache);
        } catch (RuntimeException e) {
            for (SavedState st : saved) if (st != null) st.close();
            close(masks);
            close(idx);
            throw e;
        }
    }

    static Recurrent.Gradients backward(Recurrent layer, Cache cache, Tensor dOut, Tensor dhN, Tensor dcN) {
        Compute c = Extension.compute(layer.backend);
        return c.exclusive(() -> back(layer, c, cache, dOut, dhN, dcN));
    }

    private static Recurrent.Gradients back(Recurrent layer, Compute c, Cache cache, Tensor dOut, Tensor dhN,
                                            Tensor dcN) {
        Recurrent.Config cfg = layer.config;
        Packing pk = cache.packing;
        Memory[] idx = cache.indices;
        int N = pk.n, T = pk.t, H = cfg.hiddenSize(), dirs = cfg.directions(), L = cfg.layers(), G = cfg.gateWidth();
        boolean lstm = cfg.kind() == Kind.LSTM;
        long nh = (long) N * H, rows = (long) N * T;
        Backend b = layer.backend;
        Memory[][] wgrads = new Memory[cfg.states()][];
        try (Scope s = new Scope(c)) {
            Memory dh0 = s.alloc(cfg.states() * nh), dc0 = lstm ? s.alloc(cfg.states() * nh) : null;
            Memory d = sort(c, s, pk, idx, Extension.memory(dOut), T * dirs * H);
            if (d == Extension.memory(dOut)) {   // not sorted: a copy, so that dropout and splits may own it
                d = s.alloc(rows * dirs * H);
                c.copy(Extension.memory(dOut), 0, d, 0, rows * dirs * H);
            }
            for (int l = L - 1; l >= 0; l--) {
                int din = cfg.layerInput(l);
                if (l < L - 1 && cache.masks[l] != null) {
                    Memory undropped = Dropout.apply(c, d, cache.masks[l], rows * dirs * H, cfg.dropout());
                    s.adopt(undropped);
                    d.close();
                    d = undropped;
                }
                Memory[] dh = new Memory[dirs];
                if (dirs == 1) {
                    dh[0] = d;
                } else {
                    Memory split = s.alloc(2 * rows * H);
                    c.gatherRows((int) (2 * rows), H, idx[SPLIT], 0, d, 0, split, 0);
                    d.close();
                    dh[0] = s.alloc(rows * H);
                    dh[1] = s.alloc(rows * H);
                    c.copy(split, 0, dh[0], 0, rows * H);
                    c.copy(split, rows * H, dh[1], 0, rows * H);
                    split.close();
                }
                Memory[] dx = new Memory[dirs];
                for (int dir = 0; dir < dirs; dir++) {
                    int k = l * dirs + dir;
                    Recurrent.Weights w = layer.weights().get(k);
                    Memory dhT = dhN == null ? null : initial(c, s, pk, idx, dhN, k, nh, H);
                    Memory dcT = dcN == null ? null : initial(c, s, pk, idx, dcN, k, nh, H);
                    Memory dwx, dwh, db, dbh = null, dhStart, dcStart = null;
                    if (cfg.kind() == Kind.GRU) {
                        GruCell.Gradients g = GruCell.backward(c, (GruCell.Saved) cache.saved[k], dh[dir], dhT,
                                mem(w.wx()), mem(w.wh()));
                        dx[dir] = g.dx(); dhStart = g.dh0();
                        dwx = g.dwx(); dwh = g.dwh(); db = g.dbx(); dbh = g.dbh();
                    } else if (lstm) {
                        LstmCell.Gradients g = LstmCell.backward(c, (LstmCell.Saved) cache.saved[k], dh[dir], dhT, dcT,
                                mem(w.wx()), mem(w.wh()));
                        dx[dir] = g.dx(); dhStart = g.dh0(); dcStart = g.dc0();
                        dwx = g.dwx(); dwh = g.dwh(); db = g.db();
                    } else {
                        RnnCell.Gradients g = RnnCell.backward(c, (RnnCell.Saved) cache.saved[k], dh[dir], dhT,
                                mem(w.wx()), mem(w.wh()));
                        dx[dir] = g.dx(); dhStart = g.dh0();
                        dwx = g.dwx(); dwh = g.dwh(); db = g.db();
                    }
                    wgrads[k] = new Memory[]{dwx, dwh, db, dbh};
                    s.adopt(dx[dir], dhStart, dcStart, dwx, dwh, db, dbh);
                    unsort(c, pk, idx, dhStart, dh0, k * nh, N, H);
                    if (dcStart != null) unsort(c, pk, idx, dcStart, dc0, k * nh, N, H);
                    close(dhStart, dcStart, dhT, dcT, dh[dir]);
                }
                if (dirs == 1) {
                    d = dx[0];
                } else {   // dIn[r] = dx0[r] + dx1[rev[r]]: the two stacked as (2, N·T·Din), one column sum
                    long len = rows * din;
                    Memory stacked = s.alloc(2 * len);
                    c.copy(dx[0], 0, stacked, 0, len);
                    c.gatherRows((int) rows, din, idx[REV], 0, dx[1], 0, stacked, len);
                    close(dx[0], dx[1]);
                    d = s.alloc(len);
                    c.columnSum(stacked, 0, 2, (int) len, d, 0);
                    stacked.close();
                }
            }
            Memory dx = unsortRows(c, pk, idx, d, N, T * cfg.inputSize());
            s.adopt(dx);
            if (dx != d) d.close();
            s.keep(dx, dh0, dc0);
            for (Memory[] w : wgrads) s.keep(w);
            int[] state = {cfg.states(), N, H};
            List<Recurrent.Weights> grads = new ArrayList<>();
            for (int k = 0; k < cfg.states(); k++) {
                int din = cfg.layerInput(k / dirs);
                grads.add(new Recurrent.Weights(Extension.tensor(b, wgrads[k][0], din, G),
                        Extension.tensor(b, wgrads[k][1], H, G), Extension.tensor(b, wgrads[k][2], G),
                        wgrads[k][3] == null ? null : Extension.tensor(b, wgrads[k][3], G)));
            }
            return new Recurrent.Gradients(Extension.tensor(b, dx, N, T, cfg.inputSize()),
                    Extension.tensor(b, dh0, state),
                    lstm ? Extension.tensor(b, dc0, state) : null, List.copyOf(grads));
        }
    }

    // ---------------------------------------------------------------- gathers

    private static void indices(Compute c, Packing pk, int dirs, Memory[] idx) {
        if (!pk.identity) {
            idx[PERM] = c.upload(Packing.floats(pk.perm));
            idx[INV] = c.upload(Packing.floats(pk.inv));
        }
        if (dirs == 2) {
            int[] rev = pk.reverse();
            idx[REV] = c.upload(Packing.floats(rev));
            idx[JOIN] = c.upload(Packing.floats(pk.join(rev)));
            idx[SPLIT] = c.upload(Packing.floats(pk.split(rev)));
        }
    }

    /** src (N, width) in the caller's order → sorted order; src itself when sorting moves nothing. */
    private static Memory sort(Compute c, Scope s, Packing pk, Memory[] idx, Memory src, int width) {
        if (pk.identity) return src;
        Memory out = s.alloc((long) pk.n * width);
        c.gatherRows(pk.n, width, idx[PERM], 0, src, 0, out, 0);
        return out;
    }

    /** src (N, width) in sorted order → the caller's order: a new buffer, or src when sorting moves nothing. */
    private static Memory unsortRows(Compute c, Packing pk, Memory[] idx, Memory src, int n, int width) {
        if (pk.identity) return src;
        Memory out = c.alloc((long) n * width);
        c.gatherRows(n, width, idx[INV], 0, src, 0, out, 0);
        return out;
    }

    /** A sorted (N,H) state → dst at dstOff in the caller's order. */
    private static void unsort(Compute c, Packing pk, Memory[] idx, Memory src, Memory dst, long dstOff, int n, int h) {
        if (pk.identity) c.copy(src, 0, dst, dstOff, (long) n * h);
        else c.gatherRows(n, h, idx[INV], 0, src, 0, dst, dstOff);
    }

    /** State k (N,H) of a (layers·dirs,N,H) tensor in sorted order, or zeros when the tensor is null. */
    private static Memory initial(Compute c, Scope s, Packing pk, Memory[] idx, Tensor states, int k, long nh, int h) {
        Memory m = s.alloc(nh);
        if (states == null) c.fill(m, 0, nh, 0f);
        else if (pk.identity) c.copy(Extension.memory(states), k * nh, m, 0, nh);
        else c.gatherRows(pk.n, h, idx[PERM], 0, Extension.memory(states), k * nh, m, 0);
        return m;
    }

    private static Memory mem(Tensor t) { return Extension.memory(t); }

    private static void close(Memory... ms) {
        for (Memory m : ms) if (m != null) m.close();
    }
}
