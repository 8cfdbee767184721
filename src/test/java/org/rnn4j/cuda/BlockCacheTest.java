package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rnn4j.compute.Memory;
import org.rnn4j.cuda.emu.EmulatedDeviceApi;
import org.rnn4j.cuda.emu.JavaTwinExecutor;

/** CudaCompute's caching allocator: reuse by size without the driver, out-of-memory retry, poisoning, release. */
class BlockCacheTest {
    final EmulatedDeviceApi device = new EmulatedDeviceApi(new JavaTwinExecutor());
    final CudaCompute cuda = new CudaCompute(device);

    @AfterEach
    void close() {
        cuda.shutdown();
        assertEquals(0, device.liveAllocations(), "shutdown frees cached blocks too");
        assertEquals(List.of(), device.violations());
    }

    private float[] read(Memory m) {
        float[] out = new float[(int) m.floats()];
        cuda.download(m, 0, out, 0, out.length);
        return out;
    }

    @Test
    void aClosedBufferIsReusedBySizeWithoutANewDeviceAllocation() {
        Memory a = cuda.alloc(1000);
        a.close();
        assertEquals(1, device.liveAllocations(), "the block stays cached");
        assertEquals(0, cuda.liveBuffers());
        try (Memory b = cuda.alloc(1000); Memory c = cuda.alloc(990)) { // 990 floats round to the same 4096-byte block
            assertEquals(2, device.liveAllocations(), "b reused a's block, c needed a new one");
            assertEquals(2, cuda.liveBuffers());
            assertNotEquals(0, b.floats() + c.floats());
        }
        assertEquals(2 * BlockCache.blockBytes(4000), cuda.cachedBytes());
        cuda.releaseCache();
        assertEquals(0, device.liveAllocations());
        assertEquals(0, cuda.cachedBytes());
    }

    @Test
    void aReusedBlockIsPoisonedSoAStaleWriterOrAnUnwrittenOutputShows() {
        Memory a = cuda.upload(new float[]{1, 2, 3, 4});
        a.close();
        try (Memory b = cuda.alloc(4)) {
            for (float v : read(b)) assertTrue(Float.isNaN(v), "a reused block reads NaN, not its last owner's data");
        }
    }

    @Test
    void outOfMemoryReleasesTheCacheAndRetriesOnce() {
        cuda.alloc(3000).close();                 // 12 000 bytes cached
        device.setLimitBytes(BlockCache.blockBytes(12_000) + BlockCache.blockBytes(8000) - 1);
        try (Memory big = cuda.alloc(4000)) {     // another size: fits only once the cached block is freed
            assertEquals(0, cuda.cachedBytes());
            assertEquals(1, device.liveAllocations());
            assertEquals(4000, big.floats());
        }
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> cuda.alloc(10_000));
        assertTrue(e.requestedBytes() >= 40_000, e.getMessage());
        assertEquals(0, cuda.liveBuffers());
        device.setLimitBytes(Long.MAX_VALUE);
    }

    @Test
    void sizesRoundToGranulesSoNearbySizesShare() {
        assertEquals(512, BlockCache.blockBytes(4));
        assertEquals(1024, BlockCache.blockBytes(513));
        assertEquals(BlockCache.LARGE, BlockCache.blockBytes(BlockCache.LARGE));
        assertEquals(BlockCache.LARGE + BlockCache.LARGE_GRANULE, BlockCache.blockBytes(BlockCache.LARGE + 4));
    }
}
