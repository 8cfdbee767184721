package org.rnn4j.compute;

import java.util.function.Supplier;

/**
 * The primitives a backend provides; the cells ({@code org.rnn4j.cell}) are written once on top
 * of them. Every buffer argument is a ({@link Memory}, offset) pair, offsets in floats. Matrices are row-major.
 *
 * <p>Each pointwise primitive has a CUDA twin of the same name in {@code kernels/} (snake_case there) and a
 * pure-Java twin in {@code native-fallback}; tests hold them equal. Shapes use the letters of the public API:
 * N batch, T time, D input size, H hidden size, G = H (RNN), 4H (LSTM) or 3H (GRU). Gate order along 4H:
 * i, f, o, g; along 3H: r, z, n (PyTorch's).
 */
public interface Compute {

    /** Short name: "cpu", "cuda", "cuda-emulated". */
    String name();

    /** A new buffer of {@code floats} floats. Contents are unspecified (a debug Compute may poison them). */
    Memory alloc(long floats);

    /** A new buffer holding a copy of {@code host}. */
    Memory upload(float[] host);

    /** Copies {@code len} floats from {@code src[srcOff..]} into {@code dst[dstOff..]} on the host. */
    void download(Memory src, long srcOff, float[] dst, int dstOff, int len);

    void fill(Memory m, long off, long len, float value);

    void copy(Memory src, long srcOff, Memory dst, long dstOff, long len);

    /**
     * Row-major C = alpha * op(A) * op(B) + beta * C with op(A) (m,k), op(B) (k,n), C (m,n).
     * lda/ldb/ldc are the row strides of A, B, C as stored (A stored (m,k) if !transA, (k,m) if transA).
     * With beta == 0, C is not read (NaN in C does not propagate).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, Memory a, long offA, int lda,
              Memory b, long offB, int ldb,
              float beta, Memory c, long offC, int ldc);

    /**
     * op(B) (k,n) prepared once for many {@link #gemm(boolean, int, int, int, float, Memory, long, int,
     * PackedOperand, float, Memory, long, int) gemm} calls (B stored (k,n) if !transB, (n,k) if transB, row
     * stride ldb). B must not change until the operand is closed; close it within the operation that made it.
     */
    PackedOperand packB(boolean transB, int k, int n, Memory b, long offB, int ldb);

    /**
     * As {@link #gemm(boolean, boolean, int, int, int, float, Memory, long, int, Memory, long, int, float, Memory,
     * long, int)} with op(B) the packed operand b (which must be (k,n)), and bit for bit the same result.
     */
    void gemm(boolean transA, int m, int n, int k, float alpha, Memory a, long offA, int lda,
              PackedOperand b, float beta, Memory c, long offC, int ldc);

    /** dst (d1, d0, d2) = src (d0, d1, d2) with the first two axes swapped. src and dst do not overlap. */
    void swapAxes01(Memory src, long srcOff, Memory dst, long dstOff, int d0, int d1, int d2);

    /**
     * out[j] = sum over rows r of a[r, j], a (rows, cols) contiguous, in one fixed tree order whatever the device:
     * rows are added in chunks of {@link #COLUMN_SUM_CHUNK} consecutive rows (ascending, from 0), those partial
     * sums again in chunks of COLUMN_SUM_CHUNK, and so on until at most COLUMN_SUM_CHUNK are left, which are added
     * in order into out. No atomics: deterministic, and the CPU and GPU twins add the same floats in the same order.
     */
    void columnSum(Memory a, long offA, int rows, int cols, Memory out, long offOut);

    /** Rows per chunk of each level of {@link #columnSum}: part of its contract, since it fixes the order. */
    int COLUMN_SUM_CHUNK = 64;

    /**
     * Partial sums per column the next level of {@link #columnSum} has after {@code rows}: ceil(rows /
     * COLUMN_SUM_CHUNK).
     */
    static int columnSumPartials(int rows) { return (rows + COLUMN_SUM_CHUNK - 1) / COLUMN_SUM_CHUNK; }

    /**
     * RNN forward pointwise, one timestep. pre (N,H) holds x·Wx + prevH·Wh; b (H).
     * h (N,H) = tanh(pre + b). pre and h may be the same buffer.
     */
    void rnnForwardPointwise(int n, int h, Memory pre, long preOff, Memory b, Memory hOut, long hOutOff);

