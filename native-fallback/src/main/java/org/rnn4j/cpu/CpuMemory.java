package org.rnn4j.cpu;

import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;

/** Host memory: a plain float array. */
final class CpuMemory extends Memory {
    final float[] data;

    CpuMemory(Compute owner, float[] data) {
        super(owner, data.length);
        this.data = data;
    }

    @Override
    protected void release() { /* the GC reclaims the array; close() still forbids further use */ }
}
