package org.rnn4j.nn;

import static org.rnn4j.extension.Shapes.check;
import static org.rnn4j.extension.Shapes.dim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.compute.Closeables;

/**
 * A stack of recurrent layers (tanh RNN, LSTM or GRU), optionally bidirectional, over batch-first sequences with
 * optional per-example lengths: what PyTorch's {@code nn.RNN} / {@code nn.LSTM} / {@code nn.GRU} with
 * {@code batch_first=True}
 * compute, on any {@link Backend}. Shapes, weights and the variable-length semantics: the package javadoc.
 * Holds its weights (one {@link Weights} per layer and direction); {@link #close()} frees them.
 * Safe to call from several threads (calls share only the weights, which they read). Row indices travel as float32
 * (the gatherRows primitive), so a bidirectional layer takes N·T below 2^23 rows per call.
 */
public final class Recurrent implements AutoCloseable {
    /** The cell of every layer; {@code gates} is G/H: 1 for the RNN, 4 for the LSTM, 3 for the GRU. */
    public enum Kind {
        RNN(1), LSTM(4), GRU(3);

        final int gates;

        Kind(int gates) { this.gates = gates; }
    }

    /**
     * inputSize D, hiddenSize H, layers L ≥ 1, directions 2 if bidirectional, dropout p in [0, 1) applied in
     * training to the output of every layer but the last (as PyTorch's {@code dropout} argument).
     */
    public record Config(Kind kind, int inputSize, int hiddenSize, int layers, boolean bidirectional, double dropout) {
        public Config {
            if (kind == null) throw new NullPointerException("Recurrent.Config: kind must not be null");
            if (inputSize < 1 || hiddenSize < 1 || layers < 1)
                throw new IllegalArgumentException("Recurrent.Config: inputSize, hiddenSize and layers must be >= 1"
                        + " but were "
                        + inputSize + ", " + hiddenSize + ", " + layers);
            if (!(dropout >= 0 && dropout < 1))
                throw new IllegalArgumentException("Recurrent.Config: dropout must be in [0, 1) but was " + dropout);
        }

        /** One layer, one direction, no dropout. */
        public static Config of(Kind kind, int inputSize, int hiddenSize) {
            return new Config(kind, inputSize, hiddenSize, 1, false, 0);
        }

        public int directions() { return bidirectional ? 2 : 1; }

        /** G: H for the RNN, 4H for the LSTM, 3H for the GRU. */
        public int gateWidth() { return kind.gates * hiddenSize; }

        /** The input size of a layer: D for layer 0, directions·H above. */
        public int layerInput(int layer) { return layer == 0 ? inputSize : directions() * hiddenSize; }

        /** The number of final-state rows, layers·directions. */
        public int states() { return layers * directions(); }
    }

    /**
     * One layer and direction, in rnn4j's layout: wx (Din,G), wh (H,G), b (G), and for the GRU only bh (G), null
     * otherwise. Gates of the LSTM in the order i, f, o, g, of the GRU r, z, n (package {@code org.rnn4j}).
     * PyTorch's weight_ih is wxᵀ, weight_hh is whᵀ; for the RNN and LSTM b = bias_ih + bias_hh, for the GRU
     * b = bias_ih and bh = bias_hh (kept apart: r scales the hidden part of n together with its bias).
     */
    public record Weights(Tensor wx, Tensor wh, Tensor b, Tensor bh) implements AutoCloseable {
        /** RNN or LSTM weights (one bias). */
        public Weights(Tensor wx, Tensor wh, Tensor b) { this(wx, wh, b, null); }

        @Override public void close() { Closeables.closeAll(wx, wh, b, bh); }
    }

