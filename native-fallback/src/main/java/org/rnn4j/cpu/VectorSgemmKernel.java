package org.rnn4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernel on the JDK's Vector API (incubating in Java 17): 8 rows × 2 vectors of accumulators (16 registers,
 * 8×32 floats with AVX-512) stay in registers for the whole k loop; each step loads two vectors of B and
 * broadcasts eight values of A. Loaded only when the JVM runs with {@code --add-modules jdk.incubator.vector}
 * (see {@link Sgemm#kernel()}); nothing else references this class directly.
 */
final class VectorSgemmKernel implements SgemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public int nr() { return 2 * L; }

    @Override
    public String name() { return "vector" + (S.vectorBitSize()); }

    @Override
    public void row(int kc, float[] ap, int ao, float[] bp, int bo, int bStride, float[] acc, int accOff) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int p = 0; p < kc; p++) {
            int b = bo + p * bStride;
            FloatVector x = FloatVector.broadcast(S, ap[ao + p * MR]);
            c0 = x.fma(FloatVector.fromArray(S, bp, b), c0);
            c1 = x.fma(FloatVector.fromArray(S, bp, b + L), c1);
        }
        c0.intoArray(acc, accOff);
        c1.intoArray(acc, accOff + L);
    }

    /** Two vectors per row: the same additions as the plain loop, one instruction per 16 floats. */
    @Override
    public void addTile(int rows, float[] acc, int accOff, float[] c, int co, int ldc, boolean add) {
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int cr = co + r * ldc, er = accOff + r * 2 * L;
            FloatVector b0 = add ? FloatVector.fromArray(S, c, cr) : zero;
            FloatVector b1 = add ? FloatVector.fromArray(S, c, cr + L) : zero;
            b0.add(FloatVector.fromArray(S, acc, er)).intoArray(c, cr);
            b1.add(FloatVector.fromArray(S, acc, er + L)).intoArray(c, cr + L);
        }
    }

    @Override
    public void rowWide(int kc, float[] ap, int ao, float[] bp, int bo, int panelStride, int bStride, float[] acc,
                        int accOff) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int o1 = panelStride, o2 = 2 * panelStride, o3 = 3 * panelStride;
        for (int p = 0; p < kc; p++) {
            int b = bo + p * bStride;
            FloatVector x = FloatVector.broadcast(S, ap[ao + p * MR]);
            c0 = x.fma(FloatVector.fromArray(S, bp, b), c0);
            c1 = x.fma(FloatVector.fromArray(S, bp, b + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, bp, b + o1), c2);
            c3 = x.fma(FloatVector.fromArray(S, bp, b + o1 + L), c3);
            c4 = x.fma(FloatVector.fromArray(S, bp, b + o2), c4);
            c5 = x.fma(FloatVector.fromArray(S, bp, b + o2 + L), c5);
            c6 = x.fma(FloatVector.fromArray(S, bp, b + o3), c6);
            c7 = x.fma(FloatVector.fromArray(S, bp, b + o3 + L), c7);
        }
        c0.intoArray(acc, accOff);
        c1.intoArray(acc, accOff + L);
        c2.intoArray(acc, accOff + 2 * L);
        c3.intoArray(acc, accOff + 3 * L);
        c4.intoArray(acc, accOff + 4 * L);
        c5.intoArray(acc, accOff + 5 * L);
        c6.intoArray(acc, accOff + 6 * L);
        c7.intoArray(acc, accOff + 7 * L);
    }

    @Override
    public void tile(int kc, float[] ap, int ao, float[] bp, int bo, int bStride, float[] acc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++) {
            int b = bo + p * bStride, a = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, b), b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x = FloatVector.broadcast(S, ap[a]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[a + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[a + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[a + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[a + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[a + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[a + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[a + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        int n = 2 * L;
        c00.intoArray(acc, 0);
        c01.intoArray(acc, L);
        c10.intoArray(acc, n);
        c11.intoArray(acc, n + L);
        c20.intoArray(acc, 2 * n);
        c21.intoArray(acc, 2 * n + L);
        c30.intoArray(acc, 3 * n);
        c31.intoArray(acc, 3 * n + L);
        c40.intoArray(acc, 4 * n);
        c41.intoArray(acc, 4 * n + L);
        c50.intoArray(acc, 5 * n);
        c51.intoArray(acc, 5 * n + L);
        c60.intoArray(acc, 6 * n);
        c61.intoArray(acc, 6 * n + L);
        c70.intoArray(acc, 7 * n);
        c71.intoArray(acc, 7 * n + L);
    }
}
