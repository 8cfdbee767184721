package org.rnn4j.cuda;

import java.util.HashMap;
import java.util.Map;

/**
 * A {@link DeviceApi} that does no work and holds no data: it counts the driver and cuBLAS calls CudaCompute makes,
 * so the host side of an operation (launches, SGEMMs, graph launches, allocations, frees, context switches,
 * synchronisations) is read off the real host code at any size in microseconds, on any machine. It also counts what
 * the device would run (kernels and GEMMs, a graph's contents at each of its launches). Addresses are fake.
 */
final class DryDeviceApi implements DeviceApi {
    private long makeCurrent, malloc, free, other, sgemms, launches, syncs, graphLaunches, captures;
    private long kernelsRun, gemmsRun, gemmFlop;
    private boolean capturing;
    private long[] captured = new long[3];                       // kernels, GEMMs, FLOPs of the graph being captured
    private final Map<Long, long[]> graphs = new HashMap<>();
    private long next = 1L << 40, nextGraph = 1;

    /** The driver-facing calls of one operation and what they make the device run. {@code other}: copies, memsets. */
    record HostCalls(long makeCurrent, long malloc, long free, long syncs, long launches, long sgemms, long other,
                     long graphLaunches, long captures, long kernelsRun, long gemmsRun, long gemmFlop) {
        long queued() { return launches + sgemms + other + graphLaunches; }
    }

    /** The counts so far, then zeroes them. */
    HostCalls take() {
        HostCalls c = new HostCalls(makeCurrent, malloc, free, syncs, launches, sgemms, other, graphLaunches, captures,
                kernelsRun, gemmsRun, gemmFlop);
        makeCurrent = malloc = free = other = sgemms = launches = syncs = graphLaunches = captures = 0;
        kernelsRun = gemmsRun = gemmFlop = 0;
        return c;
    }

    @Override public String backendName() { return "cuda-dry"; }
    @Override public String describe() { return "dry device (counts calls, runs nothing)"; }
    @Override public void makeCurrent() { makeCurrent++; }

    @Override
    public long malloc(long bytes) {
        malloc++;
        long a = next;
        next += (bytes + 511) / 512 * 512;
        return a;
    }

    @Override public void free(long address) { free++; }
    @Override public void copyToDevice(float[] src, int srcOff, long dst, int floats) { other++; }
    @Override public void copyToHost(long src, float[] dst, int dstOff, int floats) { other++; }
    @Override public void copyDeviceToDevice(long src, long dst, long bytes) { other++; }
    @Override public void memsetD32(long dst, int value, long words) { other++; }

    @Override
    public void sgemm(char transa, char transb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
                      float beta, long c, int ldc) {
        long flop = 2L * m * n * k;
        if (capturing) {
            captured[1]++;
            captured[2] += flop;
            return;
        }
        sgemms++;
        gemmsRun++;
        gemmFlop += flop;
    }

    @Override
    public void launch(Kernel kernel, int gridX, int blockX, Object... args) {
        if (capturing) {
            captured[0]++;
            return;
        }
        launches++;
        kernelsRun++;
    }

    @Override
    public void beginCapture() {
        capturing = true;
        captured = new long[3];
    }

    @Override
    public long endCapture() {
        capturing = false;
        captures++;
        graphs.put(nextGraph, captured);
        return nextGraph++;
    }

    @Override
    public void launchGraph(long graph) {
        long[] g = graphs.get(graph);
        graphLaunches++;
        kernelsRun += g[0];
        gemmsRun += g[1];
        gemmFlop += g[2];
    }

    @Override public void destroyGraph(long graph) { graphs.remove(graph); }
    @Override public void synchronize() { syncs++; }
    @Override public long[] memoryInfo() { return new long[]{1L << 40, 1L << 40}; }
    @Override public void close() {}
}
