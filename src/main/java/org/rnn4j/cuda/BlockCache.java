package org.rnn4j.cuda;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A stream-ordered caching allocator over {@link DeviceApi}: a freed block goes into a cache keyed by its size and
 * the next request of that size gets it back, without cuMemAlloc or cuMemFree. cuMemFree synchronises the whole
 * device and cuMemAlloc is a slow driver call, and one LSTM step allocates the same sizes again and again.
 *
 * <p>Reuse is safe because all of a backend's work runs in order on its one stream: work that used the block
 * before it was freed is queued ahead of any work of its next owner. Blocks go back to the driver only in
 * {@link #releaseCache()} (after synchronising), on out-of-memory before one retry, and in {@link #freeAll()}.
 * Not thread-safe: {@link CudaCompute} calls it under its lock, with the context current.
 */
final class BlockCache {
    /** Sizes are rounded up to this below {@link #LARGE} bytes, so nearby sizes share blocks. */
    static final long SMALL_GRANULE = 512;
    /** Above this, to {@link #LARGE_GRANULE}: at most 1/8 waste at 2 MiB, less above. */
    static final long LARGE = 1 << 20, LARGE_GRANULE = 256 << 10;

    private final DeviceApi api;
    /** address → block bytes of every block handed out. */
    private final Map<Long, Long> live = new HashMap<>();
    /**
     * block bytes → free blocks of that size. The lowest address is handed out first, whatever order the blocks
     * were freed in: the same sequence of requests then gets the same addresses every time, which is what lets a
     * time loop's CUDA graph (keyed by its buffers) replay in a steady training loop.
     */
    private final TreeMap<Long, TreeSet<Long>> cached = new TreeMap<>();
    private long liveBytes, cachedBytes;
    private int hits, misses;

    BlockCache(DeviceApi api) { this.api = api; }

    /** The block size a request of {@code bytes} gets. */
    static long blockBytes(long bytes) {
        long granule = bytes < LARGE ? SMALL_GRANULE : LARGE_GRANULE;
        return (bytes + granule - 1) / granule * granule;
    }

    /** A block of at least {@code bytes > 0} bytes; on out-of-memory, releases the cache and retries once. */
    long allocate(long bytes) {
        long size = blockBytes(bytes);
        TreeSet<Long> same = cached.get(size);
        long address;
        if (same != null && !same.isEmpty()) {
            address = same.pollFirst();
            cachedBytes -= size;
            hits++;
        } else {
            misses++;
            try {
                address = api.malloc(size);
            } catch (CudaOutOfMemoryException e) {
                if (cachedBytes == 0) throw e;
                releaseCache();
                address = api.malloc(size); // a second failure is the real one, with the driver's numbers
            }
        }
        live.put(address, size);
        liveBytes += size;
        return address;
    }

    /** Returns a block to the cache; false if {@code address} is not a live block of this cache. */
    boolean release(long address) {
        Long size = live.remove(address);
        if (size == null) return false;
        liveBytes -= size;
        if (api.poisonFreedBlocks()) api.memsetD32(address, Float.floatToRawIntBits(Float.NaN), size / Float.BYTES);
        cached.computeIfAbsent(size, s -> new TreeSet<>()).add(address);
        cachedBytes += size;
        return true;
    }

    /** Gives every cached block back to the driver, after the queued work that may still use them. */
    void releaseCache() {
        if (cachedBytes == 0) return;
        api.synchronize();
        List<RuntimeException> failures = new ArrayList<>();
        freeCached(failures);
        if (!failures.isEmpty()) throw failures.get(0);
    }

    /** Frees every block, live or cached (shutdown); reports the first failure after trying them all. */
    void freeAll() {
        List<RuntimeException> failures = new ArrayList<>();
        try {
            api.synchronize();
        } catch (RuntimeException e) {
            failures.add(e); // an earlier kernel's fault: still free what can be freed
        }
        for (long address : live.keySet()) {
            try { api.free(address); } catch (RuntimeException e) { failures.add(e); }
        }
        live.clear();
        liveBytes = 0;
        freeCached(failures);
        if (!failures.isEmpty()) throw failures.get(0);
    }

    private void freeCached(List<RuntimeException> failures) {
        for (TreeSet<Long> blocks : cached.values())
            for (long address : blocks) {
                try { api.free(address); } catch (RuntimeException e) { failures.add(e); }
            }
        cached.clear();
        cachedBytes = 0;
    }

    boolean isLive(long address) { return live.containsKey(address); }

    int liveBlocks() { return live.size(); }

    long liveBytes() { return liveBytes; }

    long cachedBytes() { return cachedBytes; }

    int cachedBlocks() {
        int n = 0;
        for (TreeSet<Long> blocks : cached.values()) n += blocks.size();
        return n;
    }

    /** {requests served from the cache, requests that called cuMemAlloc}. */
    int[] hitsAndMisses() { return new int[]{hits, misses}; }
}
