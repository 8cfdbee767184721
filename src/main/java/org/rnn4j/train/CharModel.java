package org.rnn4j.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rnn4j.Backend;
import org.rnn4j.Cache;
import org.rnn4j.Gru;
import org.rnn4j.Lstm;
import org.rnn4j.Rnn;
import org.rnn4j.Tensor;
import org.rnn4j.nn.Layers;
import org.rnn4j.nn.SoftmaxLoss;
import org.rnn4j.nn.TemporalAffineGradients;
import org.rnn4j.extension.Extension;

/**
 * A character-level language model on one backend, built from the public API only: embedding (V,E) →
 * {@code layers} stacked recurrent layers (H) of one {@link CellType} (LSTM, GRU or RNN) → temporal affine
 * (H,V) → softmax cross-entropy. Holds the parameters; {@link #trainChunk} runs forward and backward over one
 * chunk of N streams × T characters, carrying the state of every layer (h, and c for the LSTM) from the previous
 * chunk (truncated backpropagation through time: the state flows forward across chunks, gradients stop at the
 * chunk boundary).
 */
public final class CharModel implements AutoCloseable {
    final Backend backend;
    final Layers nn;
    final int vocab, embed, hidden, layers;
    final CellType cell;
    /** Parameters per layer: Wx, Wh and the cell's biases. */
    private final int perLayer;
    /**
     * Parameters in a fixed order: embed.W, then per layer cellL.Wx, cellL.Wh and the biases (lstmL.b, gruL.bx and
     * gruL.bh, rnnL.b), then out.W, out.b.
     */
    final List<Tensor> params = new ArrayList<>();
    final List<String> names = new ArrayList<>();

    /** Per-chunk result: mean loss per character (nats) and gradients in parameter order (caller closes them). */
    public record Chunk(double loss, List<Tensor> grads) implements AutoCloseable {
        @Override
        public void close() { grads.forEach(Tensor::close); }
    }

    /** An LSTM model; see {@link #CharModel(Backend, CellType, int, int, int, int, long, double[])}. */
    public CharModel(Backend backend, int vocab, int embed, int hidden, int layers, long seed, double[] unigram) {
        this(backend, CellType.LSTM, vocab, embed, hidden, layers, seed, unigram);
    }

    /**
     * Initial weights from {@code seed}: embedding U(-1,1); Wx U(±1/√D), Wh U(±1/√H), biases 0 except the LSTM's
     * forget gate at 1 (remember by default); output W U(±1/√H) and output bias log(unigram frequency), so the
     * untrained model already predicts like the unigram model and training starts from its loss.
     */
    public CharModel(Backend backend, CellType cell, int vocab, int embed, int hidden, int layers, long seed,
            double[] unigram) {
        parameterShapes(cell, vocab, embed, hidden, layers);   // every size checked before anything is allocated
        this.backend = backend;
        this.nn = new Layers(backend);
        this.cell = cell;
        this.perLayer = cell.paramNames().length;
        this.vocab = vocab; this.embed = embed; this.hidden = hidden; this.layers = layers;
        SplittableRandom r = new SplittableRandom(seed);
        add("embed.W", uniform(r, vocab * embed, 1.0), vocab, embed);
        String[] pn = cell.paramNames();
        for (int l = 0; l < layers; l++) {
            int d = l == 0 ? embed : hidden, g = cell.gates * hidden;
            String prefix = cell.id() + l + ".";
            add(prefix + pn[0], uniform(r, d * g, 1 / Math.sqrt(d)), d, g);
            add(prefix + pn[1], uniform(r, hidden * g, 1 / Math.sqrt(hidden)), hidden, g);
            for (int k = 2; k < pn.length; k++) {
                float[] b = new float[g];
                if (cell == CellType.LSTM) for (int j = hidden; j < 2 * hidden; j++) b[j] = 1f;
                add(prefix + pn[k], b, g);
            }
        }
        add("out.W", uniform(r, hidden * vocab, 1 / Math.sqrt(hidden)), hidden, vocab);
        float[] bo = new float[vocab];
        for (int v = 0; v < vocab; v++) bo[v] = (float) Math.log(Math.max(unigram[v], 1e-8));
        add("out.b", bo, vocab);
    }

