package org.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.Numerics.FP32_TOL;
import static org.rnn4j.Numerics.GRAD_CHECK_TOL;
import static org.rnn4j.Numerics.assertClose;
import static org.rnn4j.Numerics.toDouble;
import static org.rnn4j.Numerics.uniform;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.Backend;
import org.rnn4j.Numerics;
import org.rnn4j.Tensor;

/**
 * Finite-difference gradient checks, in two links: the float64 reference's analytic gradients equal central
 * differences of its forward (GRAD_CHECK_TOL), and the float32 layers equal the float64 reference on fresh
 * random inputs (FP32_TOL). A wrong backward in either fails one link.
 */
class LayerGradientCheckTest {
    static final Backend CPU = Backend.cpu();
    static final Layers NN = new Layers(CPU);

    @AfterAll
    static void close() { CPU.close(); }

    /** Central differences of f at p, for the loss Σ f(p)·w (w a fixed random upstream gradient). */
    static double[] numeric(double[] p, ToDoubleFunction<double[]> f) {
        double h = 1e-6;
        double[] g = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + h; double up = f.applyAsDouble(p);
            p[i] = keep - h; double down = f.applyAsDouble(p);
            p[i] = keep;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static void assertGrad(String what, double[] analytic, double[] numeric) {
        double num = 0, den = 0;
        for (int i = 0; i < analytic.length; i++) { num += Math.pow(analytic[i] - numeric[i],
                2); den += numeric[i] * numeric[i]; }
        double e = Math.sqrt(num / Math.max(den, 1e-300));
        assertTrue(e <= GRAD_CHECK_TOL, what + ": analytic vs numeric relative error " + e);
    }

    static int[] indices(SplittableRandom r, int n, int bound) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(bound);
        return a;
    }

    static float[] asFloats(int[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = a[i];
        return f;
    }

    @ParameterizedTest(name = "N={0} T={1} V={2} D={3}")
    @CsvSource({"2,3,5,4", "3,4,2,6", "1,1,1,1"})
    void wordEmbedding(int N, int T, int V, int D) {
        SplittableRandom r = Numerics.random();
        int[] idx = indices(r, N * T, V);
        float[] w = uniform(r, V * D, 1), dout = uniform(r, N * T * D, 1);
        double[] wd = toDouble(w), dd = toDouble(dout);
        double[] dw = LayerReference.embeddingBackward(dd, idx, V, D);
        assertGrad("embedding dW", dw, numeric(wd, p -> dot(LayerReference.embedding(idx, p, D), dd)));
        try (Tensor ti = CPU.tensor(asFloats(idx), N, T); Tensor tw = CPU.tensor(w, V, D);
             Tensor td = CPU.tensor(dout, N, T, D);
             Tensor out = NN.wordEmbeddingForward(ti, tw); Tensor g = NN.wordEmbeddingBackward(td, ti, V)) {
            assertClose("embedding out", out.toArray(), LayerReference.embedding(idx, wd, D), FP32_TOL);
            assertClose("embedding dW", g.toArray(), dw, FP32_TOL);
        }
    }

    @ParameterizedTest(name = "N={0} T={1} D={2} M={3}")
    @CsvSource({"2,3,4,5", "1,7,3,2", "3,1,6,9"})
    void temporalAffine(int N, int T, int D, int M) {
        SplittableRandom r = Numerics.random();
        int R = N * T;
        float[] x = uniform(r, R * D, 1), w = uniform(r, D * M, 1), b = uniform(r, M, 1), dout = uniform(r, R * M, 1);
        double[] xd = toDouble(x), wd = toDouble(w), bd = toDouble(b), dd = toDouble(dout);
        double[][] g = LayerReference.affineBackward(dd, xd, wd, R, D, M);
        assertGrad("affine dx", g[0], numeric(xd, p -> dot(LayerReference.affine(p, wd, bd, R, D, M), dd)));
        assertGrad("affine dW", g[1], numeric(wd, p -> dot(LayerReference.affine(xd, p, bd, R, D, M), dd)));
        assertGrad("affine db", g[2], numeric(bd, p -> dot(LayerReference.affine(xd, wd, p, R, D, M), dd)));
        try (Tensor tx = CPU.tensor(x, N, T, D); Tensor tw = CPU.tensor(w, D, M); Tensor tb = CPU.tensor(b, M);
             Tensor td = CPU.tensor(dout, N, T, M); Tensor out = NN.temporalAffineForward(tx, tw, tb);
             TemporalAffineGradients tg = NN.temporalAffineBackward(td, tx, tw)) {
            assertClose("affine out", out.toArray(), LayerReference.affine(xd, wd, bd, R, D, M), FP32_TOL);
            assertClose("affine dx", tg.dx().toArray(), g[0], FP32_TOL);
            assertClose("affine dW", tg.dW().toArray(), g[1], FP32_TOL);
            assertClose("affine db", tg.db().toArray(), g[2], FP32_TOL);
        }
    }

    @ParameterizedTest(name = "N={0} T={1} V={2}")
    @CsvSource({"2,3,5", "4,6,11", "1,1,3"})
    void temporalSoftmaxLoss(int N, int T, int V) {
        SplittableRandom r = Numerics.random();
        int R = N * T;
        float[] s = uniform(r, R * V, 3);
        int[] y = indices(r, R, V);
        double[] mask = new double[R];
        for (int i = 0; i < R; i++) mask[i] = i == 0 || r.nextDouble() < 0.7 ? 1 : 0;
        float[] maskF = new float[R];
        for (int i = 0; i < R; i++) maskF[i] = (float) mask[i];
        double[] sd = toDouble(s);
        double[] grad = LayerReference.softmaxLossGrad(sd, y, mask, N, V);
        assertGrad("softmax dscores", grad, numeric(sd, p -> LayerReference.softmaxLoss(p, y, mask, N, V)));
        double loss = LayerReference.softmaxLoss(sd, y, mask, N, V);
        try (Tensor ts = CPU.tensor(s, N, T, V); Tensor ty = CPU.tensor(asFloats(y), N, T);
             Tensor tm = CPU.tensor(maskF, N, T);
             SoftmaxLoss out = NN.temporalSoftmaxLoss(ts, ty, tm)) {
            // a mean of -log p over rows: float32 rounds each term to ~1e-7 of the scores' scale (about 1), so a
            // loss near 0 (p near 1) has an absolute, not a relative, error of that size
            assertEquals(loss, out.loss(), Math.max(1, Math.abs(loss)) * FP32_TOL, "loss");
            assertClose("dscores", out.dScores().toArray(), grad, FP32_TOL);
        }
    }
}
