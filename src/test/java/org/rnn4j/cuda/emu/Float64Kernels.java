package org.rnn4j.cuda.emu;

/**
 * The pointwise kernels' formulas in float64, from the same float32 inputs, for judging a float32 result.
 * Besides each value, a {@link Ref} carries its rounding magnitude, a first-order running error bound: a sum's
 * magnitude is the sum of its terms' magnitudes, a product's the product of its factors', and a function's
 * |f(x)| + |f'(x)|·mag(x). A float32 evaluation of a handful of operations is then off by a few ulps of that
 * magnitude, whereas the value itself can cancel to near zero (c = f*cPrev + i*g, 1 - y*y for |y| near 1) or
 * sit on a steep slope (sigmoid(x) = 1e-18 moves by |x| ulps when x = pre + b is rounded), where a plain relative
 * error would measure the formula's conditioning instead of the kernel. Inputs are exact, so a sum of two of them
 * (rounded once) has magnitude |sum|.
 */
final class Float64Kernels {
    private Float64Kernels() {}

    /** Values and the magnitudes their rounding errors scale with. */
    record Ref(double[] value, double[] mag) {
        Ref(int n) { this(new double[n], new double[n]); }

        void set(int i, double v, double m) {
            value[i] = v;
            mag[i] = m;
        }
    }

    static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    /** Magnitude of sigmoid(x) = s from an x of magnitude xMag: s + s(1-s)·xMag. */
    static double sigmoidMag(double s, double xMag) { return s + s * (1 - s) * xMag; }

    /** Magnitude of tanh(x) = t from an x of magnitude xMag: |t| + (1-t²)·xMag. */
    static double tanhMag(double t, double xMag) { return Math.abs(t) + (1 - t * t) * xMag; }

    static Ref rnnForward(int n, int h, float[] pre, float[] b) {
        Ref out = new Ref(n * h);
        for (int e = 0; e < n * h; e++) {
            double x = (double) pre[e] + b[e % h], y = Math.tanh(x);
            out.set(e, y, tanhMag(y, Math.abs(x)));
        }
        return out;
    }

    static Ref rnnBackward(int n, int h, float[] hT, float[] dh, float[] dhRec) {
        Ref out = new Ref(n * h);
        for (int e = 0; e < n * h; e++) {
            double y = hT[e], grad = (double) dh[e] + dhRec[e];
            out.set(e, (1 - y * y) * grad, (1 + y * y) * Math.abs(grad));
        }
        return out;
    }

    /** {activated gates (N,4H), c (N,H), h (N,H)}. */
    static Ref[] lstmForward(int n, int h, float[] gates, float[] b, float[] cPrev) {
        Ref act = new Ref(n * 4 * h), c = new Ref(n * h), hOut = new Ref(n * h);
        for (int e = 0; e < n * h; e++) {
            int row = e / h * 4 * h, j = e % h;
            double[] a = new double[4], m = new double[4];
            for (int k = 0; k < 4; k++) {
                double x = (double) gates[row + k * h + j] + b[k * h + j];
                a[k] = k == 3 ? Math.tanh(x) : sigmoid(x);
                m[k] = k == 3 ? tanhMag(a[k], Math.abs(x)) : sigmoidMag(a[k], Math.abs(x));
                act.set(row + k * h + j, a[k], m[k]);
            }
            double cn = a[1] * cPrev[e] + a[0] * a[3];
            double cMag = m[1] * Math.abs(cPrev[e]) + m[0] * m[3];
            c.set(e, cn, cMag);
            double tc = Math.tanh(cn);
            hOut.set(e, a[2] * tc, m[2] * tanhMag(tc, cMag));
        }
        return new Ref[] {act, c, hOut};
    }

    /** {da (N,4H), dPrevC (N,H)} from activated gates and dNextC. */
    static Ref[] lstmBackward(int n, int h, float[] gates, float[] cPrev, float[] c, float[] dh, float[] dhRec,
                              float[] dNextC) {
        Ref da = new Ref(n * 4 * h), dc = new Ref(n * h);
        for (int e = 0; e < n * h; e++) {
            int row = e / h * 4 * h, j = e % h;
            double i = gates[row + j], f = gates[row + h + j], o = gates[row + 2 * h + j], g = gates[row + 3 * h + j];
            double tc = Math.tanh(c[e]), dhTot = (double) dh[e] + dhRec[e];
            double viaH = dhTot * o * (1 - tc * tc), viaHMag = Math.abs(dhTot) * o * (1 + tc * tc);
            double dcTot = dNextC[e] + viaH, dcMag = Math.abs(dNextC[e]) + viaHMag;
            da.set(row + j, dcTot * g * i * (1 - i), dcMag * Math.abs(g) * i * (1 - i));
            da.set(row + h + j, dcTot * cPrev[e] * f * (1 - f), dcMag * Math.abs(cPrev[e]) * f * (1 - f));
            da.set(row + 2 * h + j, dhTot * tc * o * (1 - o), Math.abs(dhTot * tc) * o * (1 - o));
            da.set(row + 3 * h + j, dcTot * i * (1 - g * g), dcMag * i * (1 + g * g));
            dc.set(e, dcTot * f, dcMag * f);
        }
        return new Ref[] {da, dc};
    }

