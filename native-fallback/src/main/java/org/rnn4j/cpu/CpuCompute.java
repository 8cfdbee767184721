package org.rnn4j.cpu;

import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;

/**
 * The pure-Java backend's primitives. Stateless apart from its worker threads, so any number of threads may call
 * it at once (one caller at a time gets the workers; the others run their operation on their own thread, with
 * the same results). Nothing here may import jcuda: this is what runs where there is no GPU.
 */
public final class CpuCompute implements Compute {
    private final Parallel pool;
    private final boolean ownsPool;
    private final ArrayPool arrays = new ArrayPool();
    /** -Drnn4j.pointwise=scalar keeps the scalar steps even with the Vector API (for measurements). */
    private final Pointwise pointwise = "scalar".equals(System.getProperty("rnn4j.pointwise")) ? Pointwise.SCALAR
            : VectorSupport.load("VectorPointwise", Pointwise.class, Pointwise.SCALAR);

    /** Uses one thread per available processor (the caller and availableProcessors()-1 workers). */
    public CpuCompute() { this(Runtime.getRuntime().availableProcessors()); }

    /** Uses {@code threads} threads in all: the calling thread and a pool of threads-1 workers. */
    public CpuCompute(int threads) {
        this.pool = Parallel.pool(threads);
        this.ownsPool = true;
    }

    @Override
    public String name() { return "cpu"; }

    public int threads() { return Parallel.threads(pool); }

    @Override
    public Memory alloc(long floats) { return new CpuMemory(this, arrays.take(checkedSize(floats)), arrays); }

    @Override
    public Memory upload(float[] host) { return new CpuMemory(this, host.clone(), arrays); }

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
    public PackedOperand packB(boolean transB, int k, int n, Memory b, long offB, int ldb) {
        return new Packed(this, PackedB.pack(pool, transB, k, n, arr(b), (int) offB, ldb));
    }

    @Override
    public void gemm(boolean transA, int m, int n, int k, float alpha, Memory a, long offA, int lda,
                     PackedOperand b, float beta, Memory c, long offC, int ldc) {
        PackedOperand.check(this, b, k, n);
        PackedB pb = ((Packed) b).packed; // read once: a concurrent close() cannot pull it away mid-product
        if (pb == null) throw new IllegalStateException("gemm: packed B was used after close()");
        Sgemm.gemm(pool, transA, m, n, k, alpha, arr(a), (int) offA, lda, pb, beta, arr(c), (int) offC, ldc);
    }

    /** The CPU's packed operand: a {@link PackedB} copy, dropped on close so the GC can take it at once. */
    private static final class Packed implements PackedOperand {
        private final CpuCompute owner;
        private final int k, n;
        private volatile PackedB packed;

        Packed(CpuCompute owner, PackedB packed) {
            this.owner = owner;
            this.packed = packed;
            this.k = packed.k();
            this.n = packed.n();
        }

        @Override public Compute owner() { return owner; }
        @Override public int k() { return k; }
        @Override public int n() { return n; }
        @Override public boolean isClosed() { return packed == null; }
        @Override public void close() { packed = null; }
    }

    /** Below this many floats a transpose or column sum runs on one thread (memory-bound: ~1 ms per 4M floats). */
    static final long MIN_PARALLEL_COPY = 1 << 20;

    @Override
    public void swapAxes01(Memory src, long srcOff, Memory dst, long dstOff, int d0, int d1, int d2) {
        float[] s = arr(src), d = arr(dst);
        int so = (int) srcOff, dof = (int) dstOff;
        long size = (long) d0 * d1 * d2;
        int parts = size < MIN_PARALLEL_COPY ? 1 : Math.min(Parallel.free(pool), d0);
        // a pure copy: each part moves the rows a in [a0, a1) of src, so any cut gives the same result
        Parallel.run(pool, parts, t -> {
            int a0 = (int) ((long) d0 * t / parts), a1 = (int) ((long) d0 * (t + 1) / parts);
            CpuKernels.swapAxes01(s, so, d, dof, d0, d1, d2, a0, a1);
        });
    }

    @Override
    public void columnSum(Memory a, long offA, int rows, int cols, Memory out, long offOut) {
        float[] x = arr(a), o = arr(out);
        int xo = (int) offA, oo = (int) offOut;
        long size = (long) rows * cols;
        int parts = size < MIN_PARALLEL_COPY ? 1 : Math.min(Parallel.free(pool), Math.max(1, cols / 64));
        // parts own column ranges; every column is still summed in CpuKernels.columnSum's fixed tree order
        Parallel.run(pool, parts, t -> {
            int j0 = (int) ((long) cols * t / parts), j1 = (int) ((long) cols * (t + 1) / parts);
            CpuKernels.columnSum(x, xo, rows, cols, o, oo, j0, j1);
        });
    }

