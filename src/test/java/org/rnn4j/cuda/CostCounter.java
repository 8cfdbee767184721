package org.rnn4j.cuda;

import java.util.function.Supplier;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;

/**
 * A dry {@link Compute} for the benchmark: it does no arithmetic and holds no data, it only adds up what each
 * primitive would cost, so the FLOPs and bytes of an operation at any size are read off the backend's own call
 * sequence (Backend → RnnCell/LstmCell → Compute) in microseconds, on any machine. A change in the cells (one
 * more GEMM, one more copy) changes the counts, and CostCounterTest holds them to the closed forms that
 * GpuBenchmark prints.
 *
 * <p>What is counted: {@link #flop} = 2·m·n·k per GEMM (multiply and add; the beta·C add of the accumulating
 * GEMMs and the pointwise math are not counted). {@link #bytes} = device memory the non-GEMM primitives read
 * and write, each element once (4 bytes a float): the fused cell kernels, the layout transposes, copies,
 * fills and the column sum. A bias vector b is counted once per launch (every row reads the same H or 4H floats,
 * which stay in cache). GEMM traffic is not in {@link #bytes}: it belongs to cuBLAS and to the FLOP side.
 * {@link #cellBytes} is the part of {@link #bytes} that the fused cell kernels move.
 */
final class CostCounter implements Compute {
    long flop, bytes, cellBytes, gemms, launches, allocs, allocFloats, hostTransfers;

    /** A buffer with a size and no storage. */
    private final class Dry extends Memory {
        Dry(long floats) { super(CostCounter.this, floats); }
        @Override protected void release() {}
    }

    void reset() { flop = bytes = cellBytes = gemms = launches = allocs = allocFloats = hostTransfers = 0; }

    /** A buffer for inputs, not counted as an allocation of the operation. */
    Memory input(long floats) { return new Dry(floats); }

    private void moved(long floats) {
        bytes += 4 * floats;
        launches++;
    }

    /** The four fused cell kernels: also counted apart, as {@link #cellBytes}. */
    private void cell(long floats) {
        cellBytes += 4 * floats;
        moved(floats);
    }

    @Override public String name() { return "cost-counter"; }

    @Override
    public Memory alloc(long floats) {
        allocs++;
        allocFloats += floats;
        return new Dry(floats);
    }

    /** Host transfers inside an operation would be a defect (a round trip); counted so a test can insist on 0. */
    @Override
    public Memory upload(float[] host) {
        hostTransfers++;
        return new Dry(host.length);
    }

    @Override
    public void download(Memory src, long srcOff, float[] dst, int dstOff, int len) { hostTransfers++; }