    /**
     * RNN backward pointwise, one timestep. h (N,H) the step's output; dh (N,H) the upstream gradient of this
     * step's output; dhRec (N,H) the gradient flowing back from step t+1 (dPrevH of that step).
     * da (N,H) = (1 - h^2) * (dh + dhRec). da may alias dh.
     */
    void rnnBackwardPointwise(int n, int h, Memory hT, long hOff, Memory dh, long dhOff,
                              Memory dhRec, long dhRecOff, Memory da, long daOff);

    /**
     * LSTM forward pointwise, one timestep. gates (N,4H) holds x·Wx + prevH·Wh on entry and the activated
     * gates [sigmoid(i) sigmoid(f) sigmoid(o) tanh(g)] (bias b (4H) added first) on exit, in place.
     * c (N,H) = f*cPrev + i*g; h (N,H) = o * tanh(c).
     */
    void lstmForwardPointwise(int n, int h, Memory gates, long gOff, Memory b,
                              Memory cPrev, long cPrevOff, Memory c, long cOff, Memory hOut, long hOff);

    /**
     * LSTM backward pointwise, one timestep. gates (N,4H) activated (as left by forward); cPrev, c (N,H);
     * dh (N,H) upstream gradient of this step's h; dhRec (N,H) gradient from step t+1; dc (N,H) holds dNextC on
     * entry and dPrevC on exit (in place). Writes da (N,4H), the gradient of the pre-activations (i, f, o, g).
     */
    void lstmBackwardPointwise(int n, int h, Memory gates, long gOff, Memory cPrev, long cPrevOff,
                               Memory c, long cOff, Memory dh, long dhOff, Memory dhRec, long dhRecOff,
                               Memory dc, long dcOff, Memory da, long daOff);

    /**
     * GRU forward pointwise, one timestep. gates (N,3H) holds x·Wx (blocks r, z, n) on entry and the activations
     * [r z n] on exit, in place; gh (N,3H) holds prevH·Wh and is only read; bx, bh (3H) the two biases.
     * r = sigmoid(gx_r + bx_r + gh_r + bh_r), z likewise, hn (N,H) = gh_n + bh_n (kept for backward),
     * n = tanh(gx_n + bx_n + r*hn), h (N,H) = (1-z)*n + z*hPrev.
     */
    void gruForwardPointwise(int n, int h, Memory gates, long gOff, Memory gh, long ghOff, Memory bx, Memory bh,
                             Memory hPrev, long hPrevOff, Memory hn, long hnOff, Memory hOut, long hOff);

    /**
     * GRU backward pointwise, one timestep, from the activations [r z n] (N,3H) and hn (N,H) left by forward and
     * hPrev (N,H). dh (N,H) the upstream gradient of this step's h; dhRec (N,H) holds the gradient from step t+1 on
     * entry and the direct part of dPrevH, (dh+dhRec)*z, on exit (in place; the caller adds dah·Whᵀ). Writes
     * dax (N,3H), the gradient of x·Wx + bx (blocks r, z, n), and dah (N,3H), that of prevH·Wh + bh: the two
     * differ in the n block only (dah_n = dax_n * r).
     */
    void gruBackwardPointwise(int n, int h, Memory gates, long gOff, Memory hn, long hnOff, Memory hPrev, long hPrevOff,
                              Memory dh, long dhOff, Memory dhRec, long dhRecOff, Memory dax, long daxOff,
                              Memory dah, long dahOff);

    // ---------------------------------------------------------------- language-model layers and training
    // CUDA twins in kernels/train.cu. Index arrays are floats holding integers (exact below 2^24); callers
    // validate them (integral, in range) before calling, the primitives do not.

    /** out (rows,v): out[r,j] = 1 if j == idx[r] else 0. idx (rows). out does not overlap idx. */
    void oneHot(int rows, int v, Memory idx, long idxOff, Memory out, long outOff);

    /** out (rows,d): row r = table[idx[r], :]; table (V,d), idx (rows). out overlaps neither input. */
    void gatherRows(int rows, int d, Memory idx, long idxOff, Memory table, long tableOff, Memory out, long outOff);

    /**
     * Softmax cross-entropy of each row of scores (rows,v) against class y[r] with weight mask[r] (0 or 1):
     * lossRows[r] = mask[r] * (logsumexp(scores[r,:]) - scores[r,y[r]]) and
     * dScores[r,j] = scale * mask[r] * (softmax(scores[r,:])[j] - [j == y[r]]). dScores may be scores (in place).
     */
    void softmaxCrossEntropy(int rows, int v, float scale, Memory scores, long sOff, Memory y, long yOff,
                             Memory mask, long maskOff, Memory lossRows, long lossOff, Memory dScores, long dOff);

