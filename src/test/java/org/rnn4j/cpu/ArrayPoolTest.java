package org.rnn4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ArrayPoolTest {
    @Test
    void aClosedBuffersArrayServesTheNextAllocationOfItsLength() {
        ArrayPool pool = new ArrayPool();
        float[] a = pool.take(4096);
        pool.give(a);
        assertEquals(4096, pool.keptFloats());
        assertNotSame(a, pool.take(2048), "another length gets a new array");
        assertSame(a, pool.take(4096));
        assertEquals(0, pool.keptFloats());
        assertNotSame(a, pool.take(4096), "an array is handed out once");
    }

    @Test
    void smallArraysAreNotKeptAndAClearedPoolKeepsNothing() {
        ArrayPool pool = new ArrayPool();
        pool.give(new float[16]);
        assertEquals(0, pool.keptFloats());
        pool.give(new float[8192]);
        pool.clear();
        assertEquals(0, pool.keptFloats());
        pool.give(new float[8192]);
        assertEquals(0, pool.keptFloats(), "nothing is kept once the backend closed");
    }

    @Test
    void thePoolKeepsAtMostItsBound() {
        ArrayPool pool = new ArrayPool();
        long bound = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8) / Float.BYTES;
        int len = 1 << 20;
        for (long kept = 0; kept <= bound + len; kept += len) pool.give(new float[len]);
        assertEquals(bound / len * len, pool.keptFloats());
    }

    @Test
    void theBackendReusesTheArraysOfClosedBuffers() {
        CpuCompute cpu = new CpuCompute(1);
        try {
            var m = cpu.alloc(5000);
            float[] first = ((CpuMemory) m).data;
            m.close();
            var again = cpu.alloc(5000);
            assertSame(first, ((CpuMemory) again).data);
            again.close();
        } finally {
            cpu.shutdown();
        }
    }
}
