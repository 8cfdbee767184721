package org.rnn4j.nn;

import static org.rnn4j.extension.Shapes.check;
import static org.rnn4j.extension.Shapes.dim;

import java.util.function.Supplier;
import org.rnn4j.Backend;
import org.rnn4j.extension.Shapes;
import org.rnn4j.Tensor;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.Scope;
import org.rnn4j.extension.Extension;

/**
 * Word/character embedding, temporal affine and temporal softmax cross-entropy, forward and backward, on one
 * {@link Backend}. Shapes and index conventions: package javadoc. As in {@link Backend}, every operation checks
 * its arguments first (null, rank, shape, backend, closed, index range) and only then allocates; results are
 * new tensors. Safe to call from several threads (it holds no state but the backend).
 */
public final class Layers {
    /** Largest vocabulary whose indices a float32 holds exactly (2^24). */
    public static final int MAX_VOCAB = 1 << 24;
    private static final String[] NT = {"N", "T"}, NTD = {"N", "T", "D"}, NTM = {"N", "T", "M"}, NTV = {"N", "T", "V"};
    private static final String[] VD = {"V", "D"}, DM = {"D", "M"}, Mv = {"M"};

    private final Backend backend;
    private final Compute compute;

    public Layers(Backend backend) {
        if (backend == null) throw new NullPointerException("Layers: backend must not be null");
        this.backend = backend;
        this.compute = Extension.compute(backend);
    }

    public Backend backend() { return backend; }

    // ---------------------------------------------------------------- word embedding

    /** out (N,T,D) = W[idx]: row idx[n,t] of W (V,D) for every position. idx (N,T) integral in [0, V). */
    public Tensor wordEmbeddingForward(Tensor idx, Tensor w) {
        String op = "wordEmbeddingForward";
        int N = dim(op, "idx", idx, NT, 0), T = idx.dim(1);
        int V = dim(op, "W", w, VD, 0), D = w.dim(1);
        check(op, "idx", idx, backend, NT, N, T);
        check(op, "W", w, backend, VD, V, D);
        checkIndices(op, "idx", idx, V);
        return run(() -> {
            try (Scope s = new Scope(compute)) {
                Memory out = s.alloc((long) N * T * D);
                compute.gatherRows(N * T, D, Extension.memory(idx), 0, Extension.memory(w), 0, out, 0);
                s.keep(out);
                return Extension.tensor(backend, out, N, T, D);
            }
        });
    }

    /**
     * dW (V,D) of {@link #wordEmbeddingForward}: dW[v] = sum of dout[n,t] over the positions with idx[n,t] = v.
     * Computed as onehot(idx)ᵀ · dout, one GEMM: the sum order is fixed by the GEMM, so the result is
     * deterministic on every backend without a scatter-add (which would need atomics on a GPU). Costs N·T·V
     * floats of scratch, fine for characters and small vocabularies.
     */
    public Tensor wordEmbeddingBackward(Tensor dout, Tensor idx, int vocab) {
        String op = "wordEmbeddingBackward";
        if (vocab <= 0 || vocab > MAX_VOCAB)
            throw new IllegalArgumentException(op + ": vocab must be in [1, 2^24] but was " + vocab);
        int N = dim(op, "dout", dout, NTD, 0), T = dout.dim(1), D = dout.dim(2);
        check(op, "dout", dout, backend, NTD, N, T, D);
        check(op, "idx", idx, backend, NT, N, T);
        checkIndices(op, "idx", idx, vocab);
        return run(() -> {
            try (Scope s = new Scope(compute)) {
                int rows = N * T;
                Memory hot = s.alloc((long) rows * vocab), dw = s.alloc((long) vocab * D);
                compute.oneHot(rows, vocab, Extension.memory(idx), 0, hot, 0);
                compute.gemm(true, false, vocab, D, rows, 1f, hot, 0, vocab, Extension.memory(dout), 0, D, 0f, dw, 0, D);
                s.keep(dw);
                return Extension.tensor(backend, dw, vocab, D);
            }
        });
    }

    // ---------------------------------------------------------------- temporal affine

    /** out (N,T,M) = x (N,T,D) · W (D,M) + b (M) at every timestep: one GEMM over all N·T rows. */
    public Tensor temporalAffineForward(Tensor x, Tensor w, Tensor b) {
        String op = "temporalAffineForward";
        int N = dim(op, "x", x, NTD, 0), T = x.dim(1), D = x.dim(2);
        int M = dim(op, "W", w, DM, 1);
        check(op, "x", x, backend, NTD, N, T, D);
        check(op, "W", w, backend, DM, D, M);
        check(op, "b", b, backend, Mv, M);
        return run(() -> {
            try (Scope s = new Scope(compute)) {
                int rows = N * T;
                Memory ones = s.alloc(rows), out = s.alloc((long) rows * M);
                compute.fill(ones, 0, rows, 1f);
                // out = ones(rows,1)·b(1,M) broadcasts b with the GEMM the backend has anyway, then += x·W.
                compute.gemm(false, false, rows, M, 1, 1f, ones, 0, 1, Extension.memory(b), 0, M, 0f, out, 0, M);
                compute.gemm(false, false, rows, M, D, 1f, Extension.memory(x), 0, D, Extension.memory(w), 0, M, 1f, out, 0, M);
                s.keep(out);
                return Extension.tensor(backend, out, N, T, M);
            }
        });
    }

