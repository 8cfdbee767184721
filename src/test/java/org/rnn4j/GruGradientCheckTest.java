package org.rnn4j;

import static org.rnn4j.GradientCheckTest.arrays;
import static org.rnn4j.GradientCheckTest.checkFloat32;
import static org.rnn4j.GradientCheckTest.checkFloat64;
import static org.rnn4j.GradientCheckTest.dot;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.rnn4j.GradientCheckTest.Problem;
import org.rnn4j.compute.Closeables;

/**
 * Finite-difference checks of the GRU backward operations, as {@link GradientCheckTest} does for the others: the
 * loss is sum(h * upstream), so its gradient with respect to every input (x, the initial state, Wx, Wh, bx, bh)
 * is what backward returns. On the CPU backend in float32 and on {@link GruReference} in float64.
 */
class GruGradientCheckTest {
    static final Backend CPU = Backend.cpu();
    static final int N = 3, T = 5, D = 4, H = 3, G = 3 * H;

    @AfterAll
    static void close() { CPU.close(); }

    static Tensor[] tensors(int[][] shapes, float[][] in) {
        Tensor[] t = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) t[i] = CPU.tensor(in[i], shapes[i]);
        return t;
    }

    /** States and inputs uniform in ±1; weights and biases in ±0.5. */
    static float[][] values(SplittableRandom r, int[][] shapes) {
        float[][] v = new float[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            int size = 1;
            for (int d : shapes[i]) size *= d;
            v[i] = Numerics.uniform(r, size, i >= 2 ? 0.5 : 1);
        }
        return v;
    }

    static Problem step(SplittableRandom r) {
        int[][] s = {{N, D}, {N, H}, {D, G}, {H, G}, {G}, {G}};
        float[] up = Numerics.uniform(r, N * H, 1);
        return new Problem("gruStep", new String[]{"x", "prevH", "Wx", "Wh", "bx", "bh"}, s, values(r, s),
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Gru.StepOutput o = CPU.gruStepForward(t[0], t[1], t[2], t[3], t[4],
                            t[5])) { return dot(o.nextH(), up); }
                    finally { Closeables.closeAll(t); }
                },
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Tensor dn = CPU.tensor(up, N, H);
                         Gru.StepOutput o = CPU.gruStepForward(t[0], t[1], t[2], t[3], t[4], t[5]);
                         Gru.StepGradients g = CPU.gruStepBackward(dn, o.cache())) {
                        return arrays(g.dx(), g.dPrevH(), g.dWx(), g.dWh(), g.dbx(), g.dbh());
                    } finally { Closeables.closeAll(t); }
                });
    }

    static Problem sequence(SplittableRandom r) {
        int[][] s = {{N, T, D}, {N, H}, {D, G}, {H, G}, {G}, {G}};
        float[] up = Numerics.uniform(r, N * T * H, 1);
        return new Problem("gruSequence", new String[]{"x", "h0", "Wx", "Wh", "bx", "bh"}, s, values(r, s),
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Gru.Output o = CPU.gruForward(t[0], t[1], t[2], t[3], t[4], t[5])) { return dot(o.h(), up); }
                    finally { Closeables.closeAll(t); }
                },
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Tensor dh = CPU.tensor(up, N, T, H);
                         Gru.Output o = CPU.gruForward(t[0], t[1], t[2], t[3], t[4], t[5]);
                         Gru.Gradients g = CPU.gruBackward(dh, o.cache())) {
                        return arrays(g.dx(), g.dh0(), g.dWx(), g.dWh(), g.dbx(), g.dbh());
                    } finally { Closeables.closeAll(t); }
                });
    }

    @Test
    void gruStepBackwardMatchesFiniteDifferences() {
        SplittableRandom r = Numerics.random();
        checkFloat32(step(r), r);
    }

    @Test
    void gruBackwardMatchesFiniteDifferences() {
        SplittableRandom r = Numerics.random();
        checkFloat32(sequence(r), r);
    }

    @Test
    void referenceGruBackwardMatchesFiniteDifferences() {
        SplittableRandom r = Numerics.random();
        double[][] v = new double[6][];
        int[] sizes = {N * T * D, N * H, D * G, H * G, G, G};
        for (int i = 0; i < sizes.length; i++) v[i] = Numerics.toDouble(Numerics.uniform(r, sizes[i], i >= 2 ? 0.5
                : 1));
        double[] up = Numerics.toDouble(Numerics.uniform(r, N * T * H, 1));
        double[][] ana = GruReference.backward(up, v[0], v[1], v[2], v[3], v[4], v[5], N, T, D, H);
        checkFloat64("GruReference.backward", new String[]{"x", "h0", "Wx", "Wh", "bx", "bh"}, v,
                in -> dot(GruReference.forward(in[0], in[1], in[2], in[3], in[4], in[5], N, T, D, H)[0], up), ana);
    }
}
