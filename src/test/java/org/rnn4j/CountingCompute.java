package org.rnn4j;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;

/**
 * A {@link Compute} that delegates everything and remembers every buffer it handed out, so tests can see
 * whether an operation allocated anything ({@link #allocations()}) and whether everything it allocated was
 * released again ({@link #live()}). The buffers are the delegate's own, so the delegate accepts them unchanged.
 */
final class CountingCompute implements Compute {
    private final Compute delegate;
    /** Buffers handed out and maybe still open; closed ones are pruned now and then, so long runs keep no garbage. */
    private final List<Memory> open = new ArrayList<>();
    private int allocations, pruneAt = 64;

    CountingCompute(Compute delegate) { this.delegate = delegate; }

    /** Buffers allocated or uploaded so far. */
    synchronized int allocations() { return allocations; }

    /** Buffers handed out and not closed. */
    synchronized int live() {
        int n = 0;
        for (Memory m : open) if (!m.isClosed()) n++;
        return n;
    }

    private synchronized Memory track(Memory m) {
        allocations++;
        if (open.size() >= pruneAt) {
            open.removeIf(Memory::isClosed);
            pruneAt = Math.max(64, 2 * open.size());
        }
        open.add(m);
        return m;
    }

    @Override public String name() { return delegate.name(); }
    @Override public Memory alloc(long floats) { return track(delegate.alloc(floats)); }
    @Override public Memory upload(float[] host) { return track(delegate.upload(host)); }
    @Override public void download(Memory src, long srcOff, float[] dst, int dstOff, int len) { delegate.download(src, srcOff, dst, dstOff, len); }
    @Override public void fill(Memory m, long off, long len, float value) { delegate.fill(m, off, len, value); }
    @Override public void copy(Memory src, long srcOff, Memory dst, long dstOff, long len) { delegate.copy(src, srcOff, dst, dstOff, len); }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Memory a, long offA, int lda,
                     Memory b, long offB, int ldb, float beta, Memory c, long offC, int ldc) {
        delegate.gemm(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
    }

    @Override
    public PackedOperand packB(boolean transB, int k, int n, Memory b, long offB, int ldb) {
        return delegate.packB(transB, k, n, b, offB, ldb);
    }

    @Override
    public void gemm(boolean transA, int m, int n, int k, float alpha, Memory a, long offA, int lda,
                     PackedOperand b, float beta, Memory c, long offC, int ldc) {
        delegate.gemm(transA, m, n, k, alpha, a, offA, lda, b, beta, c, offC, ldc);
    }

    @Override
    public void swapAxes01(Memory src, long srcOff, Memory dst, long dstOff, int d0, int d1, int d2) {
        delegate.swapAxes01(src, srcOff, dst, dstOff, d0, d1, d2);
    }

    @Override
    public void columnSum(Memory a, long offA, int rows, int cols, Memory out, long offOut) {
        delegate.columnSum(a, offA, rows, cols, out, offOut);
    }

    @Override
    public void oneHot(int rows, int v, Memory idx, long idxOff, Memory out, long outOff) {
        delegate.oneHot(rows, v, idx, idxOff, out, outOff);
    }

    @Override
    public void gatherRows(int rows, int d, Memory idx, long idxOff, Memory table, long tableOff, Memory out, long outOff) {
        delegate.gatherRows(rows, d, idx, idxOff, table, tableOff, out, outOff);
    }

    @Override
    public void softmaxCrossEntropy(int rows, int v, float scale, Memory scores, long sOff, Memory y, long yOff,
                                    Memory mask, long maskOff, Memory lossRows, long lossOff, Memory dScores, long dOff) {
        delegate.softmaxCrossEntropy(rows, v, scale, scores, sOff, y, yOff, mask, maskOff, lossRows, lossOff, dScores, dOff);
    }

    @Override
    public void sum(Memory x, long off, long len, boolean squared, Memory out, long outOff) {
        delegate.sum(x, off, len, squared, out, outOff);
    }

    @Override
    public void scale(Memory x, long off, long len, float alpha) { delegate.scale(x, off, len, alpha); }

    @Override
    public void adamUpdate(long len, float lr, float beta1, float beta2, float eps, float bias1, float bias2,
                           Memory param, long pOff, Memory grad, long gOff, Memory m, long mOff, Memory v, long vOff) {
        delegate.adamUpdate(len, lr, beta1, beta2, eps, bias1, bias2, param, pOff, grad, gOff, m, mOff, v, vOff);
    }

    @Override
    public void rnnForwardPointwise(int n, int h, Memory pre, long preOff, Memory b, Memory hOut, long hOutOff) {
        delegate.rnnForwardPointwise(n, h, pre, preOff, b, hOut, hOutOff);
    }

    @Override
    public void rnnBackwardPointwise(int n, int h, Memory hT, long hOff, Memory dh, long dhOff, Memory dhRec, long dhRecOff,
                                     Memory da, long daOff) {
        delegate.rnnBackwardPointwise(n, h, hT, hOff, dh, dhOff, dhRec, dhRecOff, da, daOff);
    }

    @Override
    public void lstmForwardPointwise(int n, int h, Memory gates, long gOff, Memory b, Memory cPrev, long cPrevOff,
                                     Memory c, long cOff, Memory hOut, long hOff) {
        delegate.lstmForwardPointwise(n, h, gates, gOff, b, cPrev, cPrevOff, c, cOff, hOut, hOff);
    }

    @Override
    public void lstmBackwardPointwise(int n, int h, Memory gates, long gOff, Memory cPrev, long cPrevOff, Memory c, long cOff,
                                      Memory dh, long dhOff, Memory dhRec, long dhRecOff, Memory dc, long dcOff, Memory da, long daOff) {
        delegate.lstmBackwardPointwise(n, h, gates, gOff, cPrev, cPrevOff, c, cOff, dh, dhOff, dhRec, dhRecOff, dc, dcOff, da, daOff);
    }

    @Override
    public void gruForwardPointwise(int n, int h, Memory gates, long gOff, Memory gh, long ghOff, Memory bx, Memory bh,
                                    Memory hPrev, long hPrevOff, Memory hn, long hnOff, Memory hOut, long hOff) {
        delegate.gruForwardPointwise(n, h, gates, gOff, gh, ghOff, bx, bh, hPrev, hPrevOff, hn, hnOff, hOut, hOff);
    }

    @Override
    public void gruBackwardPointwise(int n, int h, Memory gates, long gOff, Memory hn, long hnOff, Memory hPrev, long hPrevOff,
                                     Memory dh, long dhOff, Memory dhRec, long dhRecOff, Memory dax, long daxOff,
                                     Memory dah, long dahOff) {
        delegate.gruBackwardPointwise(n, h, gates, gOff, hn, hnOff, hPrev, hPrevOff, dh, dhOff, dhRec, dhRecOff, dax, daxOff, dah, dahOff);
    }

    @Override public <R> R exclusive(Supplier<R> body) { return delegate.exclusive(body); }
    @Override public void shutdown() { delegate.shutdown(); }
}
