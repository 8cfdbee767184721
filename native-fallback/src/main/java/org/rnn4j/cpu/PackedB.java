package org.rnn4j.cpu;

/**
 * op(B) (k,n) laid out once as {@link Sgemm} packs it at every call: panels of nr columns (zero-padded to nr),
 * each panel holding all k rows contiguously, data[panel·nr·k + p·nr + j]. A k block [pc, pc+kc) of a panel
 * is then the same kc×nr panel the per-call packing makes, so products with it give the same bits.
 *
 * <p>A snapshot: later changes to B are not seen. It belongs to the operation that made it and is dropped
 * with it (see {@link org.rnn4j.compute.PackedOperand}); nothing caches it across calls.
 */
public final class PackedB {
    final SgemmKernel kernel;
    final int k, n;
    final float[] data;

    private PackedB(SgemmKernel kernel, int k, int n) {
        this.kernel = kernel;
        this.k = k;
        this.n = n;
        int nr = kernel.nr();
        long len = (long) ((n + nr - 1) / nr) * nr * k;
        if (len > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("packed B of " + k + " x " + n
                    + " floats exceeds the 2^31-9 floats of one array");
        data = new float[(int) len];
    }

    public int k() { return k; }

    public int n() { return n; }

    /** Where the panel holding column {@code col} (a multiple of nr) starts. */
    int panel(int col) { return col * k; }

    /** op(B) (k,n): B stored (k,n) with row stride ldb, or (n,k) if transB. Panels are packed in parallel. */
    public static PackedB pack(Parallel pool, boolean transB, int k, int n, float[] b, int offB, int ldb) {
        return pack(Sgemm.defaultKernel(), pool, transB, k, n, b, offB, ldb);
    }

    static PackedB pack(SgemmKernel kernel, Parallel pool, boolean transB, int k, int n, float[] b, int offB, int ldb) {
        if (k < 0 || n < 0) throw new IllegalArgumentException("packB: k, n must be >= 0 but were " + k + ", " + n);
        PackedB pb = new PackedB(kernel, k, n);
        int nr = kernel.nr(), units = (n + nr - 1) / nr;
        if (units == 0 || k == 0) return pb;
        // a pure copy, so any cut gives the same data; one per thread when there is enough to copy
        int parts = (long) n * k < CpuCompute.MIN_PARALLEL_COPY / 4 ? 1 : Math.min(Parallel.free(pool), units);
        Parallel.run(pool, parts, t -> {
            int c0 = Sgemm.cut(n, units, parts, t, nr), c1 = Sgemm.cut(n, units, parts, t + 1, nr);
            if (c1 <= c0) return;
            if (transB) Sgemm.packBT(b, offB, ldb, 0, k, c0, c1 - c0, nr, pb.data, pb.panel(c0));
            else Sgemm.packB(b, offB, ldb, 0, k, c0, c1 - c0, nr, pb.data, pb.panel(c0));
        });
        return pb;
    }
}
