package org.rnn4j.nn;

import java.util.SplittableRandom;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;

/**
 * Inverted dropout on the primitives: y = x·m/(1−p) with m a 0/1 mask drawn on the host from a seeded random
 * (the same seed, the same mask, on every backend). With no elementwise product among the primitives, the mask
 * is applied as a gather of single floats: the mask holds, per element, its own index (kept) or the index of a
 * zero placed after the source (dropped). Indices are float32 integers, so the gather runs in chunks of 2^23
 * elements, each reading its slice of the source followed by one zero. Backward is the same operation.
 */
final class Dropout {
    private Dropout() {}

    static final int CHUNK = 1 << 23;

    /** A new mask of len elements for apply, each kept with probability 1−p. */
    static Memory mask(Compute c, long len, double p, SplittableRandom random) {
        if (len > Integer.MAX_VALUE) throw new IllegalArgumentException("dropout: " + len
                + " elements is too many for one mask");
        float[] idx = new float[(int) len];
        for (long base = 0; base < len; base += CHUNK) {
            int size = (int) Math.min(CHUNK, len - base);
            for (int e = 0; e < size; e++) idx[(int) base + e] = random.nextDouble() < p ? size : e;
        }
        return c.upload(idx);
    }

    /** A new buffer: src (len) with the mask applied and scaled by 1/(1−p). */
    static Memory apply(Compute c, Memory src, Memory mask, long len, double p) {
        Memory out = c.alloc(len);
        try (Memory table = c.alloc(Math.min(CHUNK, len) + 1)) {
            for (long base = 0; base < len; base += CHUNK) {
                int size = (int) Math.min(CHUNK, len - base);
                c.copy(src, base, table, 0, size);
                c.fill(table, size, 1, 0f);
                c.gatherRows(size, 1, mask, base, table, 0, out, base);
            }
            c.scale(out, 0, len, (float) (1 / (1 - p)));
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }
}
