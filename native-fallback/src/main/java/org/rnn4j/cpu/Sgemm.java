package org.rnn4j.cpu;

/**
 * Row-major single-precision GEMM: C = alpha·op(A)·op(B) + beta·C, op(A) (m,k), op(B) (k,n), the contract of
 * {@link org.rnn4j.compute.Compute#gemm} (with beta = 0, C is never read).
 *
 * <p>GotoBLAS-style blocking: for each block of NC columns and each block of KC k-steps, op(B) is packed into
 * panels of nr columns (contiguous, zero-padded); for each block of MC rows op(A) is packed, times alpha,
 * into panels of MR rows; an {@link SgemmKernel} then computes each MR×nr tile with its accumulators in
 * registers. The packing buffers are per thread and reused, so a call allocates nothing once warm.
 *
 * <p>Threads ({@link Parallel}: the caller plus the pool's workers): C is cut into tiles along its longer side
 * (at multiples of MR rows or nr columns); a task owns a tile for the whole of k, so k is never split. Each
 * element is therefore computed by the same operations in the same order (beta·C, then per KC block c = c + Σ fma in
 * ascending k, blocks fixed from
 * k = 0) whatever the thread count, tile or kernel: results are bit-identical across runs and thread counts.
 */
public final class Sgemm {
    /**
     * k block: fixed, it sets the summation order. An 8×256 panel of A (8 KiB) and a 256×nr panel of B sit in L1/L2.
     */
    static final int KC = 256;
    /** Row block of packed A (multiple of MR) and column block of packed B. */
    static final int MC = 256, NC = 1024;
    /** Below this many flops (2mnk) per task, handing work to a worker costs more than it saves. */
    static final long MIN_FLOPS_PER_TASK = 1L << 19;
    /**
     * The same with op(B) packed once: each thread then reads its own columns of B at every call, from its own
     * cache, so splitting pays off sooner. Measured on a batch-1 LSTM recurrence (1×1024×256 per step, H = 256):
     * 2^17 is ~12% faster than 2^19 over 100 steps.
     */
    static final long MIN_FLOPS_PER_PACKED_TASK = 1L << 17;
    /** With at most this many rows, op(B) panels are read in place (when not transposed) instead of packed. */
    static final int DIRECT_B_MAX_M = 4 * SgemmKernel.MR;

    private static final SgemmKernel KERNEL = chooseKernel();

    private Sgemm() {}

    /** The kernel in use: the Vector API one if the JVM has jdk.incubator.vector, else the scalar one. */
    public static String kernel() { return KERNEL.name(); }

    static SgemmKernel defaultKernel() { return KERNEL; }

    /** Workers for {@code threads} threads in all (threads-1 workers plus the caller); null for one. Close it. */
    public static Parallel pool(int threads) { return Parallel.pool(threads); }

    private static SgemmKernel chooseKernel() {
        if ("scalar".equals(System.getProperty("rnn4j.sgemm"))) return new ScalarSgemmKernel();
        return VectorSupport.load("VectorSgemmKernel", SgemmKernel.class, new ScalarSgemmKernel());
    }

