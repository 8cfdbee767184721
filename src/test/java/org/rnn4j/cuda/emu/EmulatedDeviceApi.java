package org.rnn4j.cuda.emu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.rnn4j.cuda.CudaException;
import org.rnn4j.cuda.CudaOutOfMemoryException;
import org.rnn4j.cuda.DeviceApi;
import org.rnn4j.cuda.Kernel;

/**
 * A CUDA device in Java, strict where a real GPU is silent, so CI (no GPU) can check CudaCompute's own code:
 * <ul>
 *   <li>memory: fake 256-byte-aligned addresses that are never reused, each mapped to a float array filled with
 *       NaN on malloc (an output element never written shows up); every range an operation touches must lie
 *       inside one live allocation (a wrong offset, stride or use after free fails loudly);</li>
 *   <li>{@link #sgemm}: cuBLAS's column-major contract computed in Java, with cuBLAS's argument validation
 *       (CUBLAS_STATUS_INVALID_VALUE) and a check that C overlaps neither A nor B;</li>
 *   <li>{@link #launch}: arguments checked against {@link Kernel#params} (count and types) and the extent of
 *       every pointer against its allocation, then run by a {@link KernelExecutor};</li>
 *   <li>context: like CUDA, "current" is per thread; every call must come from a thread on which this device was
 *       made current since another device took over, and two threads inside the device at once is an error;</li>
 *   <li>one stream, deferred: copies to the device, memsets, SGEMMs and launches are checked when queued but run
 *       only at {@link #synchronize()}, in order. A copy to the host or a free while work is queued is a violation
 *       (on a GPU it would read stale data or release memory a kernel still uses), so a missing synchronisation
 *       fails a test here instead of passing because everything ran at once;</li>
 *   <li>an optional byte limit to provoke out-of-memory; counts of live allocations and bytes.</li>
 * </ul>
 * Every contract violation throws a {@link CudaException} with status {@code EMULATOR_*} and is also recorded
 * in {@link #violations()}, so a test notices one even if some code swallowed the exception.
 */
public final class EmulatedDeviceApi implements DeviceApi {
    private static final long BASE = 0x7f00_0000_0000L, ALIGN = 256;
    private static final ThreadLocal<EmulatedDeviceApi> CURRENT = new ThreadLocal<>();

    private final KernelExecutor executor;
    private final TreeMap<Long, float[]> allocations = new TreeMap<>();
    private final AtomicReference<Thread> inside = new AtomicReference<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<Gemm> gemms = Collections.synchronizedList(new ArrayList<>());
    private final Map<Kernel, Integer> launches = Collections.synchronizedMap(new EnumMap<>(Kernel.class));
    private final java.util.concurrent.atomic.AtomicInteger hostReads = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger makeCurrentCalls =
            new java.util.concurrent.atomic.AtomicInteger();
    /** The stream: work checked and accepted, not yet run; with the allocations each item reads or writes. */
    private final java.util.ArrayDeque<Queued> queue = new java.util.ArrayDeque<>();
    /** While capturing: the work recorded for the graph instead of queued. */
    private List<Queued> capturing;
    private final Map<Long, List<Queued>> graphs = new java.util.HashMap<>();
    private long nextGraph = 1;
    private int captures, graphLaunches;
    private volatile long limitBytes = Long.MAX_VALUE;
    private long next = BASE, liveBytes, peakBytes;
    private volatile boolean closed;

    private record Queued(String call, List<float[]> touches, Runnable work) {}

    /** One SGEMM as cuBLAS received it (column-major parameters). */
    public record Gemm(char transa, char transb, int m, int n, int k, int lda, int ldb, int ldc, float beta) {}

    public EmulatedDeviceApi(KernelExecutor executor) { this.executor = executor; }

    /** Malloc fails with out-of-memory once live bytes would exceed {@code bytes}. */
    public void setLimitBytes(long bytes) { limitBytes = bytes; }

    public synchronized int liveAllocations() { return allocations.size(); }

    public synchronized long liveBytes() { return liveBytes; }

    /** Highest live bytes since the last {@link #resetPeak()}. */
    public synchronized long peakBytes() { return peakBytes; }

    public synchronized void resetPeak() { peakBytes = liveBytes; }

    public List<String> violations() { return List.copyOf(violations); }

    public List<Gemm> gemms() { return List.copyOf(gemms); }

    /** Calls of {@link #makeCurrent()} so far (CudaCompute makes it once per operation). */
    public int makeCurrentCalls() { return makeCurrentCalls.get(); }

    /** Graphs captured and graph launches so far. */
    public synchronized int[] graphCounts() { return new int[]{captures, graphLaunches}; }

