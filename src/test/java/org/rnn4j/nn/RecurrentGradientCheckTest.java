package org.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.Numerics.FD_FP32_STEP;
import static org.rnn4j.Numerics.FD_FP32_TOL;
import static org.rnn4j.Numerics.uniform;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rnn4j.Backend;
import org.rnn4j.Numerics;
import org.rnn4j.Tensor;
import org.rnn4j.nn.Recurrent.Kind;

/**
 * {@link Recurrent#backward} against float32 central differences of {@link Recurrent#forward} on the CPU backend:
 * two layers, bidirectional, a ragged batch, dropout on (the same seed gives the same mask, so the loss is a fixed
 * function). Loss L = Σ out·wOut + Σ hN·wH (+ Σ cN·wC); every input and weight tensor is probed at sampled
 * coordinates.
 */
class RecurrentGradientCheckTest {
    static final Backend CPU = Backend.cpu();

    @AfterAll
    static void close() { CPU.close(); }

    static final int N = 3, T = 4, D = 3, H = 4, SAMPLES = 6;
    static final int[] LENGTHS = {2, 4, 3};

    @ParameterizedTest
    @EnumSource(Kind.class)
    void backwardMatchesCentralDifferences(Kind kind) {
        SplittableRandom r = Numerics.random();
        Recurrent.Config cfg = new Recurrent.Config(kind, D, H, 2, true, 0.3);
        boolean lstm = kind == Kind.LSTM;
        int S = cfg.states();
        float[] x = uniform(r, N * T * D, 1), h0 = uniform(r, S * N * H, 0.5), c0 = uniform(r, S * N * H, 0.5);
        float[] wOut = uniform(r, N * T * 2 * H, 1), wH = uniform(r, S * N * H, 1), wC = uniform(r, S * N * H, 1);
        long dropSeed = r.nextLong();
        try (Recurrent layer = Recurrent.create(CPU, cfg, r.nextLong())) {
            // host copies of every probed array; index 0..2 are x, h0, c0, then the weights in order
            List<float[]> arrays = new ArrayList<>(List.of(x, h0, c0));
            List<Tensor> weightTensors = new ArrayList<>();
            for (Recurrent.Weights w : layer.weights())
                for (Tensor t : new Tensor[]{w.wx(), w.wh(), w.b(), w.bh()})
                    if (t != null) { weightTensors.add(t); arrays.add(t.toArray()); }
            List<float[]> analytic = new ArrayList<>();
            try (Tensor xt = CPU.tensor(x, N, T, D); Tensor h0t = CPU.tensor(h0, S, N, H);
                 Tensor c0t = lstm ? CPU.tensor(c0, S, N, H) : null;
                 Tensor dOut = CPU.tensor(wOut, N, T, 2 * H); Tensor dhN = CPU.tensor(wH, S, N, H);
                 Tensor dcN = lstm ? CPU.tensor(wC, S, N, H) : null;
                 Recurrent.Output o = layer.forward(xt, LENGTHS, h0t, c0t, dropSeed);
                 Recurrent.Gradients g = layer.backward(dOut, dhN, dcN, o.cache())) {
                analytic.add(g.dx().toArray());
                analytic.add(g.dh0().toArray());
                analytic.add(lstm ? g.dc0().toArray() : null);
                for (Recurrent.Weights w : g.weights())
                    for (Tensor t : new Tensor[]{w.wx(), w.wh(), w.b(), w.bh()})
                        if (t != null) analytic.add(t.toArray());
            }
            double num = 0, den = 0;
            for (int a = 0; a < arrays.size(); a++) {
                if (analytic.get(a) == null) continue;
                float[] arr = arrays.get(a);
                for (int s = 0; s < SAMPLES; s++) {
                    int i = r.nextInt(arr.length);
                    float keep = arr[i];
                    arr[i] = (float) (keep + FD_FP32_STEP);
                    double up = loss(layer, weightTensors, arrays, lstm, dropSeed, wOut, wH, wC);
                    arr[i] = (float) (keep - FD_FP32_STEP);
                    double down = loss(layer, weightTensors, arrays, lstm, dropSeed, wOut, wH, wC);
                    arr[i] = keep;
                    double fd = (up - down) / (2 * FD_FP32_STEP), an = analytic.get(a)[i];
                    num += (fd - an) * (fd - an);
                    den += fd * fd;
                }
            }
            double e = Math.sqrt(num / den);
            System.out.printf("gradient check Recurrent %s (float32, 2 layers, bidirectional, ragged, dropout): %.2e%n",
                    kind, e);
            assertTrue(e <= FD_FP32_TOL, kind + ": relative error " + e + " (seed " + Numerics.LAST_SEED.get() + ")");
        }
    }

    /** L at the host arrays: the weights are written into the layer's tensors first. */
    private static double loss(Recurrent layer, List<Tensor> weights, List<float[]> arrays, boolean lstm, long seed,
                               float[] wOut, float[] wH, float[] wC) {
        for (int k = 0; k < weights.size(); k++) TensorWrites.overwrite(weights.get(k), arrays.get(3 + k));
        int S = layer.config().states();
        try (Tensor x = CPU.tensor(arrays.get(0), N, T, D); Tensor h0 = CPU.tensor(arrays.get(1), S, N, H);
             Tensor c0 = lstm ? CPU.tensor(arrays.get(2), S, N, H) : null;
             Recurrent.Output o = layer.forward(x, LENGTHS, h0, c0, seed)) {
            double l = dot(o.out().toArray(), wOut) + dot(o.hN().toArray(), wH);
            return lstm ? l + dot(o.cN().toArray(), wC) : l;
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }
}