    /** Of {@link #forward}: out (N,T,dirs·H), hN and for the LSTM cN (layers·dirs,N,H), the cache for backward. */
    public record Output(Tensor out, Tensor hN, Tensor cN, Cache cache) implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(out, hN, cN, cache); }
    }

    /** Of {@link #inference}: out, hN and cN (null for the RNN) as in {@link Output}; no cache. */
    public record Result(Tensor out, Tensor hN, Tensor cN) implements AutoCloseable {
        @Override public void close() { Closeables.closeAll(out, hN, cN); }
    }

    /**
     * Of {@link #backward}: dx (N,T,D), dh0 and for the LSTM dc0 (layers·dirs,N,H), and per layer and direction the
     * weight gradients.
     */
    public record Gradients(Tensor dx, Tensor dh0, Tensor dc0, List<Weights> weights) implements AutoCloseable {
        @Override public void close() {
            Closeables.closeAll(dx, dh0, dc0);
            weights.forEach(Weights::close);
        }
    }

    final Backend backend;
    final Config config;
    private final List<Weights> weights;

    private Recurrent(Backend backend, Config config, List<Weights> weights) {
        this.backend = backend;
        this.config = config;
        this.weights = List.copyOf(weights);
    }

    /**
     * Fresh weights from {@code seed}, as PyTorch initialises them: every entry uniform in ±1/√H (for the RNN
     * and LSTM b as the sum of two such biases).
     */
    public static Recurrent create(Backend backend, Config config, long seed) {
        if (backend == null) throw new NullPointerException("Recurrent.create: backend must not be null");
        if (config == null) throw new NullPointerException("Recurrent.create: config must not be null");
        SplittableRandom r = new SplittableRandom(seed);
        double k = 1 / Math.sqrt(config.hiddenSize());
        int h = config.hiddenSize(), g = config.gateWidth();
        List<Weights> w = new ArrayList<>();
        try {
            for (int l = 0; l < config.layers(); l++)
                for (int d = 0; d < config.directions(); d++) {
                    int in = config.layerInput(l);
                    float[] b = uniform(r, g, k), b2 = uniform(r, g, k);
                    boolean gru = config.kind() == Kind.GRU;
                    if (!gru) for (int j = 0; j < g; j++) b[j] += b2[j];
                    Tensor wx = backend.tensor(uniform(r, in * g, k), in, g);
                    w.add(new Weights(wx, backend.tensor(uniform(r, h * g, k), h, g), backend.tensor(b, g),
                            gru ? backend.tensor(b2, g) : null));
                }
        } catch (RuntimeException e) {
            w.forEach(Weights::close);
            throw e;
        }
        return new Recurrent(backend, config, w);
    }

    private static float[] uniform(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return a;
    }

    /**
     * Over given weights, which it takes over (closing the layer closes them): layers·directions of them, layer
     * by layer, forward direction first; shapes checked.
     */
    public static Recurrent of(Backend backend, Config config, List<Weights> weights) {
        String op = "Recurrent.of";
        if (backend == null || config == null || weights == null)
            throw new NullPointerException(op + ": backend, config and weights must not be null");
        if (weights.size() != config.states())
            throw new IllegalArgumentException(op + ": expected " + config.states()
                    + " weight sets (layers·directions) but got "
                    + weights.size());
        int h = config.hiddenSize(), g = config.gateWidth();
        for (int i = 0; i < weights.size(); i++) {
            Weights w = weights.get(i);
            String at = "weights[" + i + "].";
            if (w == null) throw new NullPointerException(op + ": weights[" + i + "] must not be null");
            int in = config.layerInput(i / config.directions());
            check(op, at + "wx", w.wx(), backend, new String[]{"Din", "G"}, in, g);
            check(op, at + "wh", w.wh(), backend, new String[]{"H", "G"}, h, g);
            check(op, at + "b", w.b(), backend, new String[]{"G"}, g);
            if (config.kind() == Kind.GRU) check(op, at + "bh", w.bh(), backend, new String[]{"G"}, g);
            else if (w.bh() != null)
                throw new IllegalArgumentException(op + ": " + at + "bh is for the GRU only; must be null for "
                        + config.kind());
        }
        return new Recurrent(backend, config, weights);
    }

    public Backend backend() { return backend; }

    public Config config() { return config; }

    /** Every layer's weights: index layer·directions + direction (0 forward, 1 reverse). */
    public List<Weights> weights() { return weights; }

    public Weights weights(int layer, int direction) {
        if (layer < 0 || layer >= config.layers() || direction < 0 || direction >= config.directions())
            throw new IndexOutOfBoundsException("layer " + layer + ", direction " + direction + " of " + config);
        return weights.get(layer * config.directions() + direction);
    }

    /**
     * Training forward pass. x (N,T,D); lengths (N) each in [1,T], or null for all T; h0 and, for the LSTM, c0
     * (layers·dirs,N,H) or null for zeros. Dropout (if the config has it) from {@code dropoutSeed}: the same seed
     * gives the same mask. The cache holds what {@link #backward} needs.
     */
    public Output forward(Tensor x, int[] lengths, Tensor h0, Tensor c0, long dropoutSeed) {
        Input in = checkCall("Recurrent.forward", x, lengths, h0, c0);
        return RecurrentPass.forward(this, in, x, h0, c0, true, dropoutSeed);
    }

    /** Inference (no dropout, no cache; each layer's scratch is freed as soon as the next one has its input). */
    public Result inference(Tensor x, int[] lengths, Tensor h0, Tensor c0) {
        Input in = checkCall("Recurrent.inference", x, lengths, h0, c0);
        Output o = RecurrentPass.forward(this, in, x, h0, c0, false, 0);
        return new Result(o.out(), o.hN(), o.cN());
    }

    /**
     * Gradients of a {@link #forward} of this layer: dOut (N,T,dirs·H) the upstream gradient of out (its padded
     * steps are ignored), dhN and dcN (layers·dirs,N,H) of the final states or null for none.
     */
    public Gradients backward(Tensor dOut, Tensor dhN, Tensor dcN, Cache cache) {
        String op = "Recurrent.backward";
        if (cache == null) throw new NullPointerException(op + ": cache must not be null");
        if (cache.owner != this) throw new IllegalArgumentException(op + ": cache comes from another Recurrent layer");
        if (cache.isClosed()) throw new IllegalStateException(op + ": cache was used after close()");
        int n = cache.packing.n, t = cache.packing.t, h = config.hiddenSize(), s = config.states();
        check(op, "dOut", dOut, backend, new String[]{"N", "T", "dirs·H"}, n, t, config.directions() * h);
        if (dhN != null) check(op, "dhN", dhN, backend, new String[]{"layers·dirs", "N", "H"}, s, n, h);
        if (dcN != null) {
            if (config.kind() != Kind.LSTM) throw new IllegalArgumentException(op + ": dcN is for the LSTM only");
            check(op, "dcN", dcN, backend, new String[]{"layers·dirs", "N", "H"}, s, n, h);
        }
        return RecurrentPass.backward(this, cache, dOut, dhN, dcN);
    }

    /** Checked sizes of one call. */
    record Input(int n, int t, Packing packing) {}

    private Input checkCall(String op, Tensor x, int[] lengths, Tensor h0, Tensor c0) {
        String[] ntd = {"N", "T", "D"}, state = {"layers·dirs", "N", "H"};
        int n = dim(op, "x", x, ntd, 0), t = x.dim(1), h = config.hiddenSize(), s = config.states();
        check(op, "x", x, backend, ntd, n, t, config.inputSize());
        if (h0 != null) check(op, "h0", h0, backend, state, s, n, h);
        if (c0 != null) {
            if (config.kind() != Kind.LSTM) throw new IllegalArgumentException(op + ": c0 is for the LSTM only");
            check(op, "c0", c0, backend, state, s, n, h);
        }
        for (Weights w : weights)
            if (w.wx().isClosed() || w.wh().isClosed() || w.b().isClosed() || (w.bh() != null && w.bh().isClosed()))
                throw new IllegalStateException(op + ": the layer's weights were used after close()");
        return new Input(n, t, new Packing(op, lengths, n, t, config.bidirectional()));
    }

    @Override
    public void close() { weights.forEach(Weights::close); }

    /**
     * What a training {@link #forward} keeps for {@link #backward}: each layer and direction's cell state (inputs,
     * hidden and cell states, gates), the dropout masks and the packing plan. May serve several backward calls;
     * the layer's weights must stay open until then. {@link #close()} frees it.
     */
    public static final class Cache implements AutoCloseable {
        final Recurrent owner;
        final Packing packing;
        final org.rnn4j.cell.SavedState[] saved;
        final org.rnn4j.compute.Memory[] masks;
        final org.rnn4j.compute.Memory[] indices;
        private volatile boolean closed;

        Cache(Recurrent owner, Packing packing, org.rnn4j.cell.SavedState[] saved, org.rnn4j.compute.Memory[] masks,
              org.rnn4j.compute.Memory[] indices) {
            this.owner = owner;
            this.packing = packing;
            this.saved = saved;
            this.masks = masks;
            this.indices = indices;
        }

        public boolean isClosed() { return closed; }

        @Override
        public void close() {
            closed = true;
            Closeables.closeAll(saved);
            Closeables.closeAll(masks);
            Closeables.closeAll(indices);
        }
    }

    @Override
    public String toString() { return "Recurrent" + config + "@" + backend.name(); }
}
