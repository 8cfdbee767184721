package org.rnn4j.cuda;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * CUDA graphs for the cells' time loops, as a {@link DeviceApi} in front of the real one. A loop (the steps between
 * a {@code packB} and the close of its operand) is recorded instead of issued: its SGEMMs and launches, with every
 * argument. At the end of the loop the recording is the key: the first time, the calls are captured into a graph on
 * the stream and the graph is launched; afterwards the same calls (same shapes and the same buffers, which the block
 * cache hands out again in a steady training loop) are one cuGraphLaunch instead of 2·T driver calls. A different
 * recording is captured anew; at most {@link #MAX_GRAPHS} graphs are kept, the least recently used destroyed first.
 *
 * <p>Any other device call during a loop (a copy, memset, free, host read) first issues what was recorded, eagerly,
 * and ends the recording, so the order on the stream never changes. If capturing fails (a driver or cuBLAS that
 * cannot capture), graphs are switched off for this backend with one log line and loops run eagerly.
 * {@code -Drnn4j.cuda.graphs=false} switches them off from the start. Not thread-safe: used under CudaCompute's lock.
 */
final class TimeLoopGraphs implements DeviceApi {
    public static final String PROPERTY = "rnn4j.cuda.graphs";
    /** Loops of fewer calls (a single step: one GEMM and one launch) are not worth a graph. */
    static final int MIN_CALLS = 4;
    static final int MAX_GRAPHS = 16;
    private static final Logger LOG = Logger.getLogger("org.rnn4j");

    private final DeviceApi api;
    private boolean enabled;
    private List<Call> recording;
    private final LinkedHashMap<List<Call>, Long> graphs = new LinkedHashMap<>(16, 0.75f, true);
    private int captures, replays;

    TimeLoopGraphs(DeviceApi api, boolean enabled) {
        this.api = api;
        this.enabled = enabled;
    }

    static boolean enabledByDefault() { return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true")); }

    /** One recorded call: issued as it is, and compared by value as part of a graph's key. */
    private sealed interface Call permits Launch, Sgemm {
        void issue(DeviceApi api);
    }

    private record Launch(Kernel kernel, int grid, int block, List<Object> args) implements Call {
        public void issue(DeviceApi api) { api.launch(kernel, grid, block, args.toArray()); }
    }

    private record Sgemm(char ta, char tb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
            float beta,
                         long c, int ldc) implements Call {
        public void issue(DeviceApi api) { api.sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); }
    }

    /** A time loop starts: record its calls (a loop inside a loop is part of the outer one). */
    void beginLoop() {
        if (enabled && recording == null) recording = new ArrayList<>();
    }

    /** The time loop ended: replay its graph, or capture one, or issue the calls eagerly. */
    void endLoop() {
        List<Call> calls = recording;
        recording = null;
        if (calls == null || calls.isEmpty()) return;
        if (calls.size() < MIN_CALLS || !enabled) {
            issue(calls);
            return;
        }
        Long graph = graphs.get(calls);
        if (graph == null) {
            graph = capture(calls);
            if (graph == null) return; // capture failed: issued eagerly
            graphs.put(calls, graph);
            evict();
        } else {
            replays++;
        }
        api.launchGraph(graph);
    }

    /** The graph of {@code calls}, or null after switching graphs off and issuing the calls eagerly. */
    private Long capture(List<Call> calls) {
        try {
            api.beginCapture();
        } catch (RuntimeException e) {
            return giveUp(calls, e);
        }
        try {
            issue(calls);
        } catch (RuntimeException e) {
            try { api.endCapture(); } catch (RuntimeException ignored) { /* the capture is invalid either way */ }
            return giveUp(calls, e);
        }
        try {
            long graph = api.endCapture();
            captures++;
            return graph;
        } catch (RuntimeException e) {
            return giveUp(calls, e);
        }
    }

    private Long giveUp(List<Call> calls, RuntimeException why) {
        enabled = false;
        LOG.warning("rnn4j: capturing a CUDA graph failed (" + why.getMessage() + "); time loops run without graphs "
                + "from now on (-D" + PROPERTY + "=false skips the attempt)");
        issue(calls);
        return null;
    }

    private void evict() {
        Iterator<Map.Entry<List<Call>, Long>> it = graphs.entrySet().iterator();
        while (graphs.size() > MAX_GRAPHS && it.hasNext()) {
            api.destroyGraph(it.next().getValue());
            it.remove();
        }
    }

    private void issue(List<Call> calls) {
        for (Call c : calls) c.issue(api);
    }

    /** Before any call that is not part of a loop's graph: issue what was recorded and stop recording. */
    private void flush() {
        if (recording == null) return;
        List<Call> calls = recording;
        recording = null;
        issue(calls);
    }

    /** {graphs captured, graph replays} so far. */
    int[] stats() { return new int[]{captures, replays}; }

    boolean enabled() { return enabled; }

    // ---------------------------------------------------------------- DeviceApi: record or pass through

    @Override
    public void launch(Kernel kernel, int gridX, int blockX, Object... args) {
        if (recording != null) recording.add(new Launch(kernel, gridX, blockX, List.of(args)));
        else api.launch(kernel, gridX, blockX, args);
    }

    @Override
    public void sgemm(char transa, char transb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
                      float beta, long c, int ldc) {
        if (recording != null) recording.add(new Sgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
        else api.sgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override public String backendName() { return api.backendName(); }
    @Override public String describe() { return api.describe() + (enabled ? "" : ", CUDA graphs off"); }
    @Override public void makeCurrent() { api.makeCurrent(); }
    @Override public long malloc(long bytes) { return api.malloc(bytes); }

    @Override
    public void free(long address) {
        flush();
        api.free(address);
    }

    @Override
    public void copyToDevice(float[] src, int srcOff, long dst, int floats) {
        flush();
        api.copyToDevice(src, srcOff, dst, floats);
    }

    @Override
    public void copyToHost(long src, float[] dst, int dstOff, int floats) {
        flush();
        api.copyToHost(src, dst, dstOff, floats);
    }

    @Override
    public void copyDeviceToDevice(long src, long dst, long bytes) {
        flush();
        api.copyDeviceToDevice(src, dst, bytes);
    }

    @Override
    public void memsetD32(long dst, int value, long words) {
        flush();
        api.memsetD32(dst, value, words);
    }

    @Override
    public void synchronize() {
        flush();
        api.synchronize();
    }

    @Override public long[] memoryInfo() { return api.memoryInfo(); }
    @Override public boolean poisonFreedBlocks() { return api.poisonFreedBlocks(); }

    @Override public void beginCapture() { throw new UnsupportedOperationException("TimeLoopGraphs captures by itself");
            }
    @Override public long endCapture() { throw new UnsupportedOperationException("TimeLoopGraphs captures by itself"); }
    @Override public void launchGraph(long graph) { throw new UnsupportedOperationException("TimeLoopGraphs launches "
            + "by itself"); }
    @Override public void destroyGraph(long graph) { throw new UnsupportedOperationException("TimeLoopGraphs destroys "
            + "by itself"); }

    /** Destroys every graph, then closes the device. */
    @Override
    public void close() {
        flush();
        RuntimeException first = null;
        for (long g : graphs.values()) {
            try { api.destroyGraph(g); } catch (RuntimeException e) { if (first == null) first = e; }
        }
        graphs.clear();
        api.close();
        if (first != null) throw first;
    }
}
