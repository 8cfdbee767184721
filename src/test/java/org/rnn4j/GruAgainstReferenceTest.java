package org.rnn4j;

import static org.rnn4j.Numerics.assertClose;
import static org.rnn4j.Numerics.toDouble;
import static org.rnn4j.Numerics.uniform;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The GRU operations of the CPU backend against the float64 {@link GruReference}, on fresh random inputs, every
 * output at 8 elements or more (see {@link BackendAgainstReferenceTest}; N=T=D=H=1 is a golden case).
 */
class GruAgainstReferenceTest {
    static final Backend CPU = Backend.cpu();

    @AfterAll
    static void close() { CPU.close(); }

    @ParameterizedTest(name = "N={0} T={1} D={2} H={3}")
    @CsvSource({"1,1,8,8", "3,5,4,6", "2,7,33,17", "4,64,8,5", "1,9,3,8", "5,1,6,3"})
    void sequence(int N, int T, int D, int H) {
        SplittableRandom r = Numerics.random();
        int G = 3 * H;
        float[] x = uniform(r, N * T * D, 1), h0 = uniform(r, N * H, 1), wx = uniform(r, D * G, 0.5),
                wh = uniform(r, H * G, 0.5), bx = uniform(r, G, 0.5), bh = uniform(r, G, 0.5),
                dh = uniform(r, N * T * H, 1);
        try (Tensor tx = CPU.tensor(x, N, T, D); Tensor th0 = CPU.tensor(h0, N, H); Tensor twx = CPU.tensor(wx, D, G);
             Tensor twh = CPU.tensor(wh, H, G); Tensor tbx = CPU.tensor(bx, G); Tensor tbh = CPU.tensor(bh, G);
             Tensor tdh = CPU.tensor(dh, N, T, H);
             Gru.Output out = CPU.gruForward(tx, th0, twx, twh, tbx, tbh);
             Gru.Gradients g = CPU.gruBackward(tdh, out.cache());
             Tensor inf = CPU.gruInference(tx, th0, twx, twh, tbx, tbh)) {
            double[] h = GruReference.forward(toDouble(x), toDouble(h0), toDouble(wx), toDouble(wh), toDouble(bx),
                    toDouble(bh), N, T, D, H)[0];
            assertClose("h", out.h(), h);
            org.junit.jupiter.api.Assertions.assertArrayEquals(out.h().toArray(), inf.toArray(),
                    "inference = forward, bit for bit");
            double[][] ref = GruReference.backward(toDouble(dh), toDouble(x), toDouble(h0), toDouble(wx), toDouble(wh),
                    toDouble(bx), toDouble(bh), N, T, D, H);
            String[] names = {"dx", "dh0", "dWx", "dWh", "dbx", "dbh"};
            Tensor[] got = {g.dx(), g.dh0(), g.dWx(), g.dWh(), g.dbx(), g.dbh()};
            for (int i = 0; i < names.length; i++) assertClose(names[i], got[i], ref[i]);
        }
    }

    @ParameterizedTest(name = "N={0} D={1} H={2}")
    @CsvSource({"1,8,8", "3,33,17", "8,4,3", "2,4,5"})
    void step(int N, int D, int H) {
        SplittableRandom r = Numerics.random();
        int G = 3 * H;
        float[] x = uniform(r, N * D, 1), h0 = uniform(r, N * H, 1), wx = uniform(r, D * G, 0.5),
                wh = uniform(r, H * G, 0.5), bx = uniform(r, G, 0.5), bh = uniform(r, G, 0.5),
                dh = uniform(r, N * H, 1);
        try (Tensor tx = CPU.tensor(x, N, D); Tensor th0 = CPU.tensor(h0, N, H); Tensor twx = CPU.tensor(wx, D, G);
             Tensor twh = CPU.tensor(wh, H, G); Tensor tbx = CPU.tensor(bx, G); Tensor tbh = CPU.tensor(bh, G);
             Tensor tdh = CPU.tensor(dh, N, H);
             Gru.StepOutput out = CPU.gruStepForward(tx, th0, twx, twh, tbx, tbh);
             Gru.StepGradients g = CPU.gruStepBackward(tdh, out.cache())) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(new int[]{N, H}, out.nextH().shape());
            org.junit.jupiter.api.Assertions.assertArrayEquals(new int[]{N, D}, g.dx().shape());
            assertClose("nextH", out.nextH(),
                    GruReference.forward(toDouble(x), toDouble(h0), toDouble(wx), toDouble(wh),
                    toDouble(bx), toDouble(bh), N, 1, D, H)[0]);
            double[][] ref = GruReference.backward(toDouble(dh), toDouble(x), toDouble(h0), toDouble(wx), toDouble(wh),
                    toDouble(bx), toDouble(bh), N, 1, D, H);
            String[] names = {"dx", "dPrevH", "dWx", "dWh", "dbx", "dbh"};
            Tensor[] got = {g.dx(), g.dPrevH(), g.dWx(), g.dWh(), g.dbx(), g.dbh()};
            for (int i = 0; i < names.length; i++) assertClose(names[i], got[i], ref[i]);
        }
    }
}