    @Override
    public void rnnForwardPointwise(int n, int h, Memory pre, long preOff, Memory b, Memory hOut, long hOutOff) {
        float[] p = arr(pre), bb = arr(b), out = arr(hOut);
        int po = (int) preOff, ho = (int) hOutOff;
        rows(n, h, 1, (r0, r1) -> pointwise.rnnForward(r1 - r0, h, p, po + r0 * h, bb, out, ho + r0 * h));
    }

    @Override
    public void rnnBackwardPointwise(int n, int h, Memory hT, long hOff, Memory dh, long dhOff,
                                     Memory dhRec, long dhRecOff, Memory da, long daOff) {
        float[] y = arr(hT), g = arr(dh), rec = arr(dhRec), out = arr(da);
        int yo = (int) hOff, go = (int) dhOff, ro = (int) dhRecOff, oo = (int) daOff;
        rows(n, h, 0, (r0, r1) -> pointwise.rnnBackward(r1 - r0, h, y, yo + r0 * h, g, go + r0 * h, rec, ro + r0 * h,
                out, oo + r0 * h));
    }

    @Override
    public void lstmForwardPointwise(int n, int h, Memory gates, long gOff, Memory b, Memory cPrev, long cPrevOff,
                                     Memory c, long cOff, Memory hOut, long hOff) {
        float[] gt = arr(gates), bb = arr(b), cp = arr(cPrev), cc = arr(c), out = arr(hOut);
        int go = (int) gOff, cpo = (int) cPrevOff, co = (int) cOff, ho = (int) hOff;
        rows(n, h, 5, (r0, r1) -> pointwise.lstmForward(r1 - r0, h, gt, go + r0 * 4 * h, bb, cp, cpo + r0 * h,
                cc, co + r0 * h, out, ho + r0 * h));
    }

    @Override
    public void lstmBackwardPointwise(int n, int h, Memory gates, long gOff, Memory cPrev, long cPrevOff,
                                      Memory c, long cOff, Memory dh, long dhOff, Memory dhRec, long dhRecOff,
                                      Memory dc, long dcOff, Memory da, long daOff) {
        float[] gt = arr(gates), cp = arr(cPrev), cc = arr(c), g = arr(dh), rec = arr(dhRec), dcc = arr(dc),
                out = arr(da);
        int go = (int) gOff, cpo = (int) cPrevOff, co = (int) cOff, gho = (int) dhOff, ro = (int) dhRecOff,
                dco = (int) dcOff, ao = (int) daOff;
        rows(n, h, 2, (r0, r1) -> pointwise.lstmBackward(r1 - r0, h, gt, go + r0 * 4 * h, cp, cpo + r0 * h, cc, co
                + r0 * h,
                g, gho + r0 * h, rec, ro + r0 * h, dcc, dco + r0 * h, out, ao + r0 * 4 * h));
    }

    @Override
    public void gruForwardPointwise(int n, int h, Memory gates, long gOff, Memory gh, long ghOff, Memory bx, Memory bh,
                                    Memory hPrev, long hPrevOff, Memory hn, long hnOff, Memory hOut, long hOff) {
        float[] gt = arr(gates), q = arr(gh), bxx = arr(bx), bhh = arr(bh), hp = arr(hPrev), hid = arr(hn),
                out = arr(hOut);
        int go = (int) gOff, qo = (int) ghOff, hpo = (int) hPrevOff, hno = (int) hnOff, ho = (int) hOff;
        rows(n, h, 3, (r0, r1) -> pointwise.gruForward(r1 - r0, h, gt, go + r0 * 3 * h, q, qo + r0 * 3 * h,
                bxx, bhh, hp, hpo + r0 * h, hid, hno + r0 * h, out, ho + r0 * h));
    }

    @Override
    public void gruBackwardPointwise(int n, int h, Memory gates, long gOff, Memory hn, long hnOff, Memory hPrev,
                                     long hPrevOff, Memory dh, long dhOff, Memory dhRec, long dhRecOff,
                                     Memory dax, long daxOff, Memory dah, long dahOff) {
        float[] gt = arr(gates), hid = arr(hn), hp = arr(hPrev), g = arr(dh), rec = arr(dhRec), ox = arr(dax),
                oh = arr(dah);
        int go = (int) gOff, hno = (int) hnOff, hpo = (int) hPrevOff, gho = (int) dhOff, ro = (int) dhRecOff,
                xo = (int) daxOff, ao = (int) dahOff;
        rows(n, h, 1, (r0, r1) -> CpuKernels.gruBackwardPointwise(r1 - r0, h, gt, go + r0 * 3 * h, hid, hno + r0 * h,
                hp, hpo + r0 * h, g, gho + r0 * h, rec, ro + r0 * h, ox, xo + r0 * 3 * h, oh, ao + r0 * 3 * h));
    }

    /**
     * Which kernels run and on how many threads, in one line for logs and {@code Backend.reason()}; when they are
     * the plain-Java ones because the Vector API module is missing, the flag that enables it.
     */
    public String kernels() {
        String k = "CPU kernels: sgemm " + Sgemm.kernel() + ", pointwise " + pointwise.name() + ", " + threads()
                + " threads";
        String why = scalarKernels() ? VectorSupport.whyOff() : null;
        return why == null ? k : k + " (plain Java: " + why + ")";
    }

