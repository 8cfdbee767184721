package org.rnn4j;

import static org.rnn4j.Numerics.assertClose;
import static org.rnn4j.Numerics.toDouble;
import static org.rnn4j.Numerics.uniform;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.compute.Closeables;

/**
 * A sequence equals its steps chained: forward, h (and for the LSTM c) carried from step to step; backward,
 * from the last step down with dPrevH (dPrevC) carried into the next step's dNextH (dNextC), and the weight
 * gradients summed over steps. Both sides run on the backend; the sequence side uses the all-steps GEMMs and
 * the time-major layout, the step side none of that, so a layout or accumulation bug shows up here.
 */
class StepSequenceAgreementTest {
    static final Backend CPU = Backend.cpu();

    @AfterAll
    static void close() { CPU.close(); }

    /** Rows t of a (N,T,C) array as (N,C). */
    static float[] step(float[] a, int N, int T, int C, int t) {
        float[] s = new float[N * C];
        for (int n = 0; n < N; n++) System.arraycopy(a, (n * T + t) * C, s, n * C, C);
        return s;
    }

    static void put(double[] a, int N, int T, int C, int t, float[] s) {
        for (int n = 0; n < N; n++) for (int k = 0; k < C; k++) a[(n * T + t) * C + k] = s[n * C + k];
    }

    static void add(double[] acc, float[] v) { for (int i = 0; i < acc.length; i++) acc[i] += v[i]; }

    static float[] plus(float[] a, float[] b) {
        float[] s = a.clone();
        for (int i = 0; i < s.length; i++) s[i] += b[i];
        return s;
    }

    @ParameterizedTest(name = "N={0} T={1} D={2} H={3}")
    @CsvSource({"3,6,5,4", "1,9,2,3", "4,1,3,5", "2,12,7,9"})
    void rnnSequenceIsItsStepsChained(int N, int T, int D, int H) {
        SplittableRandom r = Numerics.random();
        float[] x = uniform(r, N * T * D, 1), h0 = uniform(r, N * H, 1), dh = uniform(r, N * T * H, 1);
        try (Tensor tx = CPU.tensor(x, N, T, D); Tensor th0 = CPU.tensor(h0, N, H);
             Tensor wx = CPU.tensor(uniform(r, D * H, 0.5f), D, H);
             Tensor wh = CPU.tensor(uniform(r, H * H, 0.5f), H, H);
             Tensor b = CPU.tensor(uniform(r, H, 0.5f), H); Tensor tdh = CPU.tensor(dh, N, T, H);
             Rnn.Output seq = CPU.rnnForward(tx, th0, wx, wh, b); Rnn.Gradients g = CPU.rnnBackward(tdh, seq.cache())) {
            double[] h = new double[N * T * H];
            Rnn.StepOutput[] steps = new Rnn.StepOutput[T];
            try {
                Tensor prev = th0;
                for (int t = 0; t < T; t++) {
                    try (Tensor xt = CPU.tensor(step(x, N, T, D, t), N, D)) {
                        steps[t] = CPU.rnnStepForward(xt, prev, wx, wh, b);
                    }
                    prev = steps[t].nextH();
                    put(h, N, T, H, t, prev.toArray());
                }
                assertClose("h", seq.h(), h);

                double[] dx = new double[N * T * D], dwx = new double[D * H], dwh = new double[H * H],
                        db = new double[H];
                float[] carry = new float[N * H];
                for (int t = T - 1; t >= 0; t--) {
                    try (Tensor dNext = CPU.tensor(plus(step(dh, N, T, H, t), carry), N, H);
                         Rnn.StepGradients s = CPU.rnnStepBackward(dNext, steps[t].cache())) {
                        put(dx, N, T, D, t, s.dx().toArray());
                        add(dwx, s.dWx().toArray());
                        add(dwh, s.dWh().toArray());
                        add(db, s.db().toArray());
                        carry = s.dPrevH().toArray();
                    }
                }
                assertClose("dx", g.dx(), dx);
                assertClose("dh0", g.dh0(), toDouble(carry));
                assertClose("dWx", g.dWx(), dwx);
                assertClose("dWh", g.dWh(), dwh);
                assertClose("db", g.db(), db);
            } finally {
                Closeables.closeAll(steps);
            }
        }
    }

    @ParameterizedTest(name = "N={0} T={1} D={2} H={3}")
    @CsvSource({"3,6,5,4", "1,9,2,3", "4,1,3,5", "2,12,7,9"})
    void lstmSequenceIsItsStepsChained(int N, int T, int D, int H) {
        SplittableRandom r = Numerics.random();
        int G = 4 * H;
        float[] x = uniform(r, N * T * D, 1), dh = uniform(r, N * T * H, 1), dcT = uniform(r, N * H, 1);
        try (Tensor tx = CPU.tensor(x, N, T, D); Tensor th0 = CPU.tensor(uniform(r, N * H, 1), N, H);
             Tensor tc0 = CPU.tensor(uniform(r, N * H, 1), N, H);
             Tensor wx = CPU.tensor(uniform(r, D * G, 0.5f), D, G);
             Tensor wh = CPU.tensor(uniform(r, H * G, 0.5f), H, G);
             Tensor b = CPU.tensor(uniform(r, G, 0.5f), G); Tensor tdh = CPU.tensor(dh, N, T, H);
             Tensor tdc = CPU.tensor(dcT, N, H);
             Lstm.Output seq = CPU.lstmForward(tx, th0, tc0, wx, wh, b);
             Lstm.Gradients g = CPU.lstmBackward(tdh, tdc, seq.cache())) {
            double[] h = new double[N * T * H];
            Lstm.StepOutput[] steps = new Lstm.StepOutput[T];
            try {
                Tensor prevH = th0, prevC = tc0;
                for (int t = 0; t < T; t++) {
                    try (Tensor xt = CPU.tensor(step(x, N, T, D, t), N, D)) {
                        steps[t] = CPU.lstmStepForward(xt, prevH, prevC, wx, wh, b);
                    }
                    prevH = steps[t].nextH();
                    prevC = steps[t].nextC();
                    put(h, N, T, H, t, prevH.toArray());
                }
                assertClose("h", seq.h(), h);
                assertClose("cT", seq.cT(), toDouble(prevC.toArray()));

                double[] dx = new double[N * T * D], dwx = new double[D * G], dwh = new double[H * G],
                        db = new double[G];
                float[] carryH = new float[N * H], carryC = dcT;
                for (int t = T - 1; t >= 0; t--) {
                    try (Tensor dNextH = CPU.tensor(plus(step(dh, N, T, H, t), carryH), N, H);
                         Tensor dNextC = CPU.tensor(carryC, N, H);
                         Lstm.StepGradients s = CPU.lstmStepBackward(dNextH, dNextC, steps[t].cache())) {
                        put(dx, N, T, D, t, s.dx().toArray());
                        add(dwx, s.dWx().toArray());
                        add(dwh, s.dWh().toArray());
                        add(db, s.db().toArray());
                        carryH = s.dPrevH().toArray();
                        carryC = s.dPrevC().toArray();
                    }
                }
                assertClose("dx", g.dx(), dx);
                assertClose("dh0", g.dh0(), toDouble(carryH));
                assertClose("dc0", g.dc0(), toDouble(carryC));
                assertClose("dWx", g.dWx(), dwx);
                assertClose("dWh", g.dWh(), dwh);
                assertClose("db", g.db(), db);
            } finally {
                Closeables.closeAll(steps);
            }
        }
    }
}
