package org.rnn4j;

import static org.rnn4j.Numerics.assertClose;
import static org.rnn4j.Numerics.toDouble;
import static org.rnn4j.Numerics.uniform;
import static org.rnn4j.StepSequenceAgreementTest.add;
import static org.rnn4j.StepSequenceAgreementTest.plus;
import static org.rnn4j.StepSequenceAgreementTest.put;
import static org.rnn4j.StepSequenceAgreementTest.step;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.compute.Closeables;

/**
 * A GRU sequence equals its steps chained, as {@link StepSequenceAgreementTest} checks for the other cells: h
 * carried forward, dPrevH carried back into the next step's dNextH, weight and bias gradients summed over steps.
 */
class GruStepSequenceAgreementTest {
    static final Backend CPU = Backend.cpu();

    @AfterAll
    static void close() { CPU.close(); }

    @ParameterizedTest(name = "N={0} T={1} D={2} H={3}")
    @CsvSource({"3,6,5,4", "1,9,2,3", "4,1,3,5", "2,12,7,9"})
    void gruSequenceIsItsStepsChained(int N, int T, int D, int H) {
        SplittableRandom r = Numerics.random();
        int G = 3 * H;
        float[] x = uniform(r, N * T * D, 1), h0 = uniform(r, N * H, 1), dh = uniform(r, N * T * H, 1);
        try (Tensor tx = CPU.tensor(x, N, T, D); Tensor th0 = CPU.tensor(h0, N, H);
             Tensor wx = CPU.tensor(uniform(r, D * G, 0.5f), D, G);
             Tensor wh = CPU.tensor(uniform(r, H * G, 0.5f), H, G);
             Tensor bx = CPU.tensor(uniform(r, G, 0.5f), G); Tensor bh = CPU.tensor(uniform(r, G, 0.5f), G);
             Tensor tdh = CPU.tensor(dh, N, T, H);
             Gru.Output seq = CPU.gruForward(tx, th0, wx, wh, bx, bh);
             Gru.Gradients g = CPU.gruBackward(tdh, seq.cache())) {
            double[] h = new double[N * T * H];
            Gru.StepOutput[] steps = new Gru.StepOutput[T];
            try {
                Tensor prev = th0;
                for (int t = 0; t < T; t++) {
                    try (Tensor xt = CPU.tensor(step(x, N, T, D, t), N, D)) {
                        steps[t] = CPU.gruStepForward(xt, prev, wx, wh, bx, bh);
                    }
                    prev = steps[t].nextH();
                    put(h, N, T, H, t, prev.toArray());
                }
                assertClose("h", seq.h(), h);

                double[] dx = new double[N * T * D], dwx = new double[D * G], dwh = new double[H * G];
                double[] dbx = new double[G], dbh = new double[G];
                float[] carry = new float[N * H];
                for (int t = T - 1; t >= 0; t--) {
                    try (Tensor dNext = CPU.tensor(plus(step(dh, N, T, H, t), carry), N, H);
                         Gru.StepGradients s = CPU.gruStepBackward(dNext, steps[t].cache())) {
                        put(dx, N, T, D, t, s.dx().toArray());
                        add(dwx, s.dWx().toArray());
                        add(dwh, s.dWh().toArray());
                        add(dbx, s.dbx().toArray());
                        add(dbh, s.dbh().toArray());
                        carry = s.dPrevH().toArray();
                    }
                }
                assertClose("dx", g.dx(), dx);
                assertClose("dh0", g.dh0(), toDouble(carry));
                assertClose("dWx", g.dWx(), dwx);
                assertClose("dWh", g.dWh(), dwh);
                assertClose("dbx", g.dbx(), dbx);
                assertClose("dbh", g.dbh(), dbh);
            } finally {
                Closeables.closeAll(steps);
            }
        }
    }
}