    /** Operations queued on the stream and not yet run. */
    public synchronized int queued() { return queue.size(); }

    /** Copies to the host so far (each one waits for the device on a GPU). */
    public int hostReads() { return hostReads.get(); }

    /** Launches so far per kernel. */
    public Map<Kernel, Integer> launches() { return Map.copyOf(launches); }

    public boolean isClosed() { return closed; }

    @Override
    public String backendName() { return "cuda-emulated"; }

    @Override
    public boolean poisonFreedBlocks() { return true; }

    @Override
    public String describe() { return "emulated CUDA device (kernels by " + executor.getClass().getSimpleName() + ")"; }

    @Override
    public void makeCurrent() {
        if (closed) throw violation("makeCurrent", "the device was closed");
        makeCurrentCalls.incrementAndGet();
        CURRENT.set(this);
    }

    @Override
    public long malloc(long bytes) {
        enter("cuMemAlloc");
        try {
            if (bytes <= 0 || bytes % Float.BYTES != 0) throw violation("cuMemAlloc",
                    "bytes must be a positive multiple of 4: " + bytes);
            synchronized (this) {
                if (liveBytes + bytes > limitBytes)
                    throw new CudaOutOfMemoryException("cuMemAlloc", bytes, limitBytes - liveBytes, limitBytes);
                float[] a = new float[Math.toIntExact(bytes / Float.BYTES)];
                Arrays.fill(a, Float.NaN);
                long address = next;
                // a gap: running off the end never lands in a neighbour
                next += (bytes + ALIGN - 1) / ALIGN * ALIGN + ALIGN;
                allocations.put(address, a);
                liveBytes += bytes;
                peakBytes = Math.max(peakBytes, liveBytes);
                return address;
            }
        } finally {
            exit();
        }
    }

    @Override
    public void free(long address) {
        enter("cuMemFree");
        try {
            synchronized (this) {
                float[] a = allocations.get(address);
                if (a == null) throw violation("cuMemFree", "0x" + Long.toHexString(address)
                        + " is not the start of a live allocation");
                if (capturing != null) throw violation("cuMemFree", "freeing while the stream is capturing");
                for (Queued q : queue)
                    for (float[] t : q.touches)
                        if (t == a)
                            throw violation("cuMemFree", "0x" + Long.toHexString(address) + " is still used by queued "
                                    + q.call + ": synchronize before freeing");
                allocations.remove(address);
                liveBytes -= (long) a.length * Float.BYTES;
            }
        } finally {
            exit();
        }
    }

    @Override
    public void copyToDevice(float[] src, int srcOff, long dst, int floats) {
        enter("cuMemcpyHtoD");
        try {
            DevicePtr d = resolve("cuMemcpyHtoD", "dst", dst, floats);
            float[] staged = java.util.Arrays.copyOfRange(src, srcOff, srcOff + floats); // the caller may reuse src
            enqueue("cuMemcpyHtoDAsync", () -> System.arraycopy(staged, 0, d.array(), d.offset(), floats), d);
        } finally {
            exit();
        }
    }

    @Override
    public void copyToHost(long src, float[] dst, int dstOff, int floats) {
        enter("cuMemcpyDtoH");
        try {
            DevicePtr s = resolve("cuMemcpyDtoH", "src", src, floats);
            synchronized (this) {
                if (capturing != null) throw violation("cuMemcpyDtoH", "a host read while the stream is capturing");
                if (!queue.isEmpty())
                    throw violation("cuMemcpyDtoH", queue.size() + " operations (first " + queue.peek().call
                            + ") are still queued: synchronize before reading on the host");
            }
            hostReads.incrementAndGet();
            System.arraycopy(s.array(), s.offset(), dst, dstOff, floats);
        } finally {
            exit();
        }
    }

    @Override
    public void copyDeviceToDevice(long src, long dst, long bytes) {
        enter("cuMemcpyDtoD");
        try {
            if (bytes % Float.BYTES != 0) throw violation("cuMemcpyDtoD", "byte count " + bytes
                    + " is not whole floats");
            int n = Math.toIntExact(bytes / Float.BYTES);
            DevicePtr s = resolve("cuMemcpyDtoD", "src", src, n), d = resolve("cuMemcpyDtoD", "dst", dst, n);
            if (s.array() == d.array() && s.offset() < d.offset() + n && d.offset() < s.offset() + n)
                throw violation("cuMemcpyDtoD", "source and destination overlap");
            enqueue("cuMemcpyDtoDAsync", () -> System.arraycopy(s.array(), s.offset(), d.array(), d.offset(), n), s, d);
        } finally {
            exit();
        }
    }

