package org.rnn4j.cpu;

import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;

/** Host memory: a plain float array, handed back to its backend's {@link ArrayPool} by close(). */
final class CpuMemory extends Memory {
    final float[] data;
    private final ArrayPool pool;

    CpuMemory(Compute owner, float[] data, ArrayPool pool) {
        super(owner, data.length);
        this.data = data;
        this.pool = pool;
    }

    @Override
    protected void release() { pool.give(data); }   // close() forbids further use through this buffer
}
