package org.rnn4j.cpu;

import java.util.concurrent.ForkJoinPool;
import org.rnn4j.internal.Compute;
import org.rnn4j.internal.Memory;

/**
 * The pure-Java backend's primitives. Stateless apart from its thread pool, so any number of threads may call
 * it at once. Nothing here may import jcuda: this is what runs where there is no GPU.
 */
public final class CpuCompute implements Compute {
    private final ForkJoinPool pool;
    private final boolean ownsPool;

    /** Uses one worker per available core. */
    public CpuCompute() { this(Runtime.getRuntime().availableProcessors()); }

    public CpuCompute(int threads) {
        this.pool = new ForkJoinPool(Math.max(1, threads));
        this.ownsPool = true;
    }

    @Override
    public String name() { return "cpu"; }

    public int threads() { return pool.getParallelism(); }

    @Override
    public Memory alloc(long floats) { return new CpuMemory(this, new float[checkedSize(floats)]); }

    @Override
    public Memory upload(float[] host) { return new CpuMemory(this, host.clone()); }

    @Override
    public void download(Memory src, long srcOff, float[] dst, int dstOff, int len) {
        System.arraycopy(arr(src), (int) srcOff, dst, dstOff, len);
    }

    @Override
    public void fill(Memory m, long off, long len, float value) {
        java.util.Arrays.fill(arr(m), (int) off, (int) (off + len), value);
    }

    @Override
    public void copy(Memory src, long srcOff, Memory dst, long dstOff, long len) {
        System.arraycopy(arr(src), (int) srcOff, arr(dst), (int) dstOff, (int) len);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Memory a, long offA, int lda,
                     Memory b, long offB, int ldb, float beta, Memory c, long offC, int ldc) {
        Sgemm.gemm(pool, transA, transB, m, n, k, alpha, arr(a), (int) offA, lda, arr(b), (int) offB, ldb,
                beta, arr(c), (int) offC, ldc);
    }

    @Override
    public void swapAxes01(Memory src, long srcOff, Memory dst, long dstOff, int d0, int d1, int d2) {
        CpuKernels.swapAxes01(arr(src), (int) srcOff, arr(dst), (int) dstOff, d0, d1, d2);
    }

    @Override
    public void columnSum(Memory a, long offA, int rows, int cols, Memory out, long offOut) {
        CpuKernels.columnSum(arr(a), (int) offA, rows, cols, arr(out), (int) offOut);
    }

    @Override
    public void rnnForwardPointwise(int n, int h, Memory pre, long preOff, Memory b, Memory hOut, long hOutOff) {
        CpuKernels.rnnForwardPointwise(n, h, arr(pre), (int) preOff, arr(b), arr(hOut), (int) hOutOff);
    }

    @Override
    public void rnnBackwardPointwise(int n, int h, Memory hT, long hOff, Memory dh, long dhOff,
                                     Memory dhRec, long dhRecOff, Memory da, long daOff) {
        CpuKernels.rnnBackwardPointwise(n, h, arr(hT), (int) hOff, arr(dh), (int) dhOff, arr(dhRec), (int) dhRecOff,
                arr(da), (int) daOff);
    }

    @Override
    public void lstmForwardPointwise(int n, int h, Memory gates, long gOff, Memory b, Memory cPrev, long cPrevOff,
                                     Memory c, long cOff, Memory hOut, long hOff) {
        CpuKernels.lstmForwardPointwise(n, h, arr(gates), (int) gOff, arr(b), arr(cPrev), (int) cPrevOff,
                arr(c), (int) cOff, arr(hOut), (int) hOff);
    }

    @Override
    public void lstmBackwardPointwise(int n, int h, Memory gates, long gOff, Memory cPrev, long cPrevOff,
                                      Memory c, long cOff, Memory dh, long dhOff, Memory dhRec, long dhRecOff,
                                      Memory dc, long dcOff, Memory da, long daOff) {
        CpuKernels.lstmBackwardPointwise(n, h, arr(gates), (int) gOff, arr(cPrev), (int) cPrevOff, arr(c), (int) cOff,
                arr(dh), (int) dhOff, arr(dhRec), (int) dhRecOff, arr(dc), (int) dcOff, arr(da), (int) daOff);
    }

    @Override
    public void oneHot(int rows, int v, Memory idx, long idxOff, Memory out, long outOff) {
        CpuKernels.oneHot(rows, v, arr(idx), (int) idxOff, arr(out), (int) outOff);
    }

    @Override
    public void gatherRows(int rows, int d, Memory idx, long idxOff, Memory table, long tableOff, Memory out, long outOff) {
        CpuKernels.gatherRows(rows, d, arr(idx), (int) idxOff, arr(table), (int) tableOff, arr(out), (int) outOff);
    }

    @Override
    public void softmaxCrossEntropy(int rows, int v, float scale, Memory scores, long sOff, Memory y, long yOff,
                                    Memory mask, long maskOff, Memory lossRows, long lossOff, Memory dScores, long dOff) {
        CpuKernels.softmaxCrossEntropy(rows, v, scale, arr(scores), (int) sOff, arr(y), (int) yOff, arr(mask),
                (int) maskOff, arr(lossRows), (int) lossOff, arr(dScores), (int) dOff);
    }

    @Override
    public void sum(Memory x, long off, long len, boolean squared, Memory out, long outOff) {
        float[] p1 = new float[CpuKernels.SUM_LANES_1], p2 = new float[CpuKernels.SUM_LANES_2];
        CpuKernels.sumLanes(checkedSize(len), p1.length, squared, arr(x), (int) off, p1, 0);
        CpuKernels.sumLanes(p1.length, p2.length, false, p1, 0, p2, 0);
        CpuKernels.sumLanes(p2.length, 1, false, p2, 0, arr(out), (int) outOff);
    }

    @Override
    public void scale(Memory x, long off, long len, float alpha) {
        CpuKernels.scale(checkedSize(len), alpha, arr(x), (int) off);
    }

    @Override
    public void adamUpdate(long len, float lr, float beta1, float beta2, float eps, float bias1, float bias2,
                           Memory param, long pOff, Memory grad, long gOff, Memory m, long mOff, Memory v, long vOff) {
        CpuKernels.adamUpdate(checkedSize(len), lr, beta1, beta2, eps, bias1, bias2, arr(param), (int) pOff,
                arr(grad), (int) gOff, arr(m), (int) mOff, arr(v), (int) vOff);
    }

    @Override
    public void shutdown() { if (ownsPool) pool.shutdown(); }

    private float[] arr(Memory m) {
        if (!(m instanceof CpuMemory cm) || m.owner() != this)
            throw new IllegalArgumentException("buffer belongs to another backend: " + m.owner().name());
        m.ensureOpen("buffer");
        return cm.data;
    }

    private static int checkedSize(long floats) {
        if (floats < 0 || floats > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("the CPU backend holds at most 2^31-9 floats per buffer, asked for " + floats);
        return (int) floats;
    }
}
