package org.rnn4j.extension;

/**
 * What the host established about a tensor's contents while it still had them, when it uploaded them: lets a
 * layer validate indices and masks that live on a device without reading them back at every use. A tensor
 * whose contents nobody checked (results of operations, wrapped buffers, storage handed out for writing) has
 * {@link #UNKNOWN}, and the layer reads it back to check it as before.
 *
 * @param indexLimit one more than the largest element when every element is an integer in [0, 2^24] (0 when
 *                   there are no elements); -1 when some element is not (or nothing is known)
 * @param binary     every element is 0 or 1
 */
public record HostFacts(int indexLimit, boolean binary) {
    /** Nothing known: every check reads the contents back. */
    public static final HostFacts UNKNOWN = new HostFacts(-1, false);

    /** Largest index a float32 holds exactly (2^24). */
    private static final float MAX_EXACT = 1 << 24;

    /** The facts of {@code data}, in one pass that stops at the first element that is not a small integer. */
    public static HostFacts of(float[] data) {
        float max = -1;
        for (float f : data) {
            if (!(f >= 0 && f <= MAX_EXACT) || f != Math.rint(f)) return UNKNOWN;
            if (f > max) max = f;
        }
        return new HostFacts((int) max + 1, max <= 1);
    }

    /** Every element is known to be an integer in [0, bound). */
    public boolean indicesBelow(int bound) { return indexLimit >= 0 && indexLimit <= bound; }
}
