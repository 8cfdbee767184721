package org.rnn4j.cpu;

/**
 * Plain-Java kernel, the one that runs when the JDK's incubating Vector API is not enabled. Written for C2's
 * auto-vectorizer, which in JDK 17 vectorizes a loop only when its array indices are the loop variable plus
 * an offset that does not change in the enclosing loops: so each k-step copies its row of B into a fixed
 * buffer, and the MR rows of accumulators are separate arrays indexed from 0. Each accumulator element
 * is the same chain of {@code Math.fma} in ascending k as in the Vector API kernel, so both give the same bits.
 */
final class ScalarSgemmKernel implements SgemmKernel {
    static final int NR = 64;

    private static final class Acc {
        final float[] c0 = new float[NR], c1 = new float[NR], c2 = new float[NR], c3 = new float[NR],
                c4 = new float[NR],
                c5 = new float[NR], c6 = new float[NR], c7 = new float[NR], brow = new float[NR], brow2 = new float[NR];
    }

    private static final ThreadLocal<Acc> ACC = ThreadLocal.withInitial(Acc::new);

    @Override
    public int nr() { return NR; }

    @Override
    public String name() { return "scalar"; }

    @Override
    public void row(int kc, float[] ap, int ao, float[] bp, int bo, int bStride, float[] acc, int accOff) {
        float[] c0 = ACC.get().c0, x = ACC.get().brow;
        java.util.Arrays.fill(c0, 0f);
        for (int p = 0; p < kc; p++) {
            float a = ap[ao + p * MR];
            System.arraycopy(bp, bo + p * bStride, x, 0, NR);
            for (int j = 0; j < NR; j++) c0[j] = Math.fma(a, x[j], c0[j]);
        }
        System.arraycopy(c0, 0, acc, accOff, NR);
    }

    @Override
    public void tile(int kc, float[] ap, int ao, float[] bp, int bo, int bStride, float[] acc) {
        Acc s = ACC.get();
        float[] c0 = s.c0, c1 = s.c1, c2 = s.c2, c3 = s.c3, c4 = s.c4, c5 = s.c5, c6 = s.c6, c7 = s.c7, x = s.brow,
                y = s.brow2;
        for (float[] row : new float[][]{c0, c1, c2, c3, c4, c5, c6, c7}) java.util.Arrays.fill(row, 0f);
        int p = 0;
        // two k-steps per pass: half the loads and stores of the accumulators, the same fma order
        for (; p + 1 < kc; p += 2) {
            int a = ao + p * MR;
            float a0 = ap[a], a1 = ap[a + 1], a2 = ap[a + 2], a3 = ap[a + 3], a4 = ap[a + 4], a5 = ap[a + 5],
                    a6 = ap[a + 6], a7 = ap[a + 7];
            float b0 = ap[a + 8], b1 = ap[a + 9], b2 = ap[a + 10], b3 = ap[a + 11], b4 = ap[a + 12], b5 = ap[a + 13],
                    b6 = ap[a + 14], b7 = ap[a + 15];
            System.arraycopy(bp, bo + p * bStride, x, 0, NR);
            System.arraycopy(bp, bo + (p + 1) * bStride, y, 0, NR);
            for (int j = 0; j < NR; j++) {
                float xj = x[j], yj = y[j];
                c0[j] = Math.fma(b0, yj, Math.fma(a0, xj, c0[j]));
                c1[j] = Math.fma(b1, yj, Math.fma(a1, xj, c1[j]));
                c2[j] = Math.fma(b2, yj, Math.fma(a2, xj, c2[j]));
                c3[j] = Math.fma(b3, yj, Math.fma(a3, xj, c3[j]));
                c4[j] = Math.fma(b4, yj, Math.fma(a4, xj, c4[j]));
                c5[j] = Math.fma(b5, yj, Math.fma(a5, xj, c5[j]));
                c6[j] = Math.fma(b6, yj, Math.fma(a6, xj, c6[j]));
                c7[j] = Math.fma(b7, yj, Math.fma(a7, xj, c7[j]));
            }
        }
        for (; p < kc; p++) {
            int a = ao + p * MR;
            float a0 = ap[a], a1 = ap[a + 1], a2 = ap[a + 2], a3 = ap[a + 3], a4 = ap[a + 4], a5 = ap[a + 5],
                    a6 = ap[a + 6], a7 = ap[a + 7];
            System.arraycopy(bp, bo + p * bStride, x, 0, NR);
            for (int j = 0; j < NR; j++) {
                float xj = x[j];
                c0[j] = Math.fma(a0, xj, c0[j]);
                c1[j] = Math.fma(a1, xj, c1[j]);
                c2[j] = Math.fma(a2, xj, c2[j]);
                c3[j] = Math.fma(a3, xj, c3[j]);
                c4[j] = Math.fma(a4, xj, c4[j]);
                c5[j] = Math.fma(a5, xj, c5[j]);
                c6[j] = Math.fma(a6, xj, c6[j]);
                c7[j] = Math.fma(a7, xj, c7[j]);
            }
        }
        float[][] rows = {c0, c1, c2, c3, c4, c5, c6, c7};
        for (int r = 0; r < MR; r++) System.arraycopy(rows[r], 0, acc, r * NR, NR);
    }
}