    /**
     * out[outOff] = sum of x[i] (of x[i]^2 when squared) over len floats, in one fixed order whatever the
     * device, grid or thread count: three passes of the sum_lanes primitive, 4096 lanes (lane l adds x[l],
     * x[l+4096], ... in order, coalesced on a GPU), then 64 lanes over those, then one. No atomics, no shared
     * memory: deterministic, and the CPU and GPU twins add the same floats in the same order.
     */
    void sum(Memory x, long off, long len, boolean squared, Memory out, long outOff);

    /**
     * The reductions over the rows of a gradient g (rows,n) that end a recurrent backward pass: dA (ma,n) = aᵀ·g
     * with a (rows,ma), dB (mb,n) = bᵀ·g with b (rows,mb), and sum (n) = the column sums of g; every operand
     * contiguous. Exactly what gemm(true, false, ma, n, rows, 1, a, aOff, ma, g, gOff, n, 0, dA, dAOff, n), the same
     * for b, and columnSum(g, gOff, rows, n, sum, sumOff) give (the default does that); the CPU backend does all
     * three in one pass over g, its largest operand.
     */
    default void weightGradients(int rows, int n, Memory g, long gOff, Memory a, long aOff, int ma, Memory dA,
                                 long dAOff, Memory b, long bOff, int mb, Memory dB, long dBOff, Memory sum,
                                 long sumOff) {
        gemm(true, false, ma, n, rows, 1f, a, aOff, ma, g, gOff, n, 0f, dA, dAOff, n);
        gemm(true, false, mb, n, rows, 1f, b, bOff, mb, g, gOff, n, 0f, dB, dBOff, n);
        columnSum(g, gOff, rows, n, sum, sumOff);
    }

    /** Lanes of the first and the second pass of {@link #sum}: part of its contract, since they fix the order. */
    int SUM_LANES_1 = 4096, SUM_LANES_2 = 64;

    /** x[i] *= alpha over len floats, in place. */
    void scale(Memory x, long off, long len, float alpha);

    /**
     * One fused Adam step over len floats, in place on param, m and v:
     * m = beta1*m + (1-beta1)*g; v = beta2*v + (1-beta2)*g^2; param -= lr * (m/bias1) / (sqrt(v/bias2) + eps)
     * with bias1 = 1-beta1^t, bias2 = 1-beta2^t computed by the caller for step t. grad is only read.
     */
    void adamUpdate(long len, float lr, float beta1, float beta2, float eps, float bias1, float bias2,
                    Memory param, long pOff, Memory grad, long gOff, Memory m, long mOff, Memory v, long vOff);

    /** Work on the rows [r0, r1) of a batch; see {@link #rowBlocks}. */
    interface RowBlock { void run(int r0, int r1); }

    /**
     * Runs {@code body} over blocks of rows [r0, r1) that together cover [0, n), and returns when all are done.
     * The CPU backend runs the blocks at once, one per thread, and every call a block makes on that thread; a
     * recurrence whose rows never read each other's (a batch's examples) thus runs all its steps per block with no
     * hand-off between threads per step. The body must touch only its block's rows, and its results must not
     * depend on the cut (no primitive's result does: a row's outputs depend on that row's inputs only). A
     * failure in any block is rethrown. Default: one block, on the calling thread.
     */
    default void rowBlocks(int n, RowBlock body) { body.run(0, n); }

    /**
     * Whether a cell multiplies each step's input inside its time loop (x[t]·Wx going forward, da[t]·Wxᵀ going
     * back) rather than all steps in one product before or after the loop. The results are the same either way
     * (a product's rows never change each other's bits). CPU: yes, so a step's rows of the gates are written while
     * in cache, just before the recurrent product and the pointwise step read them, instead of streaming the whole
     * (T,N,G) buffer through memory once more. Default (GPU): no, one large product instead of T small launches.
     */
    default boolean inputProductsPerStep() { return false; }

    /**
     * Runs one whole public operation. A GPU Compute makes its context current on the calling thread and
     * serialises operations here; the CPU one just runs the body.
     */
    default <R> R exclusive(Supplier<R> body) { return body.get(); }

    /** Frees what the Compute holds (handles, modules, thread pools). Idempotent. */
    default void shutdown() {}
}