    /** True when the plain-Java kernels run instead of the Vector API ones. */
    public boolean scalarKernels() { return "scalar".equals(Sgemm.kernel()) || pointwise == Pointwise.SCALAR; }

    /** Which pointwise implementation runs: "scalar" or "vector512" (Vector API, with jdk.incubator.vector). */
    public String pointwiseName() { return pointwise.name(); }

    /**
     * One block per thread, cut at multiples of the GEMM kernel's MR rows (so each block's products run in
     * whole register tiles); one block when there are fewer than 2·MR rows or no free threads.
     */
    @Override
    public void rowBlocks(int n, RowBlock body) {
        int mr = SgemmKernel.MR, units = (n + mr - 1) / mr, parts = Math.min(Parallel.free(pool), n / mr);
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        Parallel.run(pool, parts, t -> body.run(Sgemm.cut(n, units, parts, t, mr), Sgemm.cut(n, units, parts, t + 1,
                mr)));
    }

    @Override
    public boolean inputProductsPerStep() { return true; }

    @Override
    public void weightGradients(int rows, int n, Memory g, long gOff, Memory a, long aOff, int ma, Memory dA,
                                long dAOff, Memory b, long bOff, int mb, Memory dB, long dBOff, Memory sum,
                                long sumOff) {
        WeightGradients.run(pool, rows, n, arr(g), (int) gOff, arr(a), (int) aOff, ma, arr(dA), (int) dAOff, arr(b),
                (int) bOff, mb, arr(dB), (int) dBOff, arr(sum), (int) sumOff);
    }

    /** A body over rows [r0, r1). */
    private interface RowRange { void run(int r0, int r1); }

    /**
     * Elements×weight per task below which forking costs more than it saves (weight ~ transcendentals per
     * element). Measured: at 32×512 LSTM elements (~100 µs) waking a worker already costs more than it saves.
     */
    static final long MIN_POINTWISE_WORK = 1 << 14;

    /**
     * Runs body over n rows of width h, cut into contiguous row ranges, one per worker, when the work warrants
     * it. Every element depends on its own row only, so the cut never changes a result.
     */
    private void rows(int n, int h, int weight, RowRange body) {
        long work = (long) n * h * Math.max(1, weight);
        int parts = (int) Math.max(1, Math.min(Math.min(n, Parallel.free(pool)), work / MIN_POINTWISE_WORK));
        Parallel.run(pool, parts, t -> body.run((int) ((long) n * t / parts), (int) ((long) n * (t + 1) / parts)));
    }

    @Override
    public void oneHot(int rows, int v, Memory idx, long idxOff, Memory out, long outOff) {
        CpuKernels.oneHot(rows, v, arr(idx), (int) idxOff, arr(out), (int) outOff);
    }

    @Override
    public void gatherRows(int rows, int d, Memory idx, long idxOff, Memory table, long tableOff, Memory out,
            long outOff) {
        CpuKernels.gatherRows(rows, d, arr(idx), (int) idxOff, arr(table), (int) tableOff, arr(out), (int) outOff);
    }

    @Override
    public void softmaxCrossEntropy(int rows, int v, float scale, Memory scores, long sOff, Memory y, long yOff,
                                    Memory mask, long maskOff, Memory lossRows, long lossOff, Memory dScores,
                                    long dOff) {
        float[] s = arr(scores), yy = arr(y), w = arr(mask), loss = arr(lossRows), d = arr(dScores);
        rows(rows, v, 2, (r0, r1) -> CpuKernels.softmaxCrossEntropy(r1 - r0, v, scale, s, (int) sOff + r0 * v, yy,
                (int) yOff + r0, w, (int) maskOff + r0, loss, (int) lossOff + r0, d, (int) dOff + r0 * v));
    }

    @Override
    public void sum(Memory x, long off, long len, boolean squared, Memory out, long outOff) {
        float[] p1 = new float[SUM_LANES_1], p2 = new float[SUM_LANES_2];
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
        float[] p = arr(param), g = arr(grad), mm = arr(m), vv = arr(v);
        rows(checkedSize(len), 1, 2, (i0, i1) -> pointwise.adamUpdate(i1 - i0, lr, beta1, beta2, eps, bias1, bias2,
                p, (int) pOff + i0, g, (int) gOff + i0, mm, (int) mOff + i0, vv, (int) vOff + i0));
    }

    @Override
    public void shutdown() {
        arrays.clear();
        if (ownsPool && pool != null) pool.close();
    }

    private float[] arr(Memory m) {
        if (!(m instanceof CpuMemory cm) || m.owner() != this)
            throw new IllegalArgumentException("buffer belongs to another backend: " + m.owner().name());
        m.ensureOpen("buffer");
        return cm.data;
    }

    private static int checkedSize(long floats) {
        if (floats < 0 || floats > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("the CPU backend holds at most 2^31-9 floats per buffer, asked for "
                    + floats);
        return (int) floats;
    }
}
