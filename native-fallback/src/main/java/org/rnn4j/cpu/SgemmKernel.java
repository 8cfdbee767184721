package org.rnn4j.cpu;

/**
 * The register-blocked inner kernel of {@link Sgemm}: one MR×NR tile of C from a packed MR-row panel of A
 * (ap[ao + p·MR + r]) and an NR-column panel of B (bp[bo + p·bStride + j]) over kc steps.
 *
 * <p>Contract that keeps results identical across kernels, tiles and threads: for every element the kernel
 * forms acc = fma(a[kc-1], b[kc-1], … fma(a[0], b[0], 0)) in ascending p, then either adds it to C
 * ({@code c = c + acc}) or stores acc itself (edge tiles, which the driver adds afterwards the same way).
 */
interface SgemmKernel {
    int MR = 6;

    /** Columns per tile: a multiple of the SIMD width the kernel uses. */
    int nr();

    /** C[co + r·ldc + j] = C[...] + acc[r][j] for r < MR, j < nr(); add=false stores acc instead. */
    void tile(int kc, float[] ap, int ao, float[] bp, int bo, int bStride, float[] c, int co, int ldc, boolean add);

    String name();
}
