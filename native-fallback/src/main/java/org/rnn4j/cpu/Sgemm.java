package org.rnn4j.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Row-major single-precision GEMM: C = alpha·op(A)·op(B) + beta·C, op(A) (m,k), op(B) (k,n).
 * Parallel over blocks of rows of C, never over k, so every element is summed in the same order whatever
 * the thread count: results are bit-identical run to run.
 */
public final class Sgemm {
    private static final int MIN_FLOPS_PER_TASK = 1 << 18;

    private Sgemm() {}

    public static void gemm(ForkJoinPool pool, boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int offA, int lda, float[] b, int offB, int ldb,
                            float beta, float[] c, int offC, int ldc) {
        if (m == 0 || n == 0) return;
        // op(B) as a contiguous (k,n) row-major panel: the inner loop then streams rows of B.
        float[] bp = b;
        int bOff = offB, bLd = ldb;
        if (transB) {
            bp = new float[k * n];
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++) bp[p * n + j] = b[offB + j * ldb + p];
            bOff = 0;
            bLd = n;
        }
        final float[] B = bp;
        final int Boff = bOff, Bld = bLd;
        long flops = 2L * m * n * k;
        int tasks = (int) Math.max(1, Math.min(m, Math.min(pool.getParallelism() * 4L, flops / MIN_FLOPS_PER_TASK)));
        if (tasks == 1) {
            rows(0, m, transA, n, k, alpha, a, offA, lda, B, Boff, Bld, beta, c, offC, ldc);
            return;
        }
        List<RecursiveAction> jobs = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            int r0 = (int) ((long) m * t / tasks), r1 = (int) ((long) m * (t + 1) / tasks);
            jobs.add(new RecursiveAction() {
                @Override
                protected void compute() {
                    rows(r0, r1, transA, n, k, alpha, a, offA, lda, B, Boff, Bld, beta, c, offC, ldc);
                }
            });
        }
        if (ForkJoinTask.getPool() == pool) RecursiveAction.invokeAll(jobs);
        else pool.invoke(new RecursiveAction() {
            @Override
            protected void compute() { invokeAll(jobs); }
        });
    }

    private static void rows(int r0, int r1, boolean transA, int n, int k, float alpha, float[] a, int offA, int lda,
                             float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        float[] acc = new float[n];
        for (int i = r0; i < r1; i++) {
            java.util.Arrays.fill(acc, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[offA + p * lda + i] : a[offA + i * lda + p];
                if (av == 0f) continue;
                int bRow = offB + p * ldb;
                for (int j = 0; j < n; j++) acc[j] += av * b[bRow + j];
            }
            int cRow = offC + i * ldc;
            if (beta == 0f) for (int j = 0; j < n; j++) c[cRow + j] = alpha * acc[j];
            else for (int j = 0; j < n; j++) c[cRow + j] = alpha * acc[j] + beta * c[cRow + j];
        }
    }
}