    /** Longest Java array (a few header words below Integer.MAX_VALUE). */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Every parameter's name and shape, in the constructor's order; throws IllegalArgumentException (one line)
     * when a size is not positive or a parameter would not fit in one array. Sizes are computed in long with
     * overflow checks, so this is safe on any input (a checkpoint's manifest, say) and allocates nothing large.
     */
    static Map<String, int[]> parameterShapes(CellType cell, int vocab, int embed, int hidden, int layers) {
        if (vocab < 1 || embed < 1 || hidden < 1 || layers < 1)
            throw new IllegalArgumentException("model sizes must be positive but were vocabulary " + vocab + ", embed "
                    + embed
                    + ", hidden " + hidden + ", layers " + layers);
        Map<String, int[]> m = new LinkedHashMap<>();
        int g = fits(cell.gates + " x hidden", (long) cell.gates * hidden);
        String[] pn = cell.paramNames();
        put(m, "embed.W", vocab, embed);
        for (int l = 0; l < layers; l++) {
            String prefix = cell.id() + l + ".";
            put(m, prefix + pn[0], l == 0 ? embed : hidden, g);
            put(m, prefix + pn[1], hidden, g);
            for (int k = 2; k < pn.length; k++) put(m, prefix + pn[k], g);
        }
        put(m, "out.W", hidden, vocab);
        put(m, "out.b", vocab);
        return m;
    }

    private static void put(Map<String, int[]> m, String name, int... shape) {
        long n = 1;
        for (int d : shape) n = Math.multiplyExact(n, (long) d);   // two int factors: never overflows a long
        fits(name + " " + java.util.Arrays.toString(shape), n);
        m.put(name, shape);
    }

    private static int fits(String what, long n) {
        if (n > MAX_ARRAY)
            throw new IllegalArgumentException("the model is too large: " + what + " has " + n
                    + " elements, more than one array holds ("
                    + MAX_ARRAY + "); lower --hidden or --embed");
        return (int) n;
    }

    private void add(String name, float[] data, int... shape) {
        names.add(name);
        params.add(backend.tensor(data, shape));
    }

    private static float[] uniform(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return a;
    }

    /** Overwrites tensor {@code dst} (same size) with host data, on the device. */
    static void overwrite(Tensor dst, float[] data) {
        if (data.length != dst.size()) throw new IllegalArgumentException("expected " + dst.size() + " floats but got "
                + data.length);
        var b = dst.backend();
        try (Tensor src = b.tensor(data, dst.shape())) {
            Extension.compute(b).exclusive(() -> { Extension.compute(b).copy(Extension.memory(src), 0,
                    Extension.memory(dst), 0, dst.size()); return null; });
        }
    }

    /** Loads every parameter from {@code dir} (param.NAME.npy), checking shapes. */
    void loadParams(java.nio.file.Path dir) throws Checkpoint.CheckpointException {
        for (int i = 0; i < params.size(); i++)
            overwrite(params.get(i), Checkpoint.array(dir, "param." + names.get(i) + ".npy", params.get(i).shape()));
    }

    public List<Tensor> params() { return params; }

    public List<String> names() { return names; }

    public CellType cell() { return cell; }

    /** Zero state: per layer h, then c for the LSTM, each (N,H). */
    public List<Tensor> zeroState(int n) {
        List<Tensor> s = new ArrayList<>();
        for (int l = 0; l < cell.states() * layers; l++) s.add(backend.zeros(n, hidden));
        return s;
    }

    /** One layer's forward: the output to close, its h (N,T,H), the final cT (LSTM) or null, and its cache. */
    private record LayerOutput(AutoCloseable output, Tensor h, Tensor cT, Cache cache) {}

    /** Runs layer l on {@code in} (N,T,·) from its state in {@code state}. */
    private LayerOutput layerForward(int l, Tensor in, List<Tensor> state) {
        Tensor h0 = state.get(cell.states() * l);
        return switch (cell) {
            case LSTM -> {
                Lstm.Output o = backend.lstmForward(in, h0, state.get(2 * l + 1), param(l, 0), param(l, 1),
                        param(l, 2));
                yield new LayerOutput(o, o.h(), o.cT(), o.cache());
            }
            case GRU -> {
                Gru.Output o = backend.gruForward(in, h0, param(l, 0), param(l, 1), param(l, 2), param(l, 3));
                yield new LayerOutput(o, o.h(), null, o.cache());
            }
            case RNN -> {
                Rnn.Output o = backend.rnnForward(in, h0, param(l, 0), param(l, 1), param(l, 2));
                yield new LayerOutput(o, o.h(), null, o.cache());
            }
        };
    }

    /**
     * Layer l's backward from dh (N,T,H): writes its parameter gradients into g (parameter order), hands dh0 (and
     * dc0) to temps and returns dx.
     */
    private Tensor layerBackward(int l, Tensor dh, Cache cache, Tensor[] g, List<AutoCloseable> temps) {
        int at = 1 + perLayer * l;
        switch (cell) {
            case LSTM -> {
                Lstm.Gradients lg = backend.lstmBackward(dh, cache);
                g[at] = lg.dWx(); g[at + 1] = lg.dWh(); g[at + 2] = lg.db();
                temps.add(lg.dh0());
                temps.add(lg.dc0());
                return lg.dx();
            }
            case GRU -> {
                Gru.Gradients gg = backend.gruBackward(dh, cache);
                g[at] = gg.dWx(); g[at + 1] = gg.dWh(); g[at + 2] = gg.dbx(); g[at + 3] = gg.dbh();
                temps.add(gg.dh0());
                return gg.dx();
            }
            default -> {
                Rnn.Gradients rg = backend.rnnBackward(dh, cache);
                g[at] = rg.dWx(); g[at + 1] = rg.dWh(); g[at + 2] = rg.db();
                temps.add(rg.dh0());
                return rg.dx();
            }
        }
    }

    /**
     * Forward and backward over one chunk. x, y (N·T) character indices, y the next character of x. state
     * (h0, c0 per layer) is read, then replaced in place by the final state (old tensors closed). Gradients are
     * of the mean loss per character (the layer's loss, which is per sequence, divided by T).
     */
    public Chunk trainChunk(float[] x, float[] y, int n, int t, List<Tensor> state) {
        List<AutoCloseable> temps = new ArrayList<>();
        try {
            Tensor xi = keep(temps, backend.tensor(x, n, t)), yi = keep(temps, backend.tensor(y, n, t));
            Tensor in = keep(temps, nn.wordEmbeddingForward(xi, params.get(0)));
            LayerOutput[] outs = new LayerOutput[layers];
            for (int l = 0; l < layers; l++) {
                outs[l] = layerForward(l, in, state);
                temps.add(outs[l].output());
                in = outs[l].h();
            }
            Tensor scores = keep(temps, nn.temporalAffineForward(in, outW(), outB()));
            SoftmaxLoss loss = keep(temps, nn.temporalSoftmaxLoss(scores, yi, null));
            Tensor dScores = loss.dScores();
            Extension.compute(backend).exclusive(() -> { Extension.compute(backend).scale(Extension.memory(dScores), 0,
                    dScores.size(), 1f / t); return null; });
            TemporalAffineGradients ag = nn.temporalAffineBackward(dScores, in, outW());
            Tensor[] g = new Tensor[params.size()];
            g[g.length - 2] = ag.dW();
            g[g.length - 1] = ag.db();
            Tensor dh = keep(temps, ag.dx());
            for (int l = layers - 1; l >= 0; l--) dh = keep(temps, layerBackward(l, dh, outs[l].cache(), g, temps));
            g[0] = nn.wordEmbeddingBackward(dh, xi, vocab);
            carryState(outs, n, t, state);
            return new Chunk(loss.loss() / t, List.of(g));
        } finally {
            closeAll(temps);
        }
    }

    /**
     * Mean loss per character over a chunk, forward only; state carried as in {@link #trainChunk}. Returns the
     * summed loss in nats (divide by the number of characters).
     */
    public double lossSum(float[] x, float[] y, int n, int t, List<Tensor> state) {
        List<AutoCloseable> temps = new ArrayList<>();
        try {
            Tensor scores = keep(temps, scores(x, n, t, state, temps));
            Tensor yi = keep(temps, backend.tensor(y, n, t));
            SoftmaxLoss loss = keep(temps, nn.temporalSoftmaxLoss(scores, yi, null));
            return loss.loss() * n;
        } finally {
            closeAll(temps);
        }
    }

    /** Scores (N,T,V) for input x (N·T), state carried. */
    Tensor scores(float[] x, int n, int t, List<Tensor> state, List<AutoCloseable> temps) {
        Tensor xi = keep(temps, backend.tensor(x, n, t));
        Tensor in = keep(temps, nn.wordEmbeddingForward(xi, params.get(0)));
        LayerOutput[] outs = new LayerOutput[layers];
        for (int l = 0; l < layers; l++) {
            outs[l] = layerForward(l, in, state);
            temps.add(outs[l].output());
            in = outs[l].h();
        }
        carryState(outs, n, t, state);
        return nn.temporalAffineForward(in, outW(), outB());
    }

    /**
     * Replaces each layer's h (and c) by its final h[:, T-1, :] (and cT), copied on the device; closes the old ones.
     */
    private void carryState(LayerOutput[] outs, int n, int t, List<Tensor> state) {
        var c = Extension.compute(backend);
        long nh = (long) n * hidden;
        for (int l = 0; l < layers; l++) {
            Tensor h = outs[l].h(), cT = outs[l].cT();
            Tensor[] next = c.exclusive(() -> {
                var hm = c.alloc(nh);
                if (n == 1 || t == 1) {
                    c.copy(Extension.memory(h), (t - 1) * nh, hm, 0, nh);   // (N,T,H) and (T,N,H) coincide
                } else if ((long) n * t <= 1 << 24) {   // row indices exact in a float
                    // rows i·T + T-1 of h seen as (N·T, H): one gather instead of transposing all of h
                    float[] last = new float[n];
                    for (int i = 0; i < n; i++) last[i] = (float) ((long) i * t + t - 1);
                    var idx = c.upload(last);
                    try {
                        c.gatherRows(n, hidden, idx, 0, Extension.memoryToRead(h), 0, hm, 0);
                    } finally {
                        idx.close();
                    }
                } else {
                    var tm = c.alloc(t * nh);
                    try {
                        // time-major: step T-1 is the last block
                        c.swapAxes01(Extension.memory(h), 0, tm, 0, n, t, hidden);
                        c.copy(tm, (t - 1) * nh, hm, 0, nh);
                    } finally {
                        tm.close();
                    }
                }
                if (cT == null) return new Tensor[]{Extension.tensor(backend, hm, n, hidden)};
                var cm = c.alloc(nh);
                c.copy(Extension.memory(cT), 0, cm, 0, nh);
                return new Tensor[]{Extension.tensor(backend, hm, n, hidden), Extension.tensor(backend, cm, n, hidden)};
            });
            for (int k = 0; k < next.length; k++) state.set(cell.states() * l + k, next[k]).close();
        }
    }

    /** Parameter k (Wx, Wh, then the biases) of layer l. */
    Tensor param(int l, int k) { return params.get(1 + perLayer * l + k); }
    Tensor outW() { return params.get(params.size() - 2); }
    Tensor outB() { return params.get(params.size() - 1); }

    static <T extends AutoCloseable> T keep(List<AutoCloseable> temps, T t) {
        temps.add(t);
        return t;
    }

    static void closeAll(List<AutoCloseable> temps) {
        for (int i = temps.size() - 1; i >= 0; i--) {
            try { temps.get(i).close(); } catch (Exception ignored) { /* closing frees memory; nothing to report */ }
        }
    }

    @Override
    public void close() { params.forEach(Tensor::close); }
}
