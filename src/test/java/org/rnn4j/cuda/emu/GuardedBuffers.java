package org.rnn4j.cuda.emu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The buffers of one emulated kernel launch, each at a nonzero offset with guard floats on both sides, so a test
 * sees a kernel that ignores its pointer's offset or writes past its buffer. SHARED puts every buffer in one
 * float[] (as a device arena would), which also exercises several pointer arguments into one Java array.
 */
final class GuardedBuffers {
    enum Layout { SEPARATE, SHARED }

    private static final int GUARD = 7;
    private static final float GUARD_VALUE = -12345.5f;

    private record Region(float[] array, int offset, int length) {}

    private final Map<String, Region> regions = new LinkedHashMap<>();

    /** Copies each named content into its own guarded region, in insertion order. */
    GuardedBuffers(Layout layout, Map<String, float[]> contents) {
        if (layout == Layout.SHARED) {
            int total = GUARD;
            for (float[] c : contents.values()) total += c.length + GUARD;
            float[] arena = new float[total];
            Arrays.fill(arena, GUARD_VALUE);
            int at = GUARD;
            for (Map.Entry<String, float[]> e : contents.entrySet()) {
                put(e.getKey(), arena, at, e.getValue());
                at += e.getValue().length + GUARD;
            }
        } else {
            int lead = GUARD;
            for (Map.Entry<String, float[]> e : contents.entrySet()) {
                float[] own = new float[lead + e.getValue().length + GUARD];
                Arrays.fill(own, GUARD_VALUE);
                put(e.getKey(), own, lead, e.getValue());
                lead++;  // a different offset per buffer, so offsets mixed up between arguments show
            }
        }
    }

    private void put(String name, float[] array, int offset, float[] content) {
        System.arraycopy(content, 0, array, offset, content.length);
        regions.put(name, new Region(array, offset, content.length));
    }

    DevicePtr ptr(String name) {
        Region r = region(name);
        return new DevicePtr(r.array, r.offset);
    }

    float[] get(String name) {
        Region r = region(name);
        return Arrays.copyOfRange(r.array, r.offset, r.offset + r.length);
    }

    /** Asserts an input the kernel must only read still holds {@code expected}, bit for bit. */
    void assertUnchanged(String name, float[] expected) {
        float[] now = get(name);
        for (int i = 0; i < expected.length; i++)
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(now[i]),
                    "read-only input " + name + "[" + i + "] was overwritten");
    }

    /**
     * After a launch: each named read-only input ({@code name, content, ...}) still holds its content bit for bit,
     * and no float outside the buffers changed.
     */
    void assertOnlyOutputsWritten(Object... nameThenContent) {
        for (int i = 0; i < nameThenContent.length; i += 2)
            assertUnchanged((String) nameThenContent[i], (float[]) nameThenContent[i + 1]);
        assertGuardsIntact();
    }

    /** Asserts no float outside the named regions changed. */
    void assertGuardsIntact() {
        for (Map.Entry<String, Region> e : regions.entrySet()) {
            float[] a = e.getValue().array;
            for (int i = 0; i < a.length; i++) {
                if (inAnyRegion(a, i)) continue;
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(GUARD_VALUE))
                    fail("kernel wrote outside its buffers: index " + i + " of the array holding " + e.getKey()
                            + " now " + a[i]);
            }
        }
    }

    private boolean inAnyRegion(float[] array, int i) {
        for (Region r : regions.values())
            if (r.array == array && i >= r.offset && i < r.offset + r.length) return true;
        return false;
    }

    private Region region(String name) {
        Region r = regions.get(name);
        if (r == null) throw new IllegalArgumentException("no buffer named " + name);
        return r;
    }
}
