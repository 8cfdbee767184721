package org.rnn4j.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.io.NpyArray;

/**
 * One golden case from {@code src/test/resources/golden/}: its kind ("rnn_step", "rnn", "lstm_step", "lstm",
 * "gru_step", "gru"),
 * sizes, and the float64 arrays written by tools/golden/make_golden.py, inputs and expected results alike,
 * keyed by the Java API's names (x, h0, Wx, dWx, ...).
 */
public record GoldenCase(String name, String kind, int N, int T, int D, int H, Map<String, NpyArray> arrays) {

    /** The expected results of each kind, named as the result records name them. */
    static final Map<String, Set<String>> OUTPUTS = Map.of(
            "rnn_step", Set.of("nextH", "dx", "dPrevH", "dWx", "dWh", "db"),
            "rnn", Set.of("h", "dx", "dh0", "dWx", "dWh", "db"),
            "lstm_step", Set.of("nextH", "nextC", "dx", "dPrevH", "dPrevC", "dWx", "dWh", "db"),
            "lstm", Set.of("h", "cT", "dx", "dh0", "dc0", "dWx", "dWh", "db"),
            "gru_step", Set.of("nextH", "dx", "dPrevH", "dWx", "dWh", "dbx", "dbh"),
            "gru", Set.of("h", "dx", "dh0", "dWx", "dWh", "dbx", "dbh"));

    public boolean has(String array) { return arrays.containsKey(array); }

    public NpyArray array(String array) {
        NpyArray a = arrays.get(array);
        if (a == null) throw new IllegalArgumentException("golden case " + name + " has no " + array + ".npy");
        return a;
    }

    public double[] doubles(String array) { return array(array).doubles(); }

    /**
     * An input as float32. The generator rounds inputs to float32 values before computing the references,
     * so this conversion must be exact; it is checked, because an inexact one would blur every comparison.
     */
    public float[] floats(String array) {
        double[] d = doubles(array);
        float[] f = array(array).floats();
        for (int i = 0; i < d.length; i++)
            assertEquals(d[i], (double) f[i], 0.0, name + "/" + array + "[" + i + "] is not a float32 value");
        return f;
    }

    /** An input as a tensor of {@code backend}, or null when the case leaves it out (c0, dcT: zeros). */
    public Tensor tensor(Backend backend, String array) {
        return has(array) ? backend.tensor(floats(array), array(array).shape()) : null;
    }

    /** Shape of a result must match the reference's before values are compared. */
    void assertShape(String array, Tensor got) {
        assertArrayEquals(array(array).shape(), got.shape(), name + "/" + array + " shape");
        assertTrue(got.size() > 0);
    }

    @Override
    public String toString() { return name + " (" + kind + " N=" + N + " T=" + T + " D=" + D + " H=" + H + ")"; }
}
