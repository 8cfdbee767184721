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
