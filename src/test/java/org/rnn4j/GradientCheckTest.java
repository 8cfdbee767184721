package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.rnn4j.extension.Shapes;
import org.rnn4j.compute.Closeables;

/**
 * Finite-difference checks of every backward operation. The loss is sum(out * upstream) over every output
 * (for the LSTM also the cell state with its upstream dNextC / dcT), so its gradient with respect to each input
 * is exactly what backward returns. On the backend in float32 (central differences, {@link Numerics#FD_FP32_TOL})
 * and on {@link Reference} in float64 ({@link Numerics#GRAD_CHECK_TOL}).
 */
class GradientCheckTest {
    static final Backend CPU = Backend.cpu();
    /** Coordinates checked per argument in float32 (all of them when the argument is smaller). */
    static final int SAMPLES = 24;
    static final int N = 3, T = 5, D = 4, H = 3, G = 4 * H;

    @AfterAll
    static void close() { CPU.close(); }

    /** A differentiable function of named float32 inputs: its loss and its analytic gradients (input order). */
    record Problem(String name, String[] args, int[][] shapes, float[][] values,
                   ToDoubleFunction<float[][]> loss, Function<float[][], float[][]> grads) {}

    static double dot(Tensor out, float[] up) {
        float[] o = out.toArray();
        double s = 0;
        for (int i = 0; i < o.length; i++) s += (double) o[i] * up[i];
        return s;
    }

