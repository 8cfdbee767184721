package org.rnn4j.cpu;

/**
 * The register-blocked inner kernel of {@link Sgemm}: one MR×NR tile of C from a packed MR-row panel of A
 * (ap[ao + p·MR + r]) and an NR-column panel of B (bp[bo + p·bStride + j]) over kc steps.
 *
 * <p>Contract that keeps results identical across kernels, tiles and threads: for every element the kernel
 * forms acc = fma(a[kc-1], b[kc-1], … fma(a[0], b[0], 0)) in ascending p and stores it; the driver then adds
 * it to C ({@code c = c + acc}) in plain Java. Why the kernel never touches C: on the Vector API, loading,
 * adding and storing C doubled the operations in the kernel's compilation unit, and C2 then left some of
 * them as calls to the API's slow fallback (one per tile) in every JVM; a plain-Java add it vectorizes itself.
 */
interface SgemmKernel {
    /** Rows per tile: 8 × 2 vectors of accumulators fill 16 of AVX-512's 32 registers; 16, 32 and 64 rows (the
     *  usual batch sizes) are whole tiles. */
    int MR = 8;

    /** Columns per tile: a multiple of the SIMD width the kernel uses. */
    int nr();

    /** acc[r·nr() + j] = the accumulated products of row r, column j, for r < MR, j < nr(). */
    void tile(int kc, float[] ap, int ao, float[] bp, int bo, int bStride, float[] acc);

    /**
     * One row of a tile: acc[accOff + j] for j < nr() from the row of the packed A panel starting at ap[ao] (stride
     * MR). The same fma chain per element as {@link #tile}, so the same bits; for the last few rows of C (and
     * products of 1–3 rows, such as a recurrence at batch 1) it skips the MR-row tile's padding rows.
     */
    void row(int kc, float[] ap, int ao, float[] bp, int bo, int bStride, float[] acc, int accOff);

    /** Panels {@link #rowWide} covers at once. */
    int WIDE = 4;

    /**
     * {@link #row} over WIDE consecutive panels of B at once (panel q at bo + q·panelStride): acc[accOff + q·nr() + j].
     * The same fma chain per element, so the same bits; a single row has only two independent chains per panel,
     * which leaves the FMA units waiting on each other's latency, and four panels give eight.
     */
    default void rowWide(int kc, float[] ap, int ao, float[] bp, int bo, int panelStride, int bStride, float[] acc,
                         int accOff) {
        for (int q = 0; q < WIDE; q++) row(kc, ap, ao, bp, bo + q * panelStride, bStride, acc, accOff + q * nr());
    }

    /** Below this many rows, {@link #row} once per row costs less than one {@link #tile} of MR rows. */
    int ROW_KERNEL_MAX_ROWS = 3;

    String name();

    /**
     * c[co + r·ldc + j] = base + acc[accOff + r·nr() + j] for r &lt; rows, j &lt; nr(), where base is c's element when
     * {@code add}, else +0 (so -0 sums become +0, as adding to a zeroed C gives). The driver's update of C from a
     * tile of sums; a kernel may override it with the same float additions done wider.
     */
    default void addTile(int rows, float[] acc, int accOff, float[] c, int co, int ldc, boolean add) {
        int nr = nr();
        for (int r = 0; r < rows; r++) {
            int cr = co + r * ldc, er = accOff + r * nr;
            if (add) for (int j = 0; j < nr; j++) c[cr + j] = c[cr + j] + acc[er + j];
            else for (int j = 0; j < nr; j++) c[cr + j] = 0f + acc[er + j];
        }
    }
}
