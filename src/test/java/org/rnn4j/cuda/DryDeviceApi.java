package org.rnn4j.cuda;

import java.util.EnumMap;
import java.util.Map;

/**
 * A {@link DeviceApi} that does no work and holds no data: it counts the driver and cuBLAS calls CudaCompute makes,
 * so the host side of an operation (launches, SGEMMs, allocations, frees, context switches, synchronisations) is
 * read off the real host code at any size in microseconds, on any machine. Addresses are fake and never reused.
 */
final class DryDeviceApi implements DeviceApi {
    long makeCurrent, malloc, free, uploads, downloads, deviceCopies, memsets, sgemms, launches, syncs;
    long gemmFlop, mallocBytes;
    final Map<Kernel, Long> launchesByKernel = new EnumMap<>(Kernel.class);
    private long next = 1L << 40;

    /** {makeCurrent, malloc, free, sync, launches, sgemms, other queued calls} so far, then zeroes every count. */
    HostCalls take() {
        HostCalls c = new HostCalls(makeCurrent, malloc, free, syncs, launches, sgemms, uploads + downloads + deviceCopies + memsets,
                gemmFlop);
        makeCurrent = malloc = free = uploads = downloads = deviceCopies = memsets = sgemms = launches = syncs = 0;
        gemmFlop = mallocBytes = 0;
        launchesByKernel.clear();
        return c;
    }

    /** The driver-facing calls of one operation. {@code other}: copies and memsets. */
    record HostCalls(long makeCurrent, long malloc, long free, long syncs, long launches, long sgemms, long other, long gemmFlop) {
        long queued() { return launches + sgemms + other; }
    }

    @Override public String backendName() { return "cuda-dry"; }
    @Override public String describe() { return "dry device (counts calls, runs nothing)"; }
    @Override public void makeCurrent() { makeCurrent++; }

    @Override
    public long malloc(long bytes) {
        malloc++;
        mallocBytes += bytes;
        long a = next;
        next += (bytes + 511) / 512 * 512;
        return a;
    }

    @Override public void free(long address) { free++; }
    @Override public void copyToDevice(float[] src, int srcOff, long dst, int floats) { uploads++; }
    @Override public void copyToHost(long src, float[] dst, int dstOff, int floats) { downloads++; }
    @Override public void copyDeviceToDevice(long src, long dst, long bytes) { deviceCopies++; }
    @Override public void memsetD32(long dst, int value, long words) { memsets++; }

    @Override
    public void sgemm(char transa, char transb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
                      float beta, long c, int ldc) {
        sgemms++;
        gemmFlop += 2L * m * n * k;
    }

    @Override
    public void launch(Kernel kernel, int gridX, int blockX, Object... args) {
        launches++;
        launchesByKernel.merge(kernel, 1L, Long::sum);
    }

    @Override public void synchronize() { syncs++; }
    @Override public long[] memoryInfo() { return new long[]{1L << 40, 1L << 40}; }
    @Override public void close() {}
}
