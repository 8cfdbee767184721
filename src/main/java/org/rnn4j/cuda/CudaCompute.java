package org.rnn4j.cuda;

import java.lang.ref.Cleaner;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.rnn4j.cuda.CudaUnavailableException;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;

/**
 * The CUDA backend's primitives over a {@link DeviceApi}: every matrix product is one cuBLAS SGEMM, every
 * pointwise step one launch of our own kernel ({@link Kernel}); buffers stay on the device.
 *
 * <p>Threads: a CUDA context is current per thread and a cuBLAS handle must not be used by two threads at
 * once, so every entry (a whole operation through {@link #exclusive}, and also a lone {@code close()} or the
 * Cleaner freeing a forgotten buffer) takes one lock and makes the context current on the calling thread, once:
 * the primitives inside an operation find the lock held and the context current, and go straight to the device.
 *
 * <p>Ordering: the device queues everything on one stream; only {@link #download} waits for it.
 *
 * <p>Memory: buffers come from a {@link BlockCache} (closing one returns its block for reuse, no device-wide
 * sync); {@link #shutdown()} frees every block, live or cached; a buffer that is garbage-collected without
 * {@code close()} is freed by a {@link Cleaner} with a one-line warning.
 */
public final class CudaCompute implements Compute {
    /** Set to true to fill every new allocation with NaN (tests: proves each output element was written). */
    public static final String POISON_PROPERTY = "rnn4j.cuda.poison";
    /** Threads per block of every pointwise launch; kernels use grid-stride loops so any grid is correct. */
    static final int BLOCK = 256;
    /** Enough blocks to fill any current GPU several times over; beyond that the grid-stride loop takes over. */
    static final int MAX_GRID = 4096;

    private static final Logger LOG = Logger.getLogger("org.rnn4j");
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int NAN_BITS = Float.floatToRawIntBits(Float.NaN);

    /** The device behind {@link #graphs}, which records time loops and passes everything else through. */
    private final DeviceApi device;
    private final TimeLoopGraphs graphs;
    private final DeviceApi api;
    private final boolean poison;
    private final ReentrantLock lock = new ReentrantLock();
    /** Every block this backend holds, live or cached, so shutdown() can free what callers forgot. */
    private final BlockCache blocks;
    private boolean closed;
    /** The backend whose context this thread made current inside its lock (nested operations skip makeCurrent). */
    private static final ThreadLocal<CudaCompute> ENTERED = new ThreadLocal<>();

    /** A backend over {@code api}, which it owns from now on (closed by {@link #shutdown()}). */
    public CudaCompute(DeviceApi api) {
        this(api, TimeLoopGraphs.enabledByDefault());
    }

    /** As {@link #CudaCompute(DeviceApi)}, with CUDA graphs for the time loops on or off. */
    CudaCompute(DeviceApi api, boolean useGraphs) {
        this.device = api;
        this.graphs = new TimeLoopGraphs(api, useGraphs);
        this.api = graphs;
        this.blocks = new BlockCache(this.api);
        this.poison = Boolean.getBoolean(POISON_PROPERTY);
    }

    /**
     * The CUDA backend on device 0 through JCuda; throws {@link CudaUnavailableException} naming the cause
     * (no driver, no device, no CUDA 12 cuBLAS, PTX refused) and its fix. Never crashes the JVM where CUDA is absent.
     */
    public static CudaCompute open() {
        try {
            return new CudaCompute(JCudaDeviceApi.open());
        } catch (LinkageError e) {
            // JCuda's classes or natives missing or broken: report, never let it escape as an Error.
            throw new CudaUnavailableException(CudaProbe.describeLinkageError(e), e);
        }
    }

    @Override
    public String name() { return api.backendName(); }

    /** The device this backend drives (package-private: for timing on its stream). */
    DeviceApi device() { return device; }

    /** {graphs captured, graph replays} so far (for tests and diagnostics). */
    int[] graphStats() {
        lock.lock();
        try {
            return graphs.stats();
        } finally {
            lock.unlock();
        }
    }

