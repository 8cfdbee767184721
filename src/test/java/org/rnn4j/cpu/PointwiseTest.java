package org.rnn4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.Numerics;
import org.rnn4j.compute.Memory;

/**
 * The pointwise implementations: the Vector API one (present in the test JVM) bit-identical to the scalar
 * CpuKernels, including row tails shorter than a vector; and CpuCompute's row-parallel
 * dispatch bit-identical for 1, 2 and 4 threads.
 */
class PointwiseTest {
    static Pointwise fast() { return VectorSupport.load("VectorPointwise", Pointwise.class, Pointwise.SCALAR); }

    @ParameterizedTest(name = "n={0} h={1}")
    @CsvSource({"1,1", "3,5", "2,16", "4,37", "7,100", "5,129"})
    void vectorMatchesScalar(int n, int h) {
        SplittableRandom r = Numerics.random();
        float[] gates = Numerics.uniform(r, 4 * n * h, 3), b = Numerics.uniform(r, 4 * h, 1),
                cPrev = Numerics.uniform(r, n * h, 1);
        float[] dh = Numerics.uniform(r, n * h, 1), dhRec = Numerics.uniform(r, n * h, 1),
                dc = Numerics.uniform(r, n * h, 1);
        Pointwise[] impls = {Pointwise.SCALAR, fast()};
        float[][] out = new float[2][];
        for (int k = 0; k < 2; k++) {
            Pointwise p = impls[k];
            float[] g = gates.clone(), c = new float[n * h], hh = new float[n * h], dcc = dc.clone(),
                    da = new float[4 * n * h];
            float[] rnnH = new float[n * h];
            p.lstmForward(n, h, g, 0, b, cPrev, 0, c, 0, hh, 0);
            p.lstmBackward(n, h, g, 0, cPrev, 0, c, 0, dh, 0, dhRec, 0, dcc, 0, da, 0);
            p.rnnForward(n, h, gates, 0, b, rnnH, 0);
            float[][] gru = gru(p, n, h, gates, java.util.Arrays.copyOfRange(gates, n * h, 4 * n * h), b, cPrev);
            out[k] = concat(g, c, hh, dcc, da, rnnH, gru[0], gru[1], gru[2]);
            Numerics.assertAllFinite(p.name(), out[k]);
        }
        assertArrayEquals(out[0], out[1], "vector vs scalar (same operations, so the same bits)");
    }