    @Override public void fill(Memory m, long off, long len, float value) { moved(len); }
    @Override public void copy(Memory src, long srcOff, Memory dst, long dstOff, long len) { moved(2 * len); }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Memory a, long offA, int lda,
                     Memory b, long offB, int ldb, float beta, Memory c, long offC, int ldc) {
        flop += 2L * m * n * k;
        gemms++;
    }

    /** As on the GPU: the packed operand only records where B is (cuBLAS reads it in place), no cost. */
    @Override
    public PackedOperand packB(boolean transB, int k, int n, Memory b, long offB, int ldb) {
        return new PackedOperand.InPlace(this, transB, k, n, b, offB, ldb);
    }

    @Override
    public void gemm(boolean transA, int m, int n, int k, float alpha, Memory a, long offA, int lda,
                     PackedOperand b, float beta, Memory c, long offC, int ldc) {
        flop += 2L * m * n * k;
        gemms++;
    }

    @Override
    public void swapAxes01(Memory src, long srcOff, Memory dst, long dstOff, int d0, int d1, int d2) {
        moved(2L * d0 * d1 * d2);
    }

    @Override
    public void columnSum(Memory a, long offA, int rows, int cols, Memory out, long offOut) {
        moved((long) rows * cols + cols);
    }

    /** Reads pre (N,H) and b (H), writes h (N,H). */
    @Override
    public void rnnForwardPointwise(int n, int h, Memory pre, long preOff, Memory b, Memory hOut, long hOutOff) {
        cell(2L * n * h + h);
    }

    /** Reads h, dh, dhRec, writes da: four (N,H). */
    @Override
    public void rnnBackwardPointwise(int n, int h, Memory hT, long hOff, Memory dh, long dhOff,
                                     Memory dhRec, long dhRecOff, Memory da, long daOff) {
        cell(4L * n * h);
    }

    /** Reads gates (N,4H), b (4H), cPrev (N,H); writes gates (N,4H), c and h (N,H): 11·N·H + 4·H. */
    @Override
    public void lstmForwardPointwise(int n, int h, Memory gates, long gOff, Memory b,
                                     Memory cPrev, long cPrevOff, Memory c, long cOff, Memory hOut, long hOff) {
        cell(11L * n * h + 4L * h);
    }

    /** Reads gates (N,4H), cPrev, c, dh, dhRec, dc (N,H); writes da (N,4H) and dc (N,H): 14·N·H. */
    @Override
    public void lstmBackwardPointwise(int n, int h, Memory gates, long gOff, Memory cPrev, long cPrevOff,
                                      Memory c, long cOff, Memory dh, long dhOff, Memory dhRec, long dhRecOff,
                                      Memory dc, long dcOff, Memory da, long daOff) {
        cell(14L * n * h);
    }

    /** Reads gates, gh (N,3H), bx, bh (3H), hPrev (N,H); writes gates (N,3H), hn and h (N,H): 12·N·H + 6·H. */
    @Override
    public void gruForwardPointwise(int n, int h, Memory gates, long gOff, Memory gh, long ghOff, Memory bx, Memory bh,
                                    Memory hPrev, long hPrevOff, Memory hn, long hnOff, Memory hOut, long hOff) {
        cell(12L * n * h + 6L * h);
    }

    /** Reads gates (N,3H), hn, hPrev, dh, dhRec (N,H); writes dax, dah (N,3H) and dhRec (N,H): 14·N·H. */
    @Override
    public void gruBackwardPointwise(int n, int h, Memory gates, long gOff, Memory hn, long hnOff, Memory hPrev,
                                     long hPrevOff, Memory dh, long dhOff, Memory dhRec, long dhRecOff,
                                     Memory dax, long daxOff, Memory dah, long dahOff) {
        cell(14L * n * h);
    }

    // The training primitives are not part of the cells the benchmark times.
    private static UnsupportedOperationException notCounted(String what) {
        return new UnsupportedOperationException("CostCounter does not count " + what
                + ": the benchmark times only the cells");
    }

    @Override public void oneHot(int rows, int v, Memory idx, long idxOff, Memory out,
            long outOff) { throw notCounted("oneHot"); }

    @Override
    public void gatherRows(int rows, int d, Memory idx, long idxOff, Memory table, long tableOff, Memory out,
            long outOff) {
        throw notCounted("gatherRows");
    }

    @Override
    public void softmaxCrossEntropy(int rows, int v, float scale, Memory scores, long sOff, Memory y, long yOff,
                                    Memory mask, long maskOff, Memory lossRows, long lossOff, Memory dScores,
                                    long dOff) {
        throw notCounted("softmaxCrossEntropy");
    }

    @Override public void sum(Memory x, long off, long len, boolean squared, Memory out,
            long outOff) { throw notCounted("sum"); }
    @Override public void scale(Memory x, long off, long len, float alpha) { throw notCounted("scale"); }

    @Override
    public void adamUpdate(long len, float lr, float beta1, float beta2, float eps, float bias1, float bias2,
                           Memory param, long pOff, Memory grad, long gOff, Memory m, long mOff, Memory v, long vOff) {
        throw notCounted("adamUpdate");
    }

    @Override public <R> R exclusive(Supplier<R> body) { return body.get(); }
}