    /** Device name, ordinal, driver version. */
    public String describe() { return api.describe(); }

    @Override
    public <R> R exclusive(Supplier<R> body) {
        if (inside()) return body.get();
        lock.lock();
        CudaCompute outer = ENTERED.get();
        try {
            enter();
            return body.get();
        } finally {
            ENTERED.set(outer);
            // An operation of another backend nested in one of this thread's: give it its context back.
            if (outer != null && outer != this) outer.api.makeCurrent();
            lock.unlock();
        }
    }

    /** True inside an operation of this backend on this thread: the lock is held and its context is current. */
    private boolean inside() {
        return lock.isHeldByCurrentThread() && ENTERED.get() == this;
    }

    /** Inside the lock: refuse work after shutdown and make the context current on this thread. */
    private void enter() {
        if (closed) throw new IllegalStateException("the CUDA backend was closed");
        api.makeCurrent();
        ENTERED.set(this);
    }

    private void locked(Runnable r) {
        if (inside()) {
            r.run();
            return;
        }
        exclusive(() -> {
            r.run();
            return null;
        });
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Memory alloc(long floats) {
        if (floats < 0) throw new IllegalArgumentException("alloc: floats must be >= 0 but was " + floats);
        return exclusive(() -> {
            long address = 0;
            if (floats > 0) {
                address = blocks.allocate(floats * Float.BYTES);
                if (poison) {
                    try {
                        api.memsetD32(address, NAN_BITS, floats);
                    } catch (RuntimeException e) {
                        free(address, false);
                        throw e;
                    }
                }
            }
            return new CudaMemory(this, floats, address);
        });
    }

    @Override
    public Memory upload(float[] host) {
        Memory m = alloc(host.length);
        try {
            if (host.length > 0) locked(() -> api.copyToDevice(host, 0, ptr(m, 0, host.length), host.length));
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override
    public void download(Memory src, long srcOff, float[] dst, int dstOff, int len) {
        if (dstOff < 0 || len < 0 || dstOff + len > dst.length)
            throw new IllegalArgumentException("download: " + len + " floats at " + dstOff
                    + " do not fit a host array of " + dst.length);
        locked(() -> {
            long p = ptr(src, srcOff, len);
            api.synchronize(); // surfaces an asynchronous kernel error here, named, rather than as a copy failure
            if (len > 0) api.copyToHost(p, dst, dstOff, len);
        });
    }

    @Override
    public void fill(Memory m, long off, long len, float value) {
        locked(() -> {
            long p = ptr(m, off, len);
            if (len > 0) api.memsetD32(p, Float.floatToRawIntBits(value), len);
        });
    }

    @Override
    public void copy(Memory src, long srcOff, Memory dst, long dstOff, long len) {
        locked(() -> {
            long s = ptr(src, srcOff, len), d = ptr(dst, dstOff, len);
            if (len > 0) api.copyDeviceToDevice(s, d, len * Float.BYTES);
        });
    }

    /** Returns one allocation to the cache (close() or the Cleaner); a no-op after shutdown, which freed everything. */
    private void free(long address, boolean forgotten) {
        lock.lock();
        try {
            if (closed || address == 0) return;
            if (!blocks.isLive(address)) return;
            if (forgotten)
                LOG.warning("rnn4j: a CUDA buffer was garbage-collected without close(); freed it now. "
                        + "Close tensors, outputs, gradients and caches (try-with-resources).");
            // Only a poisoning device touches the device here; the context must be current for it.
            if (api.poisonFreedBlocks() && !inside()) api.makeCurrent();
            blocks.release(address);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {free, total} bytes of device memory for this backend: the driver's free bytes plus the blocks this backend
     * keeps cached for reuse (cuMemGetInfo; for leak checks and diagnostics).
     */
    public long[] memoryInfo() {
        return exclusive(() -> {
            long[] info = api.memoryInfo();
            return new long[]{info[0] + blocks.cachedBytes(), info[1]};
        });
    }

    /** Live buffers of this backend (for tests and leak checks); cached blocks do not count. */
    public int liveBuffers() {
        lock.lock();
        try {
            return blocks.liveBlocks();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes in blocks kept for reuse, and the number of those blocks. */
    public long cachedBytes() {
        lock.lock();
        try {
            return blocks.cachedBytes();
        } finally {
            lock.unlock();
        }
    }

    /** Gives the blocks kept for reuse back to the driver (waits for queued work first). */
    public void releaseCache() {
        locked(blocks::releaseCache);
    }

    @Override
    public void shutdown() {
        lock.lock();
        try {
            if (closed) return;
            try {
                api.makeCurrent();
                blocks.freeAll();
            } finally {
                closed = true;
                api.close();
            }
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- matrix products

    /**
     * Row-major gemm through column-major cuBLAS: a row-major (r,c) matrix with row stride ld is, read
     * column-major, its transpose (c,r) with leading dimension ld. So C = op(A)·op(B) becomes
     * Cᵀ = op(B)ᵀ·op(A)ᵀ: B first, m and n swapped, the transpose flags and leading dimensions kept.
     */
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Memory a, long offA, int lda,
                     Memory b, long offB, int ldb, float beta, Memory c, long offC, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("gemm: m, n, k must be >= 0 but were " + m
                + ", " + n + ", " + k);
        locked(() -> {
            long pc = matrix("C", c, offC, m, n, ldc);
            long pa = matrix("A", a, offA, transA ? k : m, transA ? m : k, lda);
            long pb = matrix("B", b, offB, transB ? n : k, transB ? k : n, ldb);
            if (m == 0 || n == 0) return;
            api.sgemm(transB ? 'T' : 'N', transA ? 'T' : 'N', n, m, k, alpha, pb, ldb, pa, lda, beta, pc, ldc);
        });
    }

    /** cuBLAS reads B in place, so nothing is packed: the operand records B's place, checked now and at each use. */
    @Override
    public PackedOperand packB(boolean transB, int k, int n, Memory b, long offB, int ldb) {
        if (k < 0 || n < 0) throw new IllegalArgumentException("packB: k, n must be >= 0 but were " + k + ", " + n);
        matrix("B", b, offB, transB ? n : k, transB ? k : n, ldb);
        PackedB packed = new PackedB(this, transB, k, n, b, offB, ldb);
        locked(graphs::beginLoop); // the cells' time loops run between packB and the operand's close
        return packed;
    }

    /** The end of a time loop: its graph runs (or its calls are issued); nothing to do after shutdown. */
    private void endLoop() {
        lock.lock();
        try {
            if (closed) return;
            locked(graphs::endLoop);
        } finally {
            lock.unlock();
        }
    }

    /**
     * cuBLAS reads B in place, so the operand only records where B is. Its lifetime brackets a cell's time loop,
     * which {@link TimeLoopGraphs} turns into a CUDA graph when the operand is closed.
     */
    private static final class PackedB extends PackedOperand.InPlace {
        private final CudaCompute owner;

        PackedB(CudaCompute owner, boolean transB, int k, int n, Memory b, long offB, int ldb) {
            super(owner, transB, k, n, b, offB, ldb);
            this.owner = owner;
        }

        @Override
        protected void onClose() { owner.endLoop(); }
    }

    @Override
    public void gemm(boolean transA, int m, int n, int k, float alpha, Memory a, long offA, int lda,
                     PackedOperand b, float beta, Memory c, long offC, int ldc) {
        PackedOperand.check(this, b, k, n);
        PackedB p = (PackedB) b;
        gemm(transA, p.transB, m, n, k, alpha, a, offA, lda, p.b, p.offB, p.ldb, beta, c, offC, ldc);
    }

    /** The address of a row-major (rows, cols) matrix with row stride ld, after checking it lies in the buffer. */
    private long matrix(String what, Memory m, long off, int rows, int cols, int ld) {
        if (rows == 0 || cols == 0) return ptr(m, off, 0);
        if (ld < cols) throw new IllegalArgumentException("gemm: " + what + " has " + cols + " columns but row stride "
                + ld);
        return ptr(m, off, (long) (rows - 1) * ld + cols);
    }

    // ---------------------------------------------------------------- kernels

    @Override
    public void swapAxes01(Memory src, long srcOff, Memory dst, long dstOff, int d0, int d1, int d2) {
        long len = (long) d0 * d1 * d2;
        locked(() -> launch(Kernel.SWAP_AXES01, len, d0, d1, d2, ptr(src, srcOff, len), ptr(dst, dstOff, len)));
    }

    /**
     * Compute.columnSum's fixed tree: chunks of COLUMN_SUM_CHUNK rows into partial sums (one launch per level,
     * through a scratch buffer), until one chunk is left, which the last launch adds into out. Same bits as the CPU
     * twin.
     */
    @Override
    public void columnSum(Memory a, long offA, int rows, int cols, Memory out, long offOut) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("columnSum: rows, cols must be >= 0 but were "
                + rows + ", " + cols);
        locked(() -> {
            long src = ptr(a, offA, (long) rows * cols), dst = ptr(out, offOut, cols);
            if (cols == 0) return;
            if (rows == 0) {
                api.memsetD32(dst, 0, cols);
                return;
            }
            int first = Compute.columnSumPartials(rows);
            long scratchFloats = rows > COLUMN_SUM_CHUNK
                    ? (long) (first + Compute.columnSumPartials(first)) * cols : 0;
            try (Memory scratch = scratchFloats > 0 ? alloc(scratchFloats) : null) {
                // Levels alternate between two halves of the scratch: [0, first*cols) and [first*cols, ...).
                long[] half = scratch == null ? null
                        : new long[]{ptr(scratch, 0, 0), ptr(scratch, (long) first * cols, 0)};
                int n = rows, level = 0;
                while (n > COLUMN_SUM_CHUNK) {
                    long into = half[level++ & 1];
                    launch(Kernel.COLUMN_SUM, (long) Compute.columnSumPartials(n) * cols, n, cols, COLUMN_SUM_CHUNK,
                            src, into);
                    src = into;
                    n = Compute.columnSumPartials(n);
                }
                launch(Kernel.COLUMN_SUM, cols, n, cols, n, src, dst);
            }
        });
    }

    @Override
    public void rnnForwardPointwise(int n, int h, Memory pre, long preOff, Memory b, Memory hOut, long hOutOff) {
        long nh = (long) n * h;
        locked(() -> launch(Kernel.RNN_FORWARD_POINTWISE, nh, n, h, ptr(pre, preOff, nh), ptr(b, 0, h),
                ptr(hOut, hOutOff, nh)));
    }

    @Override
    public void rnnBackwardPointwise(int n, int h, Memory hT, long hOff, Memory dh, long dhOff,
                                     Memory dhRec, long dhRecOff, Memory da, long daOff) {
        long nh = (long) n * h;
        locked(() -> launch(Kernel.RNN_BACKWARD_POINTWISE, nh, n, h, ptr(hT, hOff, nh), ptr(dh, dhOff, nh),
                ptr(dhRec, dhRecOff, nh), ptr(da, daOff, nh)));
    }

    @Override
    public void lstmForwardPointwise(int n, int h, Memory gates, long gOff, Memory b, Memory cPrev, long cPrevOff,
                                     Memory c, long cOff, Memory hOut, long hOff) {
        long nh = (long) n * h;
        locked(() -> launch(Kernel.LSTM_FORWARD_POINTWISE, nh, n, h, ptr(gates, gOff, 4 * nh), ptr(b, 0, 4L * h),
                ptr(cPrev, cPrevOff, nh), ptr(c, cOff, nh), ptr(hOut, hOff, nh)));
    }

    @Override
    public void lstmBackwardPointwise(int n, int h, Memory gates, long gOff, Memory cPrev, long cPrevOff,
                                      Memory c, long cOff, Memory dh, long dhOff, Memory dhRec, long dhRecOff,
                                      Memory dc, long dcOff, Memory da, long daOff) {
        long nh = (long) n * h;
        locked(() -> launch(Kernel.LSTM_BACKWARD_POINTWISE, nh, n, h, ptr(gates, gOff, 4 * nh),
                ptr(cPrev, cPrevOff, nh),
                ptr(c, cOff, nh), ptr(dh, dhOff, nh), ptr(dhRec, dhRecOff, nh), ptr(dc, dcOff, nh),
                ptr(da, daOff, 4 * nh)));
    }

    @Override
    public void gruForwardPointwise(int n, int h, Memory gates, long gOff, Memory gh, long ghOff, Memory bx, Memory bh,
                                    Memory hPrev, long hPrevOff, Memory hn, long hnOff, Memory hOut, long hOff) {
        long nh = (long) n * h;
        locked(() -> launch(Kernel.GRU_FORWARD_POINTWISE, nh, n, h, ptr(gates, gOff, 3 * nh), ptr(gh, ghOff, 3 * nh),
                ptr(bx, 0, 3L * h), ptr(bh, 0, 3L * h), ptr(hPrev, hPrevOff, nh), ptr(hn, hnOff, nh),
                ptr(hOut, hOff, nh)));
    }

    @Override
    public void gruBackwardPointwise(int n, int h, Memory gates, long gOff, Memory hn, long hnOff, Memory hPrev,
                                     long hPrevOff, Memory dh, long dhOff, Memory dhRec, long dhRecOff,
                                     Memory dax, long daxOff, Memory dah, long dahOff) {
        long nh = (long) n * h;
        locked(() -> launch(Kernel.GRU_BACKWARD_POINTWISE, nh, n, h, ptr(gates, gOff, 3 * nh), ptr(hn, hnOff, nh),
                ptr(hPrev, hPrevOff, nh), ptr(dh, dhOff, nh), ptr(dhRec, dhRecOff, nh), ptr(dax, daxOff, 3 * nh),
                ptr(dah, dahOff, 3 * nh)));
    }

    // ---------------------------------------------------------------- language-model layers and training

    @Override
    public void oneHot(int rows, int v, Memory idx, long idxOff, Memory out, long outOff) {
        long n = (long) rows * v;
        locked(() -> launch(Kernel.ONE_HOT, n, rows, v, ptr(idx, idxOff, rows), ptr(out, outOff, n)));
    }

    @Override
    public void gatherRows(int rows, int d, Memory idx, long idxOff, Memory table, long tableOff, Memory out,
            long outOff) {
        long n = (long) rows * d;
        locked(() -> launch(Kernel.GATHER_ROWS, n, rows, d, ptr(idx, idxOff, rows),
                ptr(table, tableOff, table.floats() - tableOff), ptr(out, outOff, n)));
    }

    @Override
    public void softmaxCrossEntropy(int rows, int v, float scale, Memory scores, long sOff, Memory y, long yOff,
                                    Memory mask, long maskOff, Memory lossRows, long lossOff, Memory dScores,
                                    long dOff) {
        long n = (long) rows * v;
        locked(() -> launch(Kernel.SOFTMAX_CROSS_ENTROPY, rows, rows, v, scale, ptr(scores, sOff, n),
                ptr(y, yOff, rows),
                ptr(mask, maskOff, rows), ptr(lossRows, lossOff, rows), ptr(dScores, dOff, n)));
    }

    /** Three sum_lanes passes (4096 lanes, 64, 1) through a scratch buffer: the same order as the CPU twin. */
    @Override
    public void sum(Memory x, long off, long len, boolean squared, Memory out, long outOff) {
        if (len > Integer.MAX_VALUE) throw new IllegalArgumentException("sum: " + len + " floats exceed int indexing");
        int lanes1 = SUM_LANES_1, lanes2 = SUM_LANES_2;
        locked(() -> {
            try (Memory scratch = alloc(lanes1 + lanes2)) {
                long s1 = ptr(scratch, 0, lanes1), s2 = ptr(scratch, lanes1, lanes2);
                launch(Kernel.SUM_LANES, lanes1, (int) len, lanes1, squared ? 1 : 0, ptr(x, off, len), s1);
                launch(Kernel.SUM_LANES, lanes2, lanes1, lanes2, 0, s1, s2);
                launch(Kernel.SUM_LANES, 1, lanes2, 1, 0, s2, ptr(out, outOff, 1));
            }
        });
    }

    @Override
    public void scale(Memory x, long off, long len, float alpha) {
        locked(() -> launch(Kernel.SCALE_INPLACE, len, (int) len, alpha, ptr(x, off, len)));
    }

    @Override
    public void adamUpdate(long len, float lr, float beta1, float beta2, float eps, float bias1, float bias2,
                           Memory param, long pOff, Memory grad, long gOff, Memory m, long mOff, Memory v, long vOff) {
        locked(() -> launch(Kernel.ADAM_UPDATE, len, (int) len, lr, beta1, beta2, eps, bias1, bias2,
                ptr(param, pOff, len), ptr(grad, gOff, len), ptr(m, mOff, len), ptr(v, vOff, len)));
    }

    /** One 1-D launch sized for {@code work} threads; ints are boxed as Integer, addresses as Long. */
    private void launch(Kernel kernel, long work, Object... args) {
        if (work > Integer.MAX_VALUE)
            throw new IllegalArgumentException(kernel.entry + ": " + work
                    + " elements exceed the kernels' int indexing");
        if (work == 0) return;
        int grid = (int) Math.min(MAX_GRID, (work + BLOCK - 1) / BLOCK);
        api.launch(kernel, grid, BLOCK, args);
    }

    /** Device address of float {@code off} of {@code m}, after checking [off, off+len) lies inside it. */
    private long ptr(Memory m, long off, long len) {
        if (!(m instanceof CudaMemory cm) || m.owner() != this)
            throw new IllegalArgumentException("buffer belongs to another backend: " + m.owner().name());
        m.ensureOpen("CUDA buffer");
        if (off < 0 || len < 0 || off + len > m.floats())
            throw new IndexOutOfBoundsException("floats [" + off + ", " + (off + len) + ") outside a buffer of "
                    + m.floats());
        return cm.address + off * Float.BYTES;
    }

    /** Device memory: the address and a Cleaner registration whose action does not reach this object. */
    private static final class CudaMemory extends Memory {
        final long address;
        private final Freer freer;
        private final Cleaner.Cleanable cleanable;

        CudaMemory(CudaCompute owner, long floats, long address) {
            super(owner, floats);
            this.address = address;
            this.freer = new Freer(owner, address);
            this.cleanable = CLEANER.register(this, freer);
        }

        @Override
        protected void release() {
            freer.explicit = true;
            cleanable.clean(); // runs Freer once, now, and unregisters it
        }
    }

    /** The Cleaner's action: holds the backend and the address, never the Memory (else it could never be collected). */
    private static final class Freer implements Runnable {
        private final CudaCompute owner;
        private final long address;
        volatile boolean explicit;

        Freer(CudaCompute owner, long address) {
            this.owner = owner;
            this.address = address;
        }

        @Override
        public void run() {
            if (explicit) {
                owner.free(address, false);
                return;
            }
            try {
                owner.free(address, true);
            } catch (RuntimeException e) { // on the Cleaner thread nobody would see it thrown
                LOG.log(Level.WARNING, "rnn4j: freeing a forgotten CUDA buffer failed", e);
            }
        }
    }
}
