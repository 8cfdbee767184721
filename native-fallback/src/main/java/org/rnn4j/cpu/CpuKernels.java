package org.rnn4j.cpu;

/**
 * The pointwise steps of the cells in plain Java. Each method is the CPU twin of the CUDA kernel of the same
 * name in kernels/ (snake_case there); see {@link org.rnn4j.internal.Compute} for their contracts.
 * Arrays are row-major; offsets in floats. Gate order along 4H: i, f, o, g.
 */
public final class CpuKernels {
    private CpuKernels() {}

    static float sigmoid(float x) { return (float) (1.0 / (1.0 + Math.exp(-x))); }

    static float tanh(float x) { return (float) Math.tanh(x); }

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
            for (int j = 0; j < h; j++) {
                float i = gates[g0 + j], f = gates[g0 + h + j], o = gates[g0 + 2 * h + j], g = gates[g0 + 3 * h + j];
                float tc = tanh(c[cOff + s0 + j]);
                float dhTot = dh[dhOff + s0 + j] + dhRec[dhRecOff + s0 + j];
                float dcTot = dc[dcOff + s0 + j] + dhTot * o * (1f - tc * tc);
                da[a0 + j] = dcTot * g * i * (1f - i);
                da[a0 + h + j] = dcTot * cPrev[cPrevOff + s0 + j] * f * (1f - f);
                da[a0 + 2 * h + j] = dhTot * tc * o * (1f - o);
                da[a0 + 3 * h + j] = dcTot * i * (1f - g * g);
                dc[dcOff + s0 + j] = dcTot * f;
            }
        }
    }

    /** dst (d1,d0,d2) = src (d0,d1,d2). */
    public static void swapAxes01(float[] src, int srcOff, float[] dst, int dstOff, int d0, int d1, int d2) {
        for (int a = 0; a < d0; a++)
            for (int b = 0; b < d1; b++)
                System.arraycopy(src, srcOff + (a * d1 + b) * d2, dst, dstOff + (b * d0 + a) * d2, d2);
    }

    /** out[j] = sum over r of a[r,j], rows in ascending order. */
    public static void columnSum(float[] a, int off, int rows, int cols, float[] out, int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + cols, 0f);
        for (int r = 0; r < rows; r++) {
            int p = off + r * cols;
            for (int j = 0; j < cols; j++) out[outOff + j] += a[p + j];
        }
    }
}