    @Override
    public void memsetD32(long dst, int value, long words) {
        enter("cuMemsetD32");
        try {
            DevicePtr d = resolve("cuMemsetD32", "dst", dst, words);
            enqueue("cuMemsetD32Async", () -> Arrays.fill(d.array(), d.offset(), d.offset() + (int) words,
                    Float.intBitsToFloat(value)), d);
        } finally {
            exit();
        }
    }

    @Override
    public void sgemm(char transa, char transb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
                      float beta, long c, int ldc) {
        enter("cublasSgemm");
        try {
            gemms.add(new Gemm(transa, transb, m, n, k, lda, ldb, ldc, beta));
            ColumnMajorSgemm.validate(transa, transb, m, n, k, lda, ldb, ldc, detail ->
                    violation("cublasSgemm", detail));
            if (m == 0 || n == 0) return; // cuBLAS returns at once: no pointer is touched
            boolean nA = transa == 'N', nB = transb == 'N';
            DevicePtr pc = resolve("cublasSgemm", "C", c, ColumnMajorSgemm.extent(m, n, ldc));
            DevicePtr pa = null, pb = null;
            if (k > 0) {
                pa = resolve("cublasSgemm", "A", a, ColumnMajorSgemm.extent(nA ? m : k, nA ? k : m, lda));
                pb = resolve("cublasSgemm", "B", b, ColumnMajorSgemm.extent(nB ? k : n, nB ? n : k, ldb));
                if (overlaps(pc, ColumnMajorSgemm.extent(m, n, ldc), pa,
                        ColumnMajorSgemm.extent(nA ? m : k, nA ? k : m, lda))
                        || overlaps(pc, ColumnMajorSgemm.extent(m, n, ldc), pb,
                                ColumnMajorSgemm.extent(nB ? k : n, nB ? n : k, ldb)))
                    throw violation("cublasSgemm", "C overlaps A or B (cuBLAS does not allow it)");
            }
            DevicePtr fa = pa, fb = pb;
            enqueue("cublasSgemm", () -> ColumnMajorSgemm.compute(nA, nB, m, n, k, alpha, fa, lda, fb, ldb, beta, pc,
                    ldc),
                    k > 0 ? new DevicePtr[]{pc, pa, pb} : new DevicePtr[]{pc});
        } finally {
            exit();
        }
    }

    private static boolean overlaps(DevicePtr x, long xLen, DevicePtr y, long yLen) {
        return x.array() == y.array() && x.offset() < y.offset() + yLen && y.offset() < x.offset() + xLen;
    }

    @Override
    public void launch(Kernel kernel, int gridX, int blockX, Object... args) {
        String call = "cuLaunchKernel(" + kernel.entry + ")";
        enter(call);
        try {
            if (gridX < 1 || blockX < 1 || blockX > 1024)
                throw violation(call, "grid " + gridX + " x block " + blockX + " is not a valid 1-D launch");
            if (args.length != kernel.params.size())
                throw violation(call, "takes " + kernel.params.size() + " parameters " + kernel.params + " but got "
                        + args.length);
            for (int i = 0; i < args.length; i++) {
                Class<?> want = switch (kernel.params.get(i)) {
                    case INT -> Integer.class;
                    case FLOAT -> Float.class;
                    case PTR -> Long.class;
                };
                if (args[i] == null || args[i].getClass() != want)
                    throw violation(call, "parameter " + i + " must be " + want.getSimpleName() + " for "
                            + kernel.params.get(i) + " but was "
                                    + (args[i] == null ? "null" : args[i].getClass().getSimpleName()));
            }
            long[] extents = KernelExtents.of(kernel, args);
            Object[] resolved = args.clone();
            for (int i = 0, p = 0; i < args.length; i++)
                if (kernel.params.get(i) == Kernel.Param.PTR)
                    resolved[i] = resolve(call, "pointer parameter " + i, (Long) args[i], extents[p++]);
            launches.merge(kernel, 1, Integer::sum);
            List<float[]> touched = new ArrayList<>();
            for (Object r : resolved) if (r instanceof DevicePtr d) touched.add(d.array());
            add(new Queued(call, touched, () -> executor.launch(kernel, gridX, blockX, resolved)));
        } finally {
            exit();
        }
    }

    @Override
    public void synchronize() {
        enter("cuStreamSynchronize");
        try {
            synchronized (this) {
                if (capturing != null) throw violation("cuStreamSynchronize",
                        "synchronising a capturing stream invalidates the capture");
            }
            drain();
        } finally {
            exit();
        }
    }

    /** Runs the queued work in order; the first failure empties the queue and surfaces here, like an async error. */
    private void drain() {
        while (true) {
            Queued q;
            synchronized (this) {
                q = queue.poll();
            }
            if (q == null) return;
            try {
                q.work.run();
            } catch (RuntimeException e) {
                synchronized (this) {
                    queue.clear();
                }
                throw e;
            }
        }
    }

