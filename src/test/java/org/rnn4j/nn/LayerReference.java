package org.rnn4j.nn;

import org.rnn4j.Reference.Softmax;

/** Float64 reference of the layers (course formulas, written independently of Layers), for gradient checks. */
final class LayerReference {
    private LayerReference() {}

    static double[] embedding(int[] idx, double[] w, int D) {
        double[] out = new double[idx.length * D];
        for (int r = 0; r < idx.length; r++) System.arraycopy(w, idx[r] * D, out, r * D, D);
        return out;
    }

    static double[] embeddingBackward(double[] dout, int[] idx, int V, int D) {
        double[] dw = new double[V * D];
        for (int r = 0; r < idx.length; r++)
            for (int j = 0; j < D; j++) dw[idx[r] * D + j] += dout[r * D + j];
        return dw;
    }

    /** x (R,D)·w (D,M) + b. */
    static double[] affine(double[] x, double[] w, double[] b, int R, int D, int M) {
        double[] out = new double[R * M];
        for (int r = 0; r < R; r++)
            for (int m = 0; m < M; m++) {
                double s = b[m];
                for (int d = 0; d < D; d++) s += x[r * D + d] * w[d * M + m];
                out[r * M + m] = s;
            }
        return out;
    }

    /** {dx, dw, db}. */
    static double[][] affineBackward(double[] dout, double[] x, double[] w, int R, int D, int M) {
        double[] dx = new double[R * D], dw = new double[D * M], db = new double[M];
        for (int r = 0; r < R; r++)
            for (int m = 0; m < M; m++) {
                double g = dout[r * M + m];
                db[m] += g;
                for (int d = 0; d < D; d++) {
                    dx[r * D + d] += g * w[d * M + m];
                    dw[d * M + m] += x[r * D + d] * g;
                }
            }
        return new double[][]{dx, dw, db};
    }

    /** loss = -(1/N) Σ mask·log softmax(s)[y]. */
    static double softmaxLoss(double[] s, int[] y, double[] mask, int N, int V) {
        double loss = 0;
        for (int r = 0; r < y.length; r++)
            loss += mask[r] * (Softmax.of(s, r * V, V).logSumExp() - s[r * V + y[r]]);
        return loss / N;
    }

    static double[] softmaxLossGrad(double[] s, int[] y, double[] mask, int N, int V) {
        double[] d = new double[s.length];
        for (int r = 0; r < y.length; r++) {
            Softmax p = Softmax.of(s, r * V, V);
            for (int j = 0; j < V; j++)
                d[r * V + j] = mask[r] / N * (p.p(s[r * V + j]) - (j == y[r] ? 1 : 0));
        }
        return d;
    }
}
