package org.rnn4j.cuda.emu;

import java.util.function.Function;

/**
 * cuBLAS SGEMM's contract in plain Java, for the emulated device: column-major C = alpha·op(A)·op(B) + beta·C,
 * op(A) (m,k), op(B) (k,n), C (m,n); element (i,j) of a column-major matrix with leading dimension ld is at
 * i + j·ld. Products are summed in ascending k, in float, like a straightforward kernel would.
 */
final class ColumnMajorSgemm {
    private ColumnMajorSgemm() {}

    /**
     * The checks cublasSgemm makes before touching memory; each failure is CUBLAS_STATUS_INVALID_VALUE there.
     * A is stored (m,k) when transa is 'N' and (k,m) otherwise, so its leading dimension must cover the rows of
     * A as stored; likewise B (k,n) or (n,k); C (m,n).
     */
    static void validate(char transa, char transb, int m, int n, int k, int lda, int ldb, int ldc,
                         Function<String, RuntimeException> fail) {
        String bad = null;
        if ("NTC".indexOf(transa) < 0) bad = "transa '" + transa + "' is not N, T or C";
        else if ("NTC".indexOf(transb) < 0) bad = "transb '" + transb + "' is not N, T or C";
        else if (m < 0 || n < 0 || k < 0) bad = "m, n, k must be >= 0 but were " + m + ", " + n + ", " + k;
        else if (lda < Math.max(1, transa == 'N' ? m : k))
            bad = "lda " + lda + " < max(1, " + (transa == 'N' ? "m=" + m : "k=" + k) + ") for transa " + transa;
        else if (ldb < Math.max(1, transb == 'N' ? k : n))
            bad = "ldb " + ldb + " < max(1, " + (transb == 'N' ? "k=" + k : "n=" + n) + ") for transb " + transb;
        else if (ldc < Math.max(1, m)) bad = "ldc " + ldc + " < max(1, m=" + m + ")";
        if (bad != null) throw fail.apply("CUBLAS_STATUS_INVALID_VALUE: " + bad);
    }

    /** Floats spanned by a column-major (rows, cols) matrix with leading dimension ld. */
    static long extent(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (cols - 1) * ld + rows;
    }

    /** Computes C; with beta == 0 C is only written (NaN there does not propagate), as cuBLAS promises. */
    static void compute(boolean nA, boolean nB, int m, int n, int k, float alpha, DevicePtr a, int lda,
                        DevicePtr b, int ldb, float beta, DevicePtr c, int ldc) {
        float[] C = c.array();
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = nA ? a.array()[a.offset() + i + p * lda] : a.array()[a.offset() + p + i * lda];
                    float bv = nB ? b.array()[b.offset() + p + j * ldb] : b.array()[b.offset() + j + p * ldb];
                    sum += av * bv;
                }
                int at = c.offset() + i + j * ldc;
                C[at] = beta == 0f ? alpha * sum : alpha * sum + beta * C[at];
            }
        }
    }
}