    private void enqueue(String call, Runnable work, DevicePtr... touches) {
        List<float[]> arrays = new ArrayList<>(touches.length);
        for (DevicePtr d : touches) arrays.add(d.array());
        add(new Queued(call, arrays, work));
    }

    /** Onto the stream, or into the graph being captured. */
    private synchronized void add(Queued q) {
        if (capturing != null) capturing.add(q);
        else queue.add(q);
    }

    @Override
    public void beginCapture() {
        enter("cuStreamBeginCapture");
        try {
            synchronized (this) {
                if (capturing != null) throw violation("cuStreamBeginCapture", "the stream is already capturing");
                capturing = new ArrayList<>();
            }
        } finally {
            exit();
        }
    }

    @Override
    public long endCapture() {
        enter("cuStreamEndCapture");
        try {
            synchronized (this) {
                if (capturing == null) throw violation("cuStreamEndCapture", "the stream is not capturing");
                graphs.put(nextGraph, List.copyOf(capturing));
                capturing = null;
                captures++;
                return nextGraph++;
            }
        } finally {
            exit();
        }
    }

    /** Queues the captured work again; every allocation it touches must still be live (a graph holds raw addresses). */
    @Override
    public void launchGraph(long graph) {
        enter("cuGraphLaunch");
        try {
            synchronized (this) {
                List<Queued> work = graphs.get(graph);
                if (work == null) throw violation("cuGraphLaunch", "graph " + graph + " does not exist");
                if (capturing != null) throw violation("cuGraphLaunch", "launching a graph while capturing");
                java.util.Set<float[]> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                live.addAll(allocations.values());
                for (Queued q : work)
                    for (float[] t : q.touches)
                        if (!live.contains(t)) throw violation("cuGraphLaunch", q.call
                                + " in the graph uses freed memory");
                queue.addAll(work);
                graphLaunches++;
            }
        } finally {
            exit();
        }
    }

    @Override
    public void destroyGraph(long graph) {
        enter("cuGraphExecDestroy");
        try {
            synchronized (this) {
                if (graphs.remove(graph) == null) throw violation("cuGraphExecDestroy", "graph " + graph
                        + " does not exist");
            }
        } finally {
            exit();
        }
    }

    @Override
    public synchronized long[] memoryInfo() {
        long total = limitBytes == Long.MAX_VALUE ? 1L << 40 : limitBytes;
        return new long[]{total - liveBytes, total};
    }

    @Override
    public void close() {
        if (!closed && CURRENT.get() == this && inside.get() == null) {
            enter("cuStreamDestroy"); // like cuStreamSynchronize then destroy: queued work still runs
            try {
                drain();
            } finally {
                exit();
            }
        }
        closed = true;
        if (CURRENT.get() == this) CURRENT.remove();
    }

    // ---------------------------------------------------------------- contract checks

    private void enter(String call) {
        if (closed) throw violation(call, "the device was closed");
        if (CURRENT.get() != this)
            throw violation(call, "called on thread " + Thread.currentThread().getName()
                    + " without making this device's context current first");
        if (!inside.compareAndSet(null, Thread.currentThread()))
            throw violation(call, "thread " + Thread.currentThread().getName() + " entered the device while "
                    + inside.get().getName() + " was inside: calls are not serialised");
    }

    private void exit() { inside.set(null); }

    /** The allocation holding [address, address + floats*4), as (array, float offset), or a violation. */
    private synchronized DevicePtr resolve(String call, String what, long address, long floats) {
        Map.Entry<Long, float[]> e = allocations.floorEntry(address);
        if (e == null || address - e.getKey() >= (long) e.getValue().length * Float.BYTES)
            throw violation(call, what + " 0x" + Long.toHexString(address) + " is not inside a live allocation");
        long byteOff = address - e.getKey();
        if (byteOff % Float.BYTES != 0) throw violation(call, what + " is not 4-byte aligned");
        long off = byteOff / Float.BYTES, len = e.getValue().length;
        if (floats < 0 || off + floats > len)
            throw violation(call, what + " needs floats [" + off + ", " + (off + floats) + ") of an allocation of "
                    + len);
        return new DevicePtr(e.getValue(), (int) off);
    }

    private CudaException violation(String call, String detail) {
        violations.add(call + ": " + detail);
        String status = call.equals("cublasSgemm") && detail.startsWith("CUBLAS_")
                ? detail.substring(0, detail.indexOf(':'))
                : "EMULATOR_CONTRACT_VIOLATION";
        return new CudaException(call, status, detail);
    }
}
