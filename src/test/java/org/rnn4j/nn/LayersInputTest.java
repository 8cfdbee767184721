package org.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.extension.Extension;
import org.rnn4j.extension.HostFacts;

/** Bad input names the argument and what was expected; reproducibility of the training primitives. */
class LayersInputTest {
    static final Backend CPU = Backend.cpu();
    static final Layers NN = new Layers(CPU);

    @AfterAll
    static void close() { CPU.close(); }

    @Test
    void indicesMustBeIntegralAndInRange() {
        try (Tensor w = CPU.tensor(new float[]{1, 2, 3, 4, 5, 6}, 3, 2);
             Tensor outOfRange = CPU.tensor(new float[]{0, 3}, 1, 2);
             Tensor fractional = CPU.tensor(new float[]{0, 1.5f}, 1, 2);
             Tensor negative = CPU.tensor(new float[]{-1, 0}, 1, 2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> NN.wordEmbeddingForward(outOfRange, w));
            assertTrue(e.getMessage().contains("idx") && e.getMessage().contains("[0, 3)")
                    && e.getMessage().contains("[0, 1] = 3.0"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> NN.wordEmbeddingForward(fractional, w));
            assertThrows(IllegalArgumentException.class,
                    () -> NN.wordEmbeddingBackward(CPU.zeros(1, 2, 2), negative, 3));
        }
    }

    @Test
    void indicesCheckedAtUploadAreNotReadBackButOthersAre() {
        try (Tensor w = CPU.tensor(new float[]{1, 2, 3, 4, 5, 6}, 3, 2);
             Tensor idx = CPU.tensor(new float[]{2, 0, 1}, 1, 3)) {
            HostFacts facts = Extension.facts(idx);
            assertTrue(facts.indicesBelow(3) && !facts.indicesBelow(2), "" + facts);
            try (Tensor out = NN.wordEmbeddingForward(idx, w)) {
                assertArrayEquals(new float[]{5, 6, 1, 2, 3, 4}, out.toArray());
                assertEquals(HostFacts.UNKNOWN, Extension.facts(out),
                        "results of operations are not checked on the host");
            }
            assertTrue(Extension.facts(idx).indicesBelow(3), "reading the indices keeps what the upload established");
        }
        // Built on the backend (no host array was checked): read back and checked, with the same one-line error.
        Compute c = Extension.compute(CPU);
        try (Tensor w = CPU.zeros(3, 2); Tensor onDevice = Extension.tensor(CPU, c.upload(new float[]{0, 7}), 1, 2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> NN.wordEmbeddingForward(onDevice, w));
            assertEquals("wordEmbeddingForward: idx must hold integers in [0, 3) but idx[0, 1] = 7.0", e.getMessage());
        }
        // Written after the upload through its storage: what the upload established is forgotten.
        try (Tensor s = CPU.zeros(1, 2, 3); Tensor y = CPU.tensor(new float[]{0, 1}, 1, 2)) {
            Memory m = Extension.memory(y);
            assertEquals(HostFacts.UNKNOWN, Extension.facts(y));
            c.exclusive(() -> { c.fill(m, 1, 1, 3f); return null; });
            var e = assertThrows(IllegalArgumentException.class, () -> NN.temporalSoftmaxLoss(s, y, null));
            assertEquals("temporalSoftmaxLoss: y must hold integers in [0, 3) but y[0, 1] = 3.0", e.getMessage());
        }
    }

    @Test
    void steppedCellsNameAWrongWeight() {
        try (Tensor wx = CPU.zeros(3, 8); Tensor wh = CPU.zeros(2, 4); Tensor b = CPU.zeros(8)) {
            Tensor[] layer = {wx, wh, b};
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new SteppedCells(CPU, SteppedCells.Kind.LSTM, 3, 2, List.<Tensor[]>of(layer)));
            assertEquals("SteppedCells: expected a weight of shape [2, 8] but got [2, 4]", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> new SteppedCells(CPU, SteppedCells.Kind.GRU, 3, 2, List.<Tensor[]>of(layer)));
            assertEquals("SteppedCells: a GRU layer has 4 weights but layer 0 has 3", e.getMessage());
        }
    }

