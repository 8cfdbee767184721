package org.rnn4j;

import org.rnn4j.internal.Memory;

/** Benchmark helper (bench source set only): bytes a forward cache holds, summed over its buffers. */
public final class CacheBytes {
    private CacheBytes() {}

    public static long of(RnnCache c) { return 4 * (c.xTm.floats() + c.hs.floats()); }

    public static long of(LstmCache c) { return 4 * (c.xTm.floats() + c.hs.floats() + c.cs.floats() + c.gates.floats()); }

    /** Bytes of x kept by the cache (time-major copy), to separate it from the per-N·T·H part. */
    public static long inputBytes(RnnCache c) { return 4 * c.xTm.floats(); }

    public static long inputBytes(LstmCache c) { return 4 * c.xTm.floats(); }

    static long floats(Memory m) { return m.floats(); }
}
