package org.rnn4j.cpu;

import org.rnn4j.compute.Compute;

/**
 * The pointwise steps of the cells in plain Java. Each method is the CPU twin of the CUDA kernel of the same
 * name in kernels/ (snake_case there); see {@link org.rnn4j.compute.Compute} for their contracts.
 * Arrays are row-major; offsets in floats. Gate order along 4H: i, f, o, g; along 3H (GRU): r, z, n.
 */
public final class CpuKernels {
    private CpuKernels() {}

    /**
     * 1/(1+e^-x) in float, within 4 ulp; ±inf and NaN behave as the exact function. With e = e^-|x| (never
     * overflows), 1/(1+e) for x ≥ 0 and e/(1+e) below: the deep negative tail keeps its (subnormal) value
     * instead of flushing to 0, as the CUDA kernels' rnn4j_sigmoid does.
     */
    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        return x >= 0f ? 1f / (1f + e) : e / (1f + e);
    }

    /**
     * tanh in float, within 4 ulp: an odd Taylor polynomial below |x| = 0.5 (where 1 - 2/(e^2x + 1) would
     * cancel), else 1 - 2/(e^2|x| + 1) with the sign restored. Math.tanh (double, not intrinsified) cost about
     * 20 ns an element and dominated the fused steps at small sizes.
     */
    static float tanh(float x) {
        float ax = Math.abs(x);
        if (ax < 0.5f) {
            float x2 = x * x;
            float p = 21844f / 6081075f;
            p = p * x2 - 1382f / 155925f;
            p = p * x2 + 62f / 2835f;
            p = p * x2 - 17f / 315f;
            p = p * x2 + 2f / 15f;
            p = p * x2 - 1f / 3f;
            return x == 0f ? x : x + x * x2 * p; // keeps the sign of zero
        }
        float t = 1f - 2f / (exp(2f * ax) + 1f);
        return Math.copySign(t, x);
    }

    private static final float LOG2E = 1.44269504f, LN2_HI = 0.693145752f, LN2_LO = 1.42860677e-6f;

    /**
     * e^x in float (within 4 ulp): x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split of ln2), a
     * degree-6 Taylor polynomial for e^r, then the exponent bits. +inf above 88.72, 0 below -103.
     * VectorPointwise repeats these exact operations lane by lane; change both together.
     */
    static float exp(float x) {
        if (x > 88.72f) return Float.POSITIVE_INFINITY;
        if (x < -103f) return 0f;
        // round to nearest by adding and removing 1.5·2^23 (exact here, |x·log2e| < 150): 3× faster than Math.rint
        float n = (x * LOG2E + 12582912f) - 12582912f;
        float r = (x - n * LN2_HI) - n * LN2_LO;
        float p = 1f / 720f;
        p = p * r + 1f / 120f;
        p = p * r + 1f / 24f;
        p = p * r + 1f / 6f;
        p = p * r + 0.5f;
        p = p * r + 1f;
        p = p * r + 1f;
        int e = (int) n, e1 = e >> 1, e2 = e - e1;
        // 2^e as 2^e1·2^e2: both factors normal for e in [-149, 128], and p·2^e1 is exact, so one rounding.
        return p * Float.intBitsToFloat((e1 + 127) << 23) * Float.intBitsToFloat((e2 + 127) << 23);
    }

    /** h (N,H) = tanh(pre (N,H) + b (H)). */
    public static void rnnForwardPointwise(int n, int h, float[] pre, int preOff, float[] b, float[] hOut, int hOff) {
        for (int r = 0; r < n; r++) {
            int p = preOff + r * h, q = hOff + r * h;
            for (int j = 0; j < h; j++) hOut[q + j] = tanh(pre[p + j] + b[j]);
        }
    }

    /** da (N,H) = (1 - h^2) * (dh + dhRec). */
    public static void rnnBackwardPointwise(int n, int h, float[] hT, int hOff, float[] dh, int dhOff,
                                            float[] dhRec, int dhRecOff, float[] da, int daOff) {
        int len = n * h;
        for (int e = 0; e < len; e++) {
            float y = hT[hOff + e];
            da[daOff + e] = (1f - y * y) * (dh[dhOff + e] + dhRec[dhRecOff + e]);
        }
    }

    /** gates (N,4H) pre-activations in, activated out; c = f*cPrev + i*g; h = o*tanh(c). */
    public static void lstmForwardPointwise(int n, int h, float[] gates, int gOff, float[] b,
                                            float[] cPrev, int cPrevOff, float[] c, int cOff, float[] hOut, int hOff) {
        for (int r = 0; r < n; r++) {
            int g0 = gOff + r * 4 * h, s0 = r * h;
            for (int j = 0; j < h; j++) {
                float i = sigmoid(gates[g0 + j] + b[j]);
                float f = sigmoid(gates[g0 + h + j] + b[h + j]);
                float o = sigmoid(gates[g0 + 2 * h + j] + b[2 * h + j]);
                float g = tanh(gates[g0 + 3 * h + j] + b[3 * h + j]);
                gates[g0 + j] = i;
                gates[g0 + h + j] = f;
                gates[g0 + 2 * h + j] = o;
                gates[g0 + 3 * h + j] = g;
                float cn = f * cPrev[cPrevOff + s0 + j] + i * g;
                c[cOff + s0 + j] = cn;
                hOut[hOff + s0 + j] = o * tanh(cn);
            }
        }
    }

    /** da (N,4H) from the activated gates; dc holds dNextC on entry, dPrevC on exit. */
    public static void lstmBackwardPointwise(int n, int h, float[] gates, int gOff, float[] cPrev, int cPrevOff,
                                             float[] c, int cOff, float[] dh, int dhOff, float[] dhRec, int dhRecOff,
                                             float[] dc, int dcOff, float[] da, int daOff) {
        for (int r = 0; r < n; r++) {
            int g0 = gOff + r * 4 * h, a0 = daOff + r * 4 * h, s0 = r * h;
            for (int j = 0; j < h; j++)
                lstmBackwardElement(gates, g0, h, j, tanh(c[cOff + s0 + j]), dh[dhOff + s0 + j]
                        + dhRec[dhRecOff + s0 + j],
                        cPrev[cPrevOff + s0 + j], dc, dcOff + s0 + j, da, a0);
        }
    }

    /**
     * Element j of one row of {@link #lstmBackwardPointwise}, given tc = tanh(c) and dhTot = dh + dhRec: writes the
     * four gate gradients da[a0 + {0,1,2,3}·h + j] and dc[dcIdx] in place. VectorPointwise's scalar tail calls it too,
     * so both paths do the same float operations (the same bits).
     */
    static void lstmBackwardElement(float[] gates, int g0, int h, int j, float tc, float dhTot, float cPrev,
                                    float[] dc, int dcIdx, float[] da, int a0) {
        float i = gates[g0 + j], f = gates[g0 + h + j], o = gates[g0 + 2 * h + j], g = gates[g0 + 3 * h + j];
        float dcTot = dc[dcIdx] + dhTot * o * (1f - tc * tc);
        da[a0 + j] = dcTot * g * i * (1f - i);
        da[a0 + h + j] = dcTot * cPrev * f * (1f - f);
        da[a0 + 2 * h + j] = dhTot * tc * o * (1f - o);
        da[a0 + 3 * h + j] = dcTot * i * (1f - g * g);
        dc[dcIdx] = dcTot * f;
    }

    /**
     * GRU forward, one step: gates (N,3H) holds x·Wx on entry and [r z n] on exit; gh (N,3H) = prevH·Wh is read;
     * hn (N,H) = gh_n + bh_n is written for backward; h = (1-z)*n + z*hPrev.
     */
    public static void gruForwardPointwise(int n, int h, float[] gates, int gOff, float[] gh, int ghOff, float[] bx,
                                           float[] bh, float[] hPrev, int hPrevOff, float[] hn, int hnOff,
                                           float[] hOut, int hOff) {
        for (int row = 0; row < n; row++) {
            int g0 = gOff + row * 3 * h, q0 = ghOff + row * 3 * h, s0 = row * h;
            for (int j = 0; j < h; j++) {
                float r = sigmoid((gates[g0 + j] + bx[j]) + (gh[q0 + j] + bh[j]));
                float z = sigmoid((gates[g0 + h + j] + bx[h + j]) + (gh[q0 + h + j] + bh[h + j]));
                float hidden = gh[q0 + 2 * h + j] + bh[2 * h + j];
                float nn = tanh((gates[g0 + 2 * h + j] + bx[2 * h + j]) + r * hidden);
                gates[g0 + j] = r;
                gates[g0 + h + j] = z;
                gates[g0 + 2 * h + j] = nn;
                hn[hnOff + s0 + j] = hidden;
                hOut[hOff + s0 + j] = (1f - z) * nn + z * hPrev[hPrevOff + s0 + j];
            }
        }
    }

    /**
     * GRU backward, one step, from [r z n] and hn left by forward: writes dax and dah (N,3H); dhRec holds the
     * gradient from step t+1 on entry and (dh + dhRec)*z on exit.
     */
    public static void gruBackwardPointwise(int n, int h, float[] gates, int gOff, float[] hn, int hnOff,
                                            float[] hPrev, int hPrevOff, float[] dh, int dhOff, float[] dhRec,
                                            int dhRecOff, float[] dax, int daxOff, float[] dah, int dahOff) {
        for (int row = 0; row < n; row++) {
            int g0 = gOff + row * 3 * h, x0 = daxOff + row * 3 * h, a0 = dahOff + row * 3 * h, s0 = row * h;
            for (int j = 0; j < h; j++) {
                float r = gates[g0 + j], z = gates[g0 + h + j], nn = gates[g0 + 2 * h + j];
                float dhTot = dh[dhOff + s0 + j] + dhRec[dhRecOff + s0 + j];
                float dan = dhTot * (1f - z) * (1f - nn * nn);
                float daz = dhTot * (hPrev[hPrevOff + s0 + j] - nn) * z * (1f - z);
                float dar = dan * hn[hnOff + s0 + j] * r * (1f - r);
                dax[x0 + j] = dar;
                dax[x0 + h + j] = daz;
                dax[x0 + 2 * h + j] = dan;
                dah[a0 + j] = dar;
                dah[a0 + h + j] = daz;
                dah[a0 + 2 * h + j] = dan * r;
                dhRec[dhRecOff + s0 + j] = dhTot * z;
            }
        }
    }

    /** dst (d1,d0,d2) = src (d0,d1,d2). */
    public static void swapAxes01(float[] src, int srcOff, float[] dst, int dstOff, int d0, int d1, int d2) {
        swapAxes01(src, srcOff, dst, dstOff, d0, d1, d2, 0, d0);
    }

    /** {@link #swapAxes01} for the rows a in [a0, a1) of src only (a pure copy: ranges are independent). */
    public static void swapAxes01(float[] src, int srcOff, float[] dst, int dstOff, int d0, int d1, int d2,
                                  int a0, int a1) {
        for (int a = a0; a < a1; a++)
            for (int b = 0; b < d1; b++)
                System.arraycopy(src, srcOff + (a * d1 + b) * d2, dst, dstOff + (b * d0 + a) * d2, d2);
    }



    /** out[j] = sum over r of a[r,j] in Compute.columnSum's fixed tree order. */
    public static void columnSum(float[] a, int off, int rows, int cols, float[] out, int outOff) {
        columnSum(a, off, rows, cols, out, outOff, 0, cols);
    }

    /** {@link #columnSum} for columns [j0, j1) only (each column is summed on its own, so ranges are independent). */
    public static void columnSum(float[] a, int off, int rows, int cols, float[] out, int outOff, int j0, int j1) {
        if (rows == 0) {
            java.util.Arrays.fill(out, outOff + j0, outOff + j1, 0f);
            return;
        }
        float[] src = a;
        int srcOff = off, n = rows;
        while (n > Compute.COLUMN_SUM_CHUNK) {
            int m = Compute.columnSumPartials(n);
            float[] partial = new float[m * cols];
            columnSumChunks(src, srcOff, n, cols, Compute.COLUMN_SUM_CHUNK, partial, 0, j0, j1);
            src = partial;
            srcOff = 0;
            n = m;
        }
        columnSumChunks(src, srcOff, n, cols, n, out, outOff, j0, j1);
    }

    /**
     * out[c,j] = sum of a[r,j] over the rows of chunk c (rows c*chunk .. c*chunk+chunk-1, ascending, from 0f);
     * out (ceil(rows/chunk), cols), columns [j0, j1) only. Twin of column_sum.
     */
    public static void columnSumChunks(float[] a, int off, int rows, int cols, int chunk, float[] out, int outOff,
            int j0, int j1) {
        int chunks = (rows + chunk - 1) / chunk;
        for (int c = 0; c < chunks; c++) {
            int o = outOff + c * cols;
            java.util.Arrays.fill(out, o + j0, o + j1, 0f);
            for (int r = c * chunk, end = Math.min(rows, r + chunk); r < end; r++) {
                int p = off + r * cols;
                for (int j = j0; j < j1; j++) out[o + j] += a[p + j];
            }
        }
    }

    // ---------------------------------------------------------------- language-model layers and training
    // Twins of kernels/train.cu; contracts in org.rnn4j.compute.Compute.

    /** out (rows,v) = one-hot of idx (rows). Twin of one_hot. */
    public static void oneHot(int rows, int v, float[] idx, int idxOff, float[] out, int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + rows * v, 0f);
        for (int r = 0; r < rows; r++) out[outOff + r * v + (int) idx[idxOff + r]] = 1f;
    }

    /** out (rows,d) row r = table[idx[r],:]. Twin of gather_rows. */
    public static void gatherRows(int rows, int d, float[] idx, int idxOff, float[] table, int tableOff,
                                  float[] out, int outOff) {
        for (int r = 0; r < rows; r++)
            System.arraycopy(table, tableOff + (int) idx[idxOff + r] * d, out, outOff + r * d, d);
    }

    /** Per-row softmax cross-entropy and its gradient (see Compute). Twin of softmax_cross_entropy. */
    public static void softmaxCrossEntropy(int rows, int v, float scale, float[] s, int sOff, float[] y, int yOff,
                                           float[] mask, int maskOff, float[] loss, int lossOff, float[] d, int dOff) {
        for (int r = 0; r < rows; r++) {
            int p = sOff + r * v, q = dOff + r * v, label = (int) y[yOff + r];
            float max = s[p];
            for (int j = 1; j < v; j++) max = Math.max(max, s[p + j]);
            float z = 0f;
            for (int j = 0; j < v; j++) {   // each exp once: kept in d until z is known
                float e = (float) Math.exp(s[p + j] - max);
                d[q + j] = e;
                z += e;
            }
            float w = mask[maskOff + r];
            loss[lossOff + r] = w * ((float) Math.log(z) + max - s[p + label]);
            float k = scale * w;
            for (int j = 0; j < v; j++) {
                float prob = d[q + j] / z;
                d[q + j] = k * (j == label ? prob - 1f : prob);
            }
        }
    }

    /**
     * One pass of the deterministic sum: out[l] = sum over k ascending of f(x[l + k*lanes]) for l &lt; lanes, with
     * f the square when asked. Each lane's order is fixed by its index alone, so the GPU twin (one thread per
     * lane, any grid) performs exactly these float additions and gives the same bits. Twin of sum_lanes.
     */
    public static void sumLanes(int n, int lanes, boolean squared, float[] x, int off, float[] out, int outOff) {
        for (int l = 0; l < lanes; l++) {
            float acc = 0f;
            for (int i = l; i < n; i += lanes) acc += squared ? x[off + i] * x[off + i] : x[off + i];
            out[outOff + l] = acc;
        }
    }

    /** x *= alpha. Twin of scale_inplace. */
    public static void scale(int n, float alpha, float[] x, int off) {
        for (int i = 0; i < n; i++) x[off + i] *= alpha;
    }

    /** One Adam step in place (see Compute.adamUpdate). Twin of adam_update. */
    public static void adamUpdate(int n, float lr, float beta1, float beta2, float eps, float bias1, float bias2,
                                  float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff) {
        for (int i = 0; i < n; i++) {
            float gi = g[gOff + i];
            float mi = beta1 * m[mOff + i] + (1f - beta1) * gi;
            float vi = beta2 * v[vOff + i] + (1f - beta2) * gi * gi;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            p[pOff + i] -= lr * (mi / bias1) / ((float) Math.sqrt(vi / bias2) + eps);
        }
    }
}