    static Tensor[] tensors(int[][] shapes, float[][] in) {
        Tensor[] t = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) t[i] = CPU.tensor(in[i], shapes[i]);
        return t;
    }

    static float[][] arrays(Tensor... ts) {
        float[][] a = new float[ts.length][];
        for (int i = 0; i < ts.length; i++) a[i] = ts[i].toArray();
        return a;
    }

    static Problem rnnStep(SplittableRandom r) {
        int[][] s = {{N, D}, {N, H}, {D, H}, {H, H}, {H}};
        float[] up = Numerics.uniform(r, N * H, 1);
        return new Problem("rnnStep", new String[]{"x", "prevH", "Wx", "Wh", "b"}, s, inputs(r, s),
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Rnn.StepOutput o = CPU.rnnStepForward(t[0], t[1], t[2], t[3], t[4])) { return dot(o.nextH(),
                            up); }
                    finally { Closeables.closeAll(t); }
                },
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Tensor dn = CPU.tensor(up, N, H);
                         Rnn.StepOutput o = CPU.rnnStepForward(t[0], t[1], t[2], t[3], t[4]);
                         Rnn.StepGradients g = CPU.rnnStepBackward(dn, o.cache())) {
                        return arrays(g.dx(), g.dPrevH(), g.dWx(), g.dWh(), g.db());
                    } finally { Closeables.closeAll(t); }
                });
    }

    static Problem rnnSequence(SplittableRandom r) {
        int[][] s = {{N, T, D}, {N, H}, {D, H}, {H, H}, {H}};
        float[] up = Numerics.uniform(r, N * T * H, 1);
        return new Problem("rnnSequence", new String[]{"x", "h0", "Wx", "Wh", "b"}, s, inputs(r, s),
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Rnn.Output o = CPU.rnnForward(t[0], t[1], t[2], t[3], t[4])) { return dot(o.h(), up); }
                    finally { Closeables.closeAll(t); }
                },
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Tensor dh = CPU.tensor(up, N, T, H);
                         Rnn.Output o = CPU.rnnForward(t[0], t[1], t[2], t[3], t[4]);
                         Rnn.Gradients g = CPU.rnnBackward(dh, o.cache())) {
                        return arrays(g.dx(), g.dh0(), g.dWx(), g.dWh(), g.db());
                    } finally { Closeables.closeAll(t); }
                });
    }

    static Problem lstmStep(SplittableRandom r) {
        int[][] s = {{N, D}, {N, H}, {N, H}, {D, G}, {H, G}, {G}};
        float[] upH = Numerics.uniform(r, N * H, 1), upC = Numerics.uniform(r, N * H, 1);
        return new Problem("lstmStep", new String[]{"x", "prevH", "prevC", "Wx", "Wh", "b"}, s, inputs(r, s),
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Lstm.StepOutput o = CPU.lstmStepForward(t[0], t[1], t[2], t[3], t[4], t[5])) {
                        return dot(o.nextH(), upH) + dot(o.nextC(), upC);
                    } finally { Closeables.closeAll(t); }
                },
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Tensor dh = CPU.tensor(upH, N, H); Tensor dc = CPU.tensor(upC, N, H);
                         Lstm.StepOutput o = CPU.lstmStepForward(t[0], t[1], t[2], t[3], t[4], t[5]);
                         Lstm.StepGradients g = CPU.lstmStepBackward(dh, dc, o.cache())) {
                        return arrays(g.dx(), g.dPrevH(), g.dPrevC(), g.dWx(), g.dWh(), g.db());
                    } finally { Closeables.closeAll(t); }
                });
    }

    /** withDcT false: no upstream gradient on cT, backward gets null (the "zeros" path). */
    static Problem lstmSequence(SplittableRandom r, boolean withDcT) {
        int[][] s = {{N, T, D}, {N, H}, {N, H}, {D, G}, {H, G}, {G}};
        float[] upH = Numerics.uniform(r, N * T * H, 1), upC = withDcT ? Numerics.uniform(r, N * H, 1) : null;
        return new Problem("lstmSequence" + (withDcT ? "" : "WithoutDcT"),
                new String[]{"x", "h0", "c0", "Wx", "Wh", "b"},
                s, inputs(r, s),
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Lstm.Output o = CPU.lstmForward(t[0], t[1], t[2], t[3], t[4], t[5])) {
                        return dot(o.h(), upH) + (withDcT ? dot(o.cT(), upC) : 0);
                    } finally { Closeables.closeAll(t); }
                },
                in -> {
                    Tensor[] t = tensors(s, in);
                    try (Tensor dh = CPU.tensor(upH, N, T, H); Tensor dc = withDcT ? CPU.tensor(upC, N, H) : null;
                         Lstm.Output o = CPU.lstmForward(t[0], t[1], t[2], t[3], t[4], t[5]);
                         Lstm.Gradients g = CPU.lstmBackward(dh, dc, o.cache())) {
                        return arrays(g.dx(), g.dh0(), g.dc0(), g.dWx(), g.dWh(), g.db());
                    } finally { Closeables.closeAll(t); }
                });
    }

    /** States and inputs uniform in ±1, weights and biases in ±0.5 (arguments named W or b). */
    static float[][] inputs(SplittableRandom r, int[][] shapes) {
        float[][] v = new float[shapes.length][];
        for (int i = 0; i < shapes.length; i++) v[i] = Numerics.uniform(r, (int) Shapes.size(shapes[i]),
                i >= shapes.length - 3 ? 0.5 : 1);
        return v;
    }

    /** Central differences at sampled coordinates of every argument against the analytic gradient. */
    static void checkFloat32(Problem p, SplittableRandom r) {
        float[][] ana = p.grads().apply(p.values());
        List<String> failures = new ArrayList<>();
        double worst = 0;
        for (int a = 0; a < p.args().length; a++) {
            float[] v = p.values()[a];
            int[] coords = sample(r, v.length);
            double num2 = 0, den2 = 0;
            for (int k : coords) {
                float orig = v[k];
                float plus = (float) (orig + Numerics.FD_FP32_STEP), minus = (float) (orig - Numerics.FD_FP32_STEP);
                v[k] = plus;
                double lp = p.loss().applyAsDouble(p.values());
                v[k] = minus;
                double lm = p.loss().applyAsDouble(p.values());
                v[k] = orig;
                // Divide by the step actually taken: plus and minus are rounded to float32.
                double numeric = (lp - lm) / ((double) plus - minus);
                double d = numeric - ana[a][k];
                num2 += d * d;
                den2 += (double) ana[a][k] * ana[a][k];
                if (!Double.isFinite(numeric) || !Float.isFinite(ana[a][k])) failures.add(p.args()[a] + "[" + k
                        + "] not finite");
            }
            double rel = Math.sqrt(num2 / den2);
            worst = Math.max(worst, rel);
            assertTrue(den2 > 0, p.name() + ": gradient of " + p.args()[a] + " is zero at every sampled coordinate");
            if (!(rel <= Numerics.FD_FP32_TOL))
                failures.add(String.format("d%s: relative error %.3e > %.0e over %d coordinates", p.args()[a], rel,
                        Numerics.FD_FP32_TOL, coords.length));
        }
        System.out.printf("gradient check %s (float32): worst relative error %.2e%n", p.name(), worst);
        if (!failures.isEmpty()) fail(p.name() + " (seed " + Numerics.LAST_SEED.get() + "): " + failures);
    }

    static int[] sample(SplittableRandom r, int n) {
        if (n <= SAMPLES) return java.util.stream.IntStream.range(0, n).toArray();
        return r.ints(0, n).distinct().limit(SAMPLES).toArray();
    }

    @Test
    void rnnStepBackwardMatchesFiniteDifferences() {
        SplittableRandom r = Numerics.random();
        checkFloat32(rnnStep(r), r);
    }

    @Test
    void rnnBackwardMatchesFiniteDifferences() {
        SplittableRandom r = Numerics.random();
        checkFloat32(rnnSequence(r), r);
    }

    @Test
    void lstmStepBackwardMatchesFiniteDifferences() {
        SplittableRandom r = Numerics.random();
        checkFloat32(lstmStep(r), r);
    }

    @Test
    void lstmBackwardMatchesFiniteDifferences() {
        SplittableRandom r = Numerics.random();
        checkFloat32(lstmSequence(r, true), r);
        checkFloat32(lstmSequence(r, false), r);
    }

    // ------------------------------------------------------------------ float64: the Reference itself

    /** Every coordinate, float64 central differences with step 1e-6. */
    static void checkFloat64(String name, String[] args, double[][] values, ToDoubleFunction<double[][]> loss,
            double[][] ana) {
        for (int a = 0; a < args.length; a++) {
            double[] v = values[a];
            double num2 = 0, den2 = 0;
            for (int k = 0; k < v.length; k++) {
                double orig = v[k], step = 1e-6;
                v[k] = orig + step;
                double lp = loss.applyAsDouble(values);
                v[k] = orig - step;
                double lm = loss.applyAsDouble(values);
                v[k] = orig;
                double d = (lp - lm) / (2 * step) - ana[a][k];
                num2 += d * d;
                den2 += ana[a][k] * ana[a][k];
            }
            double rel = Math.sqrt(num2 / den2);
            assertTrue(den2 > 0 && rel <= Numerics.GRAD_CHECK_TOL,
                    name + " d" + args[a] + ": relative error " + rel + " (seed " + Numerics.LAST_SEED.get() + ")");
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double[][] doubles(SplittableRandom r, int... sizes) {
        double[][] v = new double[sizes.length][];
        for (int i = 0; i < sizes.length; i++) v[i] = Numerics.toDouble(Numerics.uniform(r, sizes[i],
                i >= sizes.length - 3 ? 0.5 : 1));
        return v;
    }

    @Test
    void referenceRnnBackwardMatchesFiniteDifferences() {
        SplittableRandom r = Numerics.random();
        double[][] v = doubles(r, N * T * D, N * H, D * H, H * H, H);
        double[] up = Numerics.toDouble(Numerics.uniform(r, N * T * H, 1));
        double[][] ana = Reference.rnnBackward(up, v[0], v[1], v[2], v[3], v[4], N, T, D, H);
        checkFloat64("Reference.rnnBackward", new String[]{"x", "h0", "Wx", "Wh", "b"}, v,
                in -> dot(Reference.rnnForward(in[0], in[1], in[2], in[3], in[4], N, T, D, H), up), ana);
    }

    @Test
    void referenceLstmBackwardMatchesFiniteDifferences() {
        SplittableRandom r = Numerics.random();
        double[][] v = doubles(r, N * T * D, N * H, N * H, D * G, H * G, G);
        double[] upH = Numerics.toDouble(Numerics.uniform(r, N * T * H, 1)),
                upC = Numerics.toDouble(Numerics.uniform(r, N * H, 1));
        double[][] ana = Reference.lstmBackward(upH, upC, v[0], v[1], v[2], v[3], v[4], v[5], N, T, D, H);
        checkFloat64("Reference.lstmBackward", new String[]{"x", "h0", "c0", "Wx", "Wh", "b"}, v, in -> {
            double[][] fw = Reference.lstmForward(in[0], in[1], in[2], in[3], in[4], in[5], N, T, D, H);
            return dot(fw[0], upH) + dot(Reference.stepOf(fw[1], N, T, H, T - 1), upC);
        }, ana);
    }
}
