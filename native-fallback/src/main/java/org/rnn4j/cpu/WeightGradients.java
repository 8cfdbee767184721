package org.rnn4j.cpu;

import org.rnn4j.compute.Compute;

/**
 * {@link Compute#weightGradients} in one pass over g: dA = aᵀ·g, dB = bᵀ·g and the column sums of g, the same
 * bits as two {@link Sgemm} products and {@link CpuKernels#columnSum}, with g (rows,n), the largest operand, read
 * once instead of three times. g (rows,n), a (rows,ma), b (rows,mb), dA (ma,n), dB (mb,n) are contiguous.
 *
 * <p>How the bits stay the same: each k block of g (KC rows) is packed as Sgemm packs op(B), and both products
 * run Sgemm's kernel calls on it (the first block stores 0 + sums, the next ones add, as a product with beta = 0
 * does); while packing, each column adds the block's rows in ascending order into its chunk of
 * {@link Compute#COLUMN_SUM_CHUNK} rows, from 0 (KC is a multiple of the chunk, so no chunk spans two blocks):
 * the first level of columnSum's tree; {@link CpuKernels#columnSum} then adds the chunks as the tree does.
 * Threads own column ranges (multiples of the kernel's nr), so the cut never changes a result.
 */
final class WeightGradients {
    static {
        if (Sgemm.KC % Compute.COLUMN_SUM_CHUNK != 0) throw new AssertionError("KC must be a multiple of the chunk");
    }

    private WeightGradients() {}

    static void run(Parallel pool, int rows, int n, float[] g, int offG, float[] a, int offA, int ma, float[] da,
                    int offDa, float[] b, int offB, int mb, float[] db, int offDb, float[] sum, int offSum) {
        if (n == 0) return;
        if (rows == 0) {   // empty sums, as the products with k = 0 and beta = 0 and columnSum of no rows give
            java.util.Arrays.fill(da, offDa, offDa + ma * n, 0f);
            java.util.Arrays.fill(db, offDb, offDb + mb * n, 0f);
            java.util.Arrays.fill(sum, offSum, offSum + n, 0f);
            return;
        }
        SgemmKernel kernel = Sgemm.defaultKernel();
        int nr = kernel.nr(), units = (n + nr - 1) / nr, chunks = Compute.columnSumPartials(rows);
        float[] partial = new float[chunks * n];
        long flops = 2L * (ma + mb) * n * rows;
        int parts = (int) Math.max(1, Math.min(Math.min(Parallel.free(pool), units), flops / Sgemm.MIN_FLOPS_PER_TASK));
        Parallel.run(pool, parts, t -> columns(kernel, Sgemm.cut(n, units, parts, t, nr),
                Sgemm.cut(n, units, parts, t + 1, nr), rows, n, g, offG, a, offA, ma, da, offDa, b, offB, mb, db, offDb,
                partial));
        if (chunks == 1) System.arraycopy(partial, 0, sum, offSum, n);
        else CpuKernels.columnSum(partial, 0, chunks, n, sum, offSum);
    }

    /** Columns [c0, c1) of both products and of the chunk sums. */
    private static void columns(SgemmKernel kernel, int c0, int c1, int rows, int n, float[] g, int offG, float[] a,
                                int offA, int ma, float[] da, int offDa, float[] b, int offB, int mb, float[] db,
                                int offDb, float[] partial) {
        if (c1 <= c0) return;
        int mr = SgemmKernel.MR, nr = kernel.nr(), kcMax = Math.min(Sgemm.KC, rows);
        int mcMax = Math.min(Sgemm.MC, Math.max(ma, mb)), ncMax = Math.min(Sgemm.NC, c1 - c0);
        Sgemm.Scratch s = Sgemm.scratch(((mcMax + mr - 1) / mr) * mr * kcMax, ((ncMax + nr - 1) / nr) * nr * kcMax,
                mr * nr);
        for (int jc = c0; jc < c1; jc += Sgemm.NC) {
            int nc = Math.min(Sgemm.NC, c1 - jc);
            for (int pc = 0; pc < rows; pc += Sgemm.KC) {
                int kc = Math.min(Sgemm.KC, rows - pc);
                Sgemm.packB(g, offG, n, pc, kc, jc, nc, nr, s.bp, 0);
                chunkSums(g, offG, n, pc, kc, jc, nc, partial);
                product(kernel, s, a, offA, ma, da, offDa, n, pc, kc, jc, nc);
                product(kernel, s, b, offB, mb, db, offDb, n, pc, kc, jc, nc);
            }
        }
    }

    /** Rows [pc, pc+kc) of g, columns [jc, jc+nc), added in ascending order into their chunks' partial sums. */
    private static void chunkSums(float[] g, int offG, int n, int pc, int kc, int jc, int nc, float[] partial) {
        int chunk = Compute.COLUMN_SUM_CHUNK;
        for (int row = pc; row < pc + kc; row++) {
            int o = (row / chunk) * n + jc, src = offG + row * n + jc;
            if (row % chunk == 0) java.util.Arrays.fill(partial, o, o + nc, 0f);
            for (int j = 0; j < nc; j++) partial[o + j] += g[src + j];
        }
    }

    /** d (m,n) columns [jc, jc+nc) += xᵀ·g over the block of rows [pc, pc+kc), g's block packed in s.bp. */
    private static void product(SgemmKernel kernel, Sgemm.Scratch s, float[] x, int offX, int m, float[] d, int offD,
                                int n, int pc, int kc, int jc, int nc) {
        int nr = kernel.nr();
        for (int ic = 0; ic < m; ic += Sgemm.MC) {
            int mc = Math.min(Sgemm.MC, m - ic);
            Sgemm.packAT(x, offX, m, ic, mc, pc, kc, 1f, s.ap);
            for (int jr = 0; jr < nc; jr += nr) {
                Sgemm.panel(kernel, s.ap, mc, kc, s.bp, (jr / nr) * nr * kc, nr, Math.min(nr, nc - jr), s.edge, d,
                        offD + ic * n + jc + jr, n, pc > 0);
            }
        }
    }
}
