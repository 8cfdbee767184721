package org.rnn4j.cpu;

/**
 * Plain-Java kernel, the one that runs when the JDK's incubating Vector API is not enabled. The accumulators
 * live in a per-thread scratch array; the column loops are simple counted loops of {@code Math.fma}.
 */
final class ScalarSgemmKernel implements SgemmKernel {
    static final int NR = 16;
    private static final ThreadLocal<float[]> ACC = ThreadLocal.withInitial(() -> new float[MR * NR]);

    @Override
    public int nr() { return NR; }

    @Override
    public String name() { return "scalar"; }

    @Override
    public void tile(int kc, float[] ap, int ao, float[] bp, int bo, int bStride, float[] c, int co, int ldc, boolean add) {
        float[] acc = ACC.get();
        java.util.Arrays.fill(acc, 0f);
        for (int p = 0; p < kc; p++) {
            int a = ao + p * MR, b = bo + p * bStride;
            for (int r = 0; r < MR; r++) {
                float av = ap[a + r];
                int q = r * NR;
                for (int j = 0; j < NR; j++) acc[q + j] = Math.fma(av, bp[b + j], acc[q + j]);
            }
        }
        for (int r = 0; r < MR; r++) {
            int row = co + r * ldc, q = r * NR;
            if (add) for (int j = 0; j < NR; j++) c[row + j] = c[row + j] + acc[q + j];
            else System.arraycopy(acc, q, c, row, NR);
        }
    }
}
