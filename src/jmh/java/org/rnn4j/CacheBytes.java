package org.rnn4j;

import org.rnn4j.cell.LstmCell;
import org.rnn4j.cell.RnnCell;

/** Benchmark helper (bench source set only): bytes a forward cache holds, summed over its buffers. */
public final class CacheBytes {
    private CacheBytes() {}

    public static long of(Cache c) {
        if (c.saved instanceof LstmCell.Saved s)
            return 4 * (s.xTm().floats() + s.hs().floats() + s.cs().floats() + s.gates().floats());
        RnnCell.Saved s = (RnnCell.Saved) c.saved;
        return 4 * (s.xTm().floats() + s.hs().floats());
    }

    /** Bytes of x kept by the cache (time-major copy), to separate it from the per-N·T·H part. */
    public static long inputBytes(Cache c) {
        return 4 * (c.saved instanceof LstmCell.Saved s ? s.xTm().floats() : ((RnnCell.Saved) c.saved).xTm().floats());
    }
}