    /** Gradients of {@link #temporalAffineForward}: dx = dout·Wᵀ, dW = xᵀ·dout, db = column sums of dout. */
    public TemporalAffineGradients temporalAffineBackward(Tensor dout, Tensor x, Tensor w) {
        String op = "temporalAffineBackward";
        int N = dim(op, "x", x, NTD, 0), T = x.dim(1), D = x.dim(2);
        int M = dim(op, "W", w, DM, 1);
        check(op, "x", x, backend, NTD, N, T, D);
        check(op, "W", w, backend, DM, D, M);
        check(op, "dout", dout, backend, NTM, N, T, M);
        return run(() -> {
            try (Scope s = new Scope(compute)) {
                int rows = N * T;
                Memory dx = s.alloc((long) rows * D), dw = s.alloc((long) D * M), db = s.alloc(M);
                compute.gemm(false, true, rows, D, M, 1f, Extension.memory(dout), 0, M, Extension.memory(w), 0, M, 0f, dx, 0, D);
                compute.gemm(true, false, D, M, rows, 1f, Extension.memory(x), 0, D, Extension.memory(dout), 0, M, 0f, dw, 0, M);
                compute.columnSum(Extension.memory(dout), 0, rows, M, db, 0);
                s.keep(dx, dw, db);
                return new TemporalAffineGradients(Extension.tensor(backend, dx, N, T, D), Extension.tensor(backend, dw, D, M), Extension.tensor(backend, db, M));
            }
        });
    }

    // ---------------------------------------------------------------- temporal softmax loss

    /**
     * Softmax cross-entropy at every timestep, as in the course material: with p = softmax(scores[n,t,:]),
     * {@code loss = -(1/N) · Σ_{n,t} mask[n,t] · log p[y[n,t]]}: summed over the unmasked positions and
     * divided by the batch size N (not by the number of unmasked positions), so a sequence counts by its
     * length. dScores = (1/N)·mask·(p − onehot(y)). scores (N,T,V); y (N,T) integral in [0, V); mask (N,T)
     * of 0s and 1s, or null for all ones. The loss is reduced on the backend in a fixed order (deterministic).
     */
    public SoftmaxLoss temporalSoftmaxLoss(Tensor scores, Tensor y, Tensor mask) {
        String op = "temporalSoftmaxLoss";
        int N = dim(op, "scores", scores, NTV, 0), T = scores.dim(1), V = scores.dim(2);
        check(op, "scores", scores, backend, NTV, N, T, V);
        check(op, "y", y, backend, NT, N, T);
        if (mask != null) check(op, "mask", mask, backend, NT, N, T);
        if (V > MAX_VOCAB) throw new IllegalArgumentException(op + ": V must be at most 2^24 but was " + V);
        checkIndices(op, "y", y, V);
        if (mask != null) checkMask(op, mask);
        return run(() -> {
            try (Scope s = new Scope(compute)) {
                int rows = N * T;
                Memory m = mask != null ? Extension.memory(mask) : s.alloc(rows);
                if (mask == null) compute.fill(m, 0, rows, 1f);
                Memory lossRows = s.alloc(rows), total = s.alloc(1), d = s.alloc((long) rows * V);
                compute.softmaxCrossEntropy(rows, V, 1f / N, Extension.memory(scores), 0, Extension.memory(y), 0, m, 0, lossRows, 0, d, 0);
                compute.sum(lossRows, 0, rows, false, total, 0);
                float[] host = new float[1];
                compute.download(total, 0, host, 0, 1);
                s.keep(d);
                return new SoftmaxLoss((double) host[0] / N, Extension.tensor(backend, d, N, T, V));
            }
        });
    }

    // ---------------------------------------------------------------- checks

    /** Indices travel in float tensors: each must be a finite integer in [0, bound). Reads them to the host. */
    private static void checkIndices(String op, String arg, Tensor idx, int bound) {
        float[] v = idx.toArray();
        for (int i = 0; i < v.length; i++) {
            float f = v[i];
            if (!(f >= 0 && f < bound) || f != Math.rint(f))
                throw new IllegalArgumentException(op + ": " + arg + " must hold integers in [0, " + bound + ") but "
                        + arg + at(idx, i) + " = " + f);
        }
    }

    private static void checkMask(String op, Tensor mask) {
        float[] v = mask.toArray();
        for (int i = 0; i < v.length; i++)
            if (v[i] != 0f && v[i] != 1f)
                throw new IllegalArgumentException(op + ": mask must hold only 0 and 1 but mask" + at(mask, i) + " = " + v[i]);
    }

    private static String at(Tensor t, int flat) {
        int[] s = t.shape();
        int[] ix = new int[s.length];
        for (int a = s.length - 1; a >= 0; a--) { ix[a] = flat % s[a]; flat /= s[a]; }
        return Shapes.format(ix).replace('(', '[').replace(')', ']');
    }

    private <R> R run(Supplier<R> body) { return compute.exclusive(body); }
}