    public static void gemm(Parallel pool, boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int offA, int lda, float[] b, int offB, int ldb,
                            float beta, float[] c, int offC, int ldc) {
        gemm(KERNEL, pool, transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
    }

    static void gemm(SgemmKernel kernel, Parallel pool, boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int offA, int lda, float[] b, int offB, int ldb,
                     float beta, float[] c, int offC, int ldc) {
        if (m == 0 || n == 0) return;
        int mr = SgemmKernel.MR, nr = kernel.nr();
        int threads = Parallel.free(pool);
        long flops = 2L * m * n * Math.max(k, 1);
        int want = (int) Math.max(1, Math.min(threads, flops / MIN_FLOPS_PER_TASK));
        int rowUnits = (m + mr - 1) / mr, colUnits = (n + nr - 1) / nr;
        // Each task packs its rows of A and its columns of B: cutting rows makes every task pack all of B,
        // cutting columns all of A. So cut along the longer side of C (the smaller packing per task).
        boolean byRows = m >= n ? rowUnits >= want || colUnits < rowUnits : colUnits < want && rowUnits > colUnits;
        int parts = Math.min(want, byRows ? rowUnits : colUnits);
        Parallel.run(pool, parts, t -> {
            int r0 = 0, r1 = m, c0 = 0, c1 = n;
            if (byRows) { r0 = cut(m, rowUnits, parts, t, mr); r1 = cut(m, rowUnits, parts, t + 1, mr); }
            else { c0 = cut(n, colUnits, parts, t, nr); c1 = cut(n, colUnits, parts, t + 1, nr); }
            tile(kernel, transA, transB, r0, r1, c0, c1, k, alpha, a, offA, lda, b, offB, ldb, null, beta,
                    c, offC, ldc);
        });
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C with op(B) packed beforehand ({@link PackedB#pack}): the same kernel calls
     * on the same values as the unpacked gemm, so the same bits. Without B to pack per call, each task only
     * packs its rows of A; C is cut by columns whenever there are enough, so each thread reads its own part
     * of the packed B at every call (it stays in that core's cache across the steps of a recurrence).
     */
    public static void gemm(Parallel pool, boolean transA, int m, int n, int k, float alpha, float[] a, int offA,
            int lda,
                            PackedB pb, float beta, float[] c, int offC, int ldc) {
        SgemmKernel kernel = pb.kernel;
        if (pb.k != k || pb.n != n)
            throw new IllegalArgumentException("gemm: packed B must be (k, n) = (" + k + ", " + n + ") but is (" + pb.k
                    + ", " + pb.n + ")");
        if (m == 0 || n == 0) return;
        int mr = SgemmKernel.MR, nr = kernel.nr();
        int threads = Parallel.free(pool);
        long flops = 2L * m * n * Math.max(k, 1);
        int want = (int) Math.max(1, Math.min(threads, flops / MIN_FLOPS_PER_PACKED_TASK));
        int rowUnits = (m + mr - 1) / mr, colUnits = (n + nr - 1) / nr;
        boolean byRows = colUnits < want && rowUnits > colUnits;
        int parts = Math.min(want, byRows ? rowUnits : colUnits);
        Parallel.run(pool, parts, t -> {
            int r0 = 0, r1 = m, c0 = 0, c1 = n;
            if (byRows) { r0 = cut(m, rowUnits, parts, t, mr); r1 = cut(m, rowUnits, parts, t + 1, mr); }
            else { c0 = cut(n, colUnits, parts, t, nr); c1 = cut(n, colUnits, parts, t + 1, nr); }
            tile(kernel, transA, false, r0, r1, c0, c1, k, alpha, a, offA, lda, null, 0, 0, pb, beta, c, offC, ldc);
        });
    }

    /** Boundary {@code part} of {@code len} elements = {@code units} units of {@code unit}, cut into {@code parts}. */
    static int cut(int len, int units, int parts, int part, int unit) {
        return Math.min(len, (int) ((long) units * part / parts) * unit);
    }

    /** Per-thread packing buffers and the kernel's MR×nr tile of sums, grown on demand and reused. */
    static final class Scratch {
        float[] ap = new float[0], bp = new float[0], edge = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** This thread's scratch, each buffer at least as long as asked. */
    static Scratch scratch(int apLen, int bpLen, int edgeLen) {
        Scratch s = SCRATCH.get();
        if (s.ap.length < apLen) s.ap = new float[apLen];
        if (s.bp.length < bpLen) s.bp = new float[bpLen];
        if (s.edge.length < edgeLen) s.edge = new float[edgeLen];
        return s;
    }

    /** C[r0..r1, c0..c1] over all of k: one task's share. With pb (pre-packed op(B)), b/transB are unused. */
    static void tile(SgemmKernel kernel, boolean transA, boolean transB, int r0, int r1, int c0, int c1, int k,
                     float alpha, float[] a, int offA, int lda, float[] b, int offB, int ldb, PackedB pb,
                     float beta, float[] c, int offC, int ldc) {
        if (k == 0 || alpha == 0f) {
            scaleC(c, offC, ldc, r0, r1, c0, c1, beta);
            return;
        }
        // beta = 0: the first k block stores 0 + acc (what zeroing C and adding would give, -0 included) instead of
        // a pass that zeroes C and a read of it back; otherwise C is scaled first and every block adds
        boolean store = beta == 0f;
        if (!store) scaleC(c, offC, ldc, r0, r1, c0, c1, beta);
        final int mr = SgemmKernel.MR, nr = kernel.nr();
        int ncMax = Math.min(NC, c1 - c0), kcMax = Math.min(KC, k), mcMax = Math.min(MC, r1 - r0);
        boolean prepacked = pb != null, directB = !prepacked && !transB && r1 - r0 <= DIRECT_B_MAX_M;
        int apLen = ((mcMax + mr - 1) / mr) * mr * kcMax;
        int bpLen = prepacked ? 0 : directB ? nr * kcMax : ((ncMax + nr - 1) / nr) * nr * kcMax;
        Scratch s = scratch(apLen, bpLen, mr * nr);
        float[] ap = s.ap, bp = s.bp, edge = s.edge;
        for (int jc = c0; jc < c1; jc += NC) {
            int nc = Math.min(NC, c1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                if (!directB && !prepacked) {
                    if (transB) packBT(b, offB, ldb, pc, kc, jc, nc, nr, bp, 0);
                    else packB(b, offB, ldb, pc, kc, jc, nc, nr, bp, 0);
                }
                for (int ic = r0; ic < r1; ic += MC) {
                    int mc = Math.min(MC, r1 - ic);
                    if (transA) packAT(a, offA, lda, ic, mc, pc, kc, alpha, ap);
                    else packA(a, offA, lda, ic, mc, pc, kc, alpha, ap);
                    boolean add = !store || pc > 0, wide = mc <= SgemmKernel.ROW_KERNEL_MAX_ROWS;
                    for (int jr = 0; jr < nc; ) {
                        int w = Math.min(nr, nc - jr);
                        float[] bsrc = bp;
                        int bo = (jr / nr) * nr * kc, bStride = nr, panelStride = nr * kc;
                        if (prepacked) { bsrc = pb.data; bo = pb.panel(jc + jr) + pc * nr; panelStride = nr * pb.k; }
                        else if (directB) {
                            if (w == nr) { bsrc = b; bo = offB + pc * ldb + jc + jr; bStride = ldb; panelStride = nr; }
                            else { packB(b, offB, ldb, pc, kc, jc + jr, w, nr, bp, 0); bo = 0; }
                        }
                        int co = offC + ic * ldc + jc + jr;
                        if (wide && nc - jr >= SgemmKernel.WIDE * nr) {   // 1-3 rows: four panels per kernel call
                            for (int r = 0; r < mc; r++) {
                                kernel.rowWide(kc, ap, r, bsrc, bo, panelStride, bStride, edge, 0);
                                for (int q = 0; q < SgemmKernel.WIDE; q++)
                                    kernel.addTile(1, edge, q * nr, c, co + r * ldc + q * nr, ldc, add);
                            }
                            jr += SgemmKernel.WIDE * nr;
                            continue;
                        }
                        panel(kernel, ap, mc, kc, bsrc, bo, bStride, w, edge, c, co, ldc, add);
                        jr += nr;
                    }
                }
            }
        }
    }

    /**
     * One column panel of C: rows [0, mc) and w ≤ nr columns from co (row stride ldc), the products of packed A
     * (ap, kc steps) and a kc×nr panel of B (b[bo + p·bStride + j]), added to C, or stored as 0 + sums when
     * {@code add} is false (the first k block with beta = 0).
     */
    static void panel(SgemmKernel kernel, float[] ap, int mc, int kc, float[] b, int bo, int bStride, int w,
                      float[] edge, float[] c, int co, int ldc, boolean add) {
        final int mr = SgemmKernel.MR, nr = kernel.nr();
        for (int ir = 0; ir < mc; ir += mr) {
            int h = Math.min(mr, mc - ir), ao = ir * kc, cr0 = co + ir * ldc;
            if (h <= SgemmKernel.ROW_KERNEL_MAX_ROWS)
                for (int r = 0; r < h; r++) kernel.row(kc, ap, ao + r, b, bo, bStride, edge, r * nr);
            else kernel.tile(kc, ap, ao, b, bo, bStride, edge);
            if (w == nr) {
                kernel.addTile(h, edge, 0, c, cr0, ldc, add);
            } else {
                for (int r = 0; r < h; r++) {
                    int cr = cr0 + r * ldc, er = r * nr;
                    if (add) for (int j = 0; j < w; j++) c[cr + j] = c[cr + j] + edge[er + j];
                    else for (int j = 0; j < w; j++) c[cr + j] = 0f + edge[er + j];
                }
            }
        }
    }

    private static void scaleC(float[] c, int offC, int ldc, int r0, int r1, int c0, int c1, float beta) {
        if (beta == 1f) return;
        for (int i = r0; i < r1; i++) {
            int row = offC + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, row + c0, row + c1, 0f);
            else for (int j = row + c0; j < row + c1; j++) c[j] = beta * c[j];
        }
    }

    /** Panels of nr columns of B[pc.., jc..] (B stored (k,n)): bp[panel·nr·kc + p·nr + j], zero-padded. */
    static void packB(float[] b, int offB, int ldb, int pc, int kc, int jc, int nc, int nr, float[] bp, int bpOff) {
        // row by row: B is read in order (one long stream, not one stride-ldb stream per panel)
        for (int p = 0; p < kc; p++) {
            int src = offB + (pc + p) * ldb + jc;
            for (int jr = 0; jr < nc; jr += nr) {
                int w = Math.min(nr, nc - jr), d = bpOff + jr * kc + p * nr;
                System.arraycopy(b, src + jr, bp, d, w);
                if (w < nr) java.util.Arrays.fill(bp, d + w, d + nr, 0f);
            }
        }
    }

    /**
     * As {@link #packB} for op(B) = Bᵀ, B stored (n,k). Eight rows of B at a time: for each p the eight values
     * land side by side in the panel, so writes stay within one cache line instead of one line per value.
     */
    static void packBT(float[] b, int offB, int ldb, int pc, int kc, int jc, int nc, int nr, float[] bp, int bpOff) {
        for (int jr = 0; jr < nc; jr += nr) {
            int w = Math.min(nr, nc - jr), dst = bpOff + jr * kc, j = 0;
            for (; j + 8 <= w; j += 8) {
                int s0 = offB + (jc + jr + j) * ldb + pc, d = dst + j;
                int s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb, s4 = s3 + ldb, s5 = s4 + ldb, s6 = s5 + ldb, s7 = s6
                        + ldb;
                for (int p = 0; p < kc; p++) {
                    int q = d + p * nr;
                    bp[q] = b[s0 + p];
                    bp[q + 1] = b[s1 + p];
                    bp[q + 2] = b[s2 + p];
                    bp[q + 3] = b[s3 + p];
                    bp[q + 4] = b[s4 + p];
                    bp[q + 5] = b[s5 + p];
                    bp[q + 6] = b[s6 + p];
                    bp[q + 7] = b[s7 + p];
                }
            }
            for (; j < w; j++) {
                int src = offB + (jc + jr + j) * ldb + pc, d = dst + j;
                for (int p = 0; p < kc; p++) bp[d + p * nr] = b[src + p];
            }
            for (j = w; j < nr; j++)
                for (int p = 0; p < kc; p++) bp[dst + j + p * nr] = 0f;
        }
    }

    /**
     * Panels of MR rows of alpha·A[ic.., pc..] (A stored (m,k)): ap[panel·MR·kc + p·MR + r], zero-padded. A full
     * panel is copied MR (8) rows at a time so that each p writes MR adjacent floats.
     */
    private static void packA(float[] a, int offA, int lda, int ic, int mc, int pc, int kc, float alpha, float[] ap) {
        final int mr = SgemmKernel.MR;
        for (int ir = 0; ir < mc; ir += mr) {
            int h = Math.min(mr, mc - ir), dst = ir * kc;
            if (h == mr) {
                int s0 = offA + (ic + ir) * lda + pc, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda,
                        s5 = s4 + lda;
                int s6 = s5 + lda, s7 = s6 + lda;
                for (int p = 0; p < kc; p++) {
                    int d = dst + p * mr;
                    ap[d] = alpha * a[s0 + p];
                    ap[d + 1] = alpha * a[s1 + p];
                    ap[d + 2] = alpha * a[s2 + p];
                    ap[d + 3] = alpha * a[s3 + p];
                    ap[d + 4] = alpha * a[s4 + p];
                    ap[d + 5] = alpha * a[s5 + p];
                    ap[d + 6] = alpha * a[s6 + p];
                    ap[d + 7] = alpha * a[s7 + p];
                }
                continue;
            }
            for (int r = 0; r < mr; r++) {
                int d = dst + r;
                if (r >= h) { for (int p = 0; p < kc; p++) ap[d + p * mr] = 0f; continue; }
                int src = offA + (ic + ir + r) * lda + pc;
                for (int p = 0; p < kc; p++) ap[d + p * mr] = alpha * a[src + p];
            }
        }
    }

    /** As {@link #packA} for op(A) = Aᵀ, A stored (k,m): reads rows of A contiguously. */
    static void packAT(float[] a, int offA, int lda, int ic, int mc, int pc, int kc, float alpha, float[] ap) {
        final int mr = SgemmKernel.MR;
        for (int ir = 0; ir < mc; ir += mr) {
            int h = Math.min(mr, mc - ir), dst = ir * kc;
            for (int p = 0; p < kc; p++) {
                int src = offA + (pc + p) * lda + ic + ir, d = dst + p * mr;
                for (int r = 0; r < h; r++) ap[d + r] = alpha * a[src + r];
                for (int r = h; r < mr; r++) ap[d + r] = 0f;
            }
        }
    }
}