    @Test
    void hostFactsOfAnArray() {
        assertEquals(new HostFacts(4, false), HostFacts.of(new float[]{3, 0, 1}));
        assertEquals(new HostFacts(2, true), HostFacts.of(new float[]{1, 0, 1}));
        assertEquals(new HostFacts(0, true), HostFacts.of(new float[0]));
        assertEquals((1 << 24) + 1, HostFacts.of(new float[]{1 << 24}).indexLimit());
        for (float bad : new float[]{-1, 0.5f, Float.NaN, Float.POSITIVE_INFINITY, (1 << 24) + 2})
            assertEquals(HostFacts.UNKNOWN, HostFacts.of(new float[]{0, bad, 1}), "" + bad);
        assertTrue(HostFacts.of(new float[]{0, 2}).indicesBelow(3));
        assertTrue(!HostFacts.of(new float[]{0, 3}).indicesBelow(3));
        assertTrue(!HostFacts.UNKNOWN.indicesBelow(Integer.MAX_VALUE));
    }

    @Test
    void shapesAreNamed() {
        try (Tensor x = CPU.zeros(2, 3, 4); Tensor w = CPU.zeros(5, 6); Tensor b = CPU.zeros(6)) {
            var e = assertThrows(IllegalArgumentException.class, () -> NN.temporalAffineForward(x, w, b));
            assertEquals("temporalAffineForward: W must have shape (D=4, M=6) but has shape (5, 6)", e.getMessage());
        }
        try (Tensor s = CPU.zeros(2, 3, 4); Tensor y = CPU.zeros(2, 3);
             Tensor mask = CPU.tensor(new float[]{1, 0, 1, 2, 1, 1}, 2, 3)) {
            var e = assertThrows(IllegalArgumentException.class, () -> NN.temporalSoftmaxLoss(s, y, mask));
            assertTrue(e.getMessage().contains("mask must hold only 0 and 1"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> NN.temporalSoftmaxLoss(s, CPU.zeros(3, 2), null));
        }
    }

    @Test
    void deterministicSumMatchesDoubleAndRepeatsBitForBit() {
        java.util.SplittableRandom r = org.rnn4j.Numerics.random();
        int n = 5000;   // several 1024-float chunks and a ragged tail
        float[] x = org.rnn4j.Numerics.uniform(r, n, 2);
        double ref = 0;
        for (float f : x) ref += (double) f * f;
        try (Tensor t = CPU.tensor(x, n)) {
            double a = GradientClipping.globalNorm(List.of(t)), b = GradientClipping.globalNorm(List.of(t));
            assertEquals(Math.sqrt(ref), a, Math.sqrt(ref) * 1e-6);
            assertEquals(Double.doubleToRawLongBits(a), Double.doubleToRawLongBits(b));
        }
    }

    @Test
    void clippingScalesToMaxNormAndAdamMatchesFormula() {
        try (Tensor g = CPU.tensor(new float[]{3, 4}, 2); Tensor p = CPU.tensor(new float[]{0.5f, -0.25f}, 2)) {
            assertEquals(5.0, GradientClipping.clip(List.of(g), 1.0), 1e-6);
            float[] clipped = g.toArray();
            assertEquals(0.6f, clipped[0], 1e-6f);
            assertEquals(0.8f, clipped[1], 1e-6f);
            try (Adam adam = new Adam(CPU, List.of(p), 0.9, 0.999, 1e-8)) {
                adam.update(List.of(g), 0.1);
                adam.update(List.of(g), 0.1);
                // two steps with a constant gradient: m/bias1 = g and v/bias2 = g^2, so each step moves lr·g/(|g|+eps)
                float[] out = p.toArray();
                assertEquals(0.5 - 0.2, out[0], 1e-5);
                assertEquals(-0.25 - 0.2, out[1], 1e-5);
                assertEquals(2, adam.step());
            }
        }
    }
}