    /**
     * {activations [r z n] (N,3H), hn (N,H), h (N,H)} from gx = x·Wx, gh = prevH·Wh (N,3H), bx, bh (3H), hPrev.
     * A factor 1-z computed from an exact z is off by at most an ulp of itself (exact when z ≥ 0.5), so its
     * magnitude is |1-z|.
     */
    static Ref[] gruForward(int n, int h, float[] gx, float[] gh, float[] bx, float[] bh, float[] hPrev) {
        Ref act = new Ref(n * 3 * h), hn = new Ref(n * h), hOut = new Ref(n * h);
        for (int e = 0; e < n * h; e++) {
            int row = e / h * 3 * h, j = e % h;
            double[] a = new double[2], m = new double[2];
            for (int k = 0; k < 2; k++) {
                int q = row + k * h + j, b = k * h + j;
                double x = (double) gx[q] + bx[b] + gh[q] + bh[b];
                a[k] = sigmoid(x);
                m[k] = sigmoidMag(a[k], Math.abs(gx[q]) + Math.abs(bx[b]) + Math.abs(gh[q]) + Math.abs(bh[b]));
                act.set(q, a[k], m[k]);
            }
            int q = row + 2 * h + j, b = 2 * h + j;
            double hidden = (double) gh[q] + bh[b];
            hn.set(e, hidden, Math.abs(hidden));
            double x = (double) gx[q] + bx[b] + a[0] * hidden;
            double nn = Math.tanh(x), nMag = tanhMag(nn, Math.abs(gx[q]) + Math.abs(bx[b]) + m[0] * Math.abs(hidden));
            act.set(q, nn, nMag);
            double z = a[1], zMag = m[1];
            hOut.set(e, (1 - z) * nn + z * hPrev[e], ((1 - z) + zMag) * nMag + zMag * Math.abs(hPrev[e]));
        }
        return new Ref[] {act, hn, hOut};
    }

    /** {dax (N,3H), dah (N,3H), dhRec out = (dh+dhRec)*z (N,H)} from the activations, hn, hPrev, dh, dhRec. */
    static Ref[] gruBackward(int n, int h, float[] gates, float[] hn, float[] hPrev, float[] dh, float[] dhRec) {
        Ref dax = new Ref(n * 3 * h), dah = new Ref(n * 3 * h), direct = new Ref(n * h);
        for (int e = 0; e < n * h; e++) {
            int row = e / h * 3 * h, j = e % h;
            double r = gates[row + j], z = gates[row + h + j], nn = gates[row + 2 * h + j];
            double g = (double) dh[e] + dhRec[e], gMag = Math.abs(g);
            double dan = g * (1 - z) * (1 - nn * nn), danMag = gMag * (1 - z) * (1 + nn * nn);
            double daz = g * (hPrev[e] - nn) * z * (1 - z), dazMag = gMag * (Math.abs(hPrev[e]) + Math.abs(nn)) * z * (1 - z);
            double dar = dan * hn[e] * r * (1 - r), darMag = danMag * Math.abs(hn[e]) * r * (1 - r);
            dax.set(row + j, dar, darMag);
            dax.set(row + h + j, daz, dazMag);
            dax.set(row + 2 * h + j, dan, danMag);
            dah.set(row + j, dar, darMag);
            dah.set(row + h + j, daz, dazMag);
            dah.set(row + 2 * h + j, dan * r, danMag * r);
            direct.set(e, g * z, gMag * z);
        }
        return new Ref[] {dax, dah, direct};
    }

    /** dst (d1,d0,d2) = src (d0,d1,d2): exact, so the magnitude is the value's. */
    static Ref swapAxes01(float[] src, int d0, int d1, int d2) {
        Ref out = new Ref(src.length);
        for (int a = 0; a < d0; a++)
            for (int b = 0; b < d1; b++)
                for (int k = 0; k < d2; k++) {
                    float v = src[(a * d1 + b) * d2 + k];
                    out.set((b * d0 + a) * d2 + k, v, Math.abs(v));
                }
        return out;
    }

    /** out[c,j] = sum of a[r,j] over the rows of chunk c (chunk rows each; the last may be shorter). */
    static Ref columnSumChunks(float[] a, int rows, int cols, int chunk) {
        Ref out = new Ref((rows + chunk - 1) / chunk * cols);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) {
                int o = r / chunk * cols + j;
                out.set(o, out.value[o] + a[r * cols + j], out.mag[o] + Math.abs(a[r * cols + j]));
            }
        return out;
    }
}
