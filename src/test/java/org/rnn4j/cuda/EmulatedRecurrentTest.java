package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.rnn4j.Numerics.FP32_TOL;
import static org.rnn4j.Numerics.assertClose;
import static org.rnn4j.Numerics.toDouble;
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
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.Recurrent.Kind;

/**
 * {@link Recurrent} with everything on (three layers, bidirectional, a ragged batch whose lengths are not sorted,
 * dropout, initial states, final-state gradients) through the CUDA backend's host code on the emulated device,
 * against the CPU backend: the gathers, the dropout mask and the column sum that adds the two directions' input
 * gradients run as device kernels here. Within 1e-5; reruns bit-identical; no leak, no contract violation.
 */
class EmulatedRecurrentTest {
    static final Backend CPU = Backend.cpu();

    @AfterAll
    static void close() { CPU.close(); }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void agreesWithTheCpuBackend(Kind kind) {
        SplittableRandom r = Numerics.random();
        int N = 5, T = 6, D = 4, H = 3;
        int[] lengths = {2, 6, 1, 5, 6};
        Recurrent.Config cfg = new Recurrent.Config(kind, D, H, 3, true, 0.4);
        int S = cfg.states();
        boolean lstm = kind == Kind.LSTM;
        float[][] in = {uniform(r, N * T * D, 1), uniform(r, S * N * H, 0.5), uniform(r, S * N * H, 0.5),
                uniform(r, N * T * 2 * H, 1), uniform(r, S * N * H, 1), uniform(r, S * N * H, 1)};
        long seed = r.nextLong(), dropSeed = r.nextLong();
        List<float[]> cpu = run(CPU, cfg, seed, dropSeed, lengths, in, lstm);
        try (EmulatedBackend emulated = new EmulatedBackend()) {
            List<float[]> dev = run(emulated.backend, cfg, seed, dropSeed, lengths, in, lstm);
            for (int i = 0; i < cpu.size(); i++)
                assertClose(kind + " result " + i, dev.get(i), toDouble(cpu.get(i)), FP32_TOL);
            List<float[]> again = run(emulated.backend, cfg, seed, dropSeed, lengths, in, lstm);
            for (int i = 0; i < dev.size(); i++) assertArrayEquals(dev.get(i), again.get(i), "rerun, result " + i);
        }
    }

    /** out, hN, [cN], dx, dh0, [dc0], then every weight gradient, as host arrays. */
    static List<float[]> run(Backend b, Recurrent.Config cfg, long seed, long dropSeed, int[] lengths, float[][] in,
                             boolean lstm) {
        int N = lengths.length, T = in[0].length / N / cfg.inputSize(), S = cfg.states(), H = cfg.hiddenSize();
        List<float[]> out = new ArrayList<>();
        try (Recurrent layer = Recurrent.create(b, cfg, seed);
             Tensor x = b.tensor(in[0], N, T, cfg.inputSize()); Tensor h0 = b.tensor(in[1], S, N, H);
             Tensor c0 = lstm ? b.tensor(in[2], S, N, H) : null; Tensor dOut = b.tensor(in[3], N, T, 2 * H);
             Tensor dhN = b.tensor(in[4], S, N, H); Tensor dcN = lstm ? b.tensor(in[5], S, N, H) : null;
             Recurrent.Output o = layer.forward(x, lengths, h0, c0, dropSeed);
             Recurrent.Gradients g = layer.backward(dOut, dhN, dcN, o.cache())) {
            Tensor[] results = {o.out(), o.hN(), o.cN(), g.dx(), g.dh0(), g.dc0()};
            for (Tensor t : results) if (t != null) out.add(t.toArray());
            for (Recurrent.Weights w : g.weights())
                for (Tensor t : new Tensor[]{w.wx(), w.wh(), w.b(), w.bh()}) if (t != null) out.add(t.toArray());
        }
        return out;
    }
}