    /**
     * Adam on whole vectors and the scalar tail equals the scalar kernel bit for bit, over several steps (so the
     * moments it writes feed the next step), with gradients across magnitudes (1e-6 to 1e3, zeros included).
     */
    @ParameterizedTest(name = "n={0}")
    @CsvSource({"1", "15", "16", "100", "1027"})
    void adamVectorMatchesScalar(int n) {
        SplittableRandom r = Numerics.random();
        float[] p0 = Numerics.uniform(r, n, 1);
        float[][] grads = new float[5][];
        for (int s = 0; s < grads.length; s++) {
            grads[s] = Numerics.uniform(r, n, 1);
            for (int i = 0; i < n; i++) grads[s][i] *= (float) Math.pow(10, r.nextInt(-6, 4));
            if (n > 3) grads[s][r.nextInt(n)] = 0f;
        }
        Pointwise[] impls = {Pointwise.SCALAR, fast()};
        float[][] out = new float[2][];
        for (int k = 0; k < 2; k++) {
            float[] p = p0.clone(), m = new float[n], v = new float[n];
            for (int s = 0; s < grads.length; s++) {
                float bias1 = (float) (1 - Math.pow(0.9, s + 1)), bias2 = (float) (1 - Math.pow(0.999, s + 1));
                impls[k].adamUpdate(n, 3e-3f, 0.9f, 0.999f, 1e-8f, bias1, bias2, p, 0, grads[s], 0, m, 0, v, 0);
            }
            out[k] = concat(p, m, v);
            Numerics.assertAllFinite(impls[k].name(), out[k]);
        }
        assertArrayEquals(out[0], out[1], "vector vs scalar Adam");
        org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(out[0], concat(p0, new float[2 * n])),
                "Adam left its state unchanged");
    }

    /**
     * Pre-activations far into the tails (exp overflow and underflow, subnormal results, ±0, huge values) go
     * through the vector loops bit for bit as through the scalar kernels.
     */
    @ParameterizedTest(name = "h={0}")
    @CsvSource({"64", "53"})
    void vectorMatchesScalarInTheTails(int h) {
        SplittableRandom r = Numerics.random();
        float[] special = {0f, -0f, 1e-40f, -1e-40f, 1e-8f, -1e-8f, 0.4999f, -0.5f, 0.5f, 9f, -9f, 44.36f, -44.36f,
                88.7f, 88.73f, -87.4f, -103.2f, -104f, 150f, -150f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE};
        int n = 3;
        float[] gates = new float[4 * n * h];
        for (int i = 0; i < gates.length; i++)
            gates[i] = i % 3 == 0 ? special[r.nextInt(special.length)] : (float) ((r.nextDouble() * 2 - 1) * 200);
        float[] b = new float[4 * h], cPrev = Numerics.uniform(r, n * h, 50), dh = Numerics.uniform(r, n * h, 1);
        float[] dhRec = Numerics.uniform(r, n * h, 1), dc = Numerics.uniform(r, n * h, 1);
        float[] ghTails = Numerics.uniform(r, 3 * n * h, 200);   // GRU: h·Wh stays finite, x·Wx takes the tails
        Pointwise[] impls = {Pointwise.SCALAR, fast()};
        float[][] out = new float[2][];
        for (int k = 0; k < 2; k++) {
            Pointwise p = impls[k];
            float[] g = gates.clone(), c = new float[n * h], hh = new float[n * h], dcc = dc.clone(),
                    da = new float[4 * n * h];
            float[] rnnH = new float[n * h], rnnPre = java.util.Arrays.copyOf(gates, n * h);
            p.lstmForward(n, h, g, 0, b, cPrev, 0, c, 0, hh, 0);
            p.lstmBackward(n, h, g, 0, cPrev, 0, c, 0, dh, 0, dhRec, 0, dcc, 0, da, 0);
            p.rnnForward(n, h, rnnPre, 0, b, rnnH, 0);
            float[][] gru = gru(p, n, h, gates, ghTails, b, cPrev);
            out[k] = concat(g, c, hh, dcc, da, rnnH, gru[0], gru[1], gru[2]);
            Numerics.assertAllFinite(p.name(), out[k]);
        }
        assertArrayEquals(out[0], out[1], "vector vs scalar in the tails");
    }

    @ParameterizedTest(name = "n={0} h={1}")
    @CsvSource({"64,256", "33,511", "128,1000"})
    void rowSplitIsBitIdentical(int n, int h) {
        SplittableRandom r = Numerics.random();
        float[] gates = Numerics.uniform(r, 4 * n * h, 3), b = Numerics.uniform(r, 4 * h, 1),
                cPrev = Numerics.uniform(r, n * h, 1);
        float[] dh = Numerics.uniform(r, n * h, 1), dhRec = Numerics.uniform(r, n * h, 1),
                dc = Numerics.uniform(r, n * h, 1);
        float[] first = null;
        for (int threads : new int[]{1, 2, 4}) {
            CpuCompute cc = new CpuCompute(threads);
            try {
                Memory g = cc.upload(gates), bm = cc.upload(b), cp = cc.upload(cPrev), c = cc.alloc(n * h),
                        hh = cc.alloc(n * h);
                Memory dhm = cc.upload(dh), rec = cc.upload(dhRec), dcm = cc.upload(dc), da = cc.alloc(4L * n * h),
                        rh = cc.alloc(n * h);
                Memory rda = cc.alloc(n * h);
                cc.lstmForwardPointwise(n, h, g, 0, bm, cp, 0, c, 0, hh, 0);
                cc.lstmBackwardPointwise(n, h, g, 0, cp, 0, c, 0, dhm, 0, rec, 0, dcm, 0, da, 0);
                cc.rnnForwardPointwise(n, h, cp, 0, bm, rh, 0);
                cc.rnnBackwardPointwise(n, h, rh, 0, dhm, 0, rec, 0, rda, 0);
                Memory gx = cc.upload(gates), hn = cc.alloc(n * h), gruH = cc.alloc(n * h), dax = cc.alloc(3L * n * h),
                        dah = cc.alloc(3L * n * h);
                cc.gruForwardPointwise(n, h, gx, 0, g, n * h, bm, bm, cp, 0, hn, 0, gruH, 0);
                cc.gruBackwardPointwise(n, h, gx, 0, hn, 0, cp, 0, dhm, 0, rec, 0, dax, 0, dah, 0);
                float[] all = concat(get(cc, g), get(cc, c), get(cc, hh), get(cc, dcm), get(cc, da), get(cc, rh),
                        get(cc, rda),
                        get(cc, gx), get(cc, hn), get(cc, gruH), get(cc, dax), get(cc, dah), get(cc, rec));
                Numerics.assertAllFinite("outputs", all);
                if (first == null) first = all;
                else assertArrayEquals(first, all, threads + " threads");
            } finally {
                cc.shutdown();
            }
        }
    }

    /** The transposes and column sums: the same bits on 1, 2 and 4 threads, and equal to the plain kernels. */
    @ParameterizedTest(name = "d0={0} d1={1} d2={2}")
    @CsvSource({"64,100,256", "3,7,5", "1000,40,33"})
    void transposeAndColumnSumSplitIsBitIdentical(int d0, int d1, int d2) {
        SplittableRandom r = Numerics.random();
        float[] x = Numerics.uniform(r, d0 * d1 * d2, 1);
        float[] wantT = new float[x.length], wantS = new float[d2];
        CpuKernels.swapAxes01(x, 0, wantT, 0, d0, d1, d2);
        CpuKernels.columnSum(x, 0, d0 * d1, d2, wantS, 0);
        for (int threads : new int[]{1, 2, 4}) {
            CpuCompute cc = new CpuCompute(threads);
            try {
                Memory src = cc.upload(x), t = cc.alloc(x.length), sum = cc.alloc(d2);
                cc.swapAxes01(src, 0, t, 0, d0, d1, d2);
                cc.columnSum(src, 0, d0 * d1, d2, sum, 0);
                assertArrayEquals(wantT, get(cc, t), threads + " threads: swapAxes01");
                assertArrayEquals(wantS, get(cc, sum), threads + " threads: columnSum");
            } finally {
                cc.shutdown();
            }
        }
    }

    /** The GRU forward on p: x·Wx from the first 3·n·h of gates, bx and bh from b. Returns {[r z n], hn, h}. */
    private static float[][] gru(Pointwise p, int n, int h, float[] gates, float[] gh, float[] b, float[] hPrev) {
        float[] g = java.util.Arrays.copyOf(gates, 3 * n * h), bx = java.util.Arrays.copyOf(b, 3 * h);
        float[] bh = java.util.Arrays.copyOfRange(b, h, 4 * h), hn = new float[n * h], hh = new float[n * h];
        p.gruForward(n, h, g, 0, gh, 0, bx, bh, hPrev, 0, hn, 0, hh, 0);
        return new float[][]{g, hn, hh};
    }

    private static float[] get(CpuCompute cc, Memory m) {
        float[] a = new float[(int) m.floats()];
        cc.download(m, 0, a, 0, a.length);
        return a;
    }

    private static float[] concat(float[]... parts) {
        int len = 0;
        for (float[] p : parts) len += p.length;
        float[] out = new float[len];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
