package org.rnn4j.cuda.emu;

import org.rnn4j.Reference.Softmax;
import org.rnn4j.cuda.emu.Float64Kernels.Ref;

/**
 * The training kernels' formulas (kernels/train.cu) in float64 from the same float32 inputs, each value with its
 * rounding magnitude in the sense of {@link Float64Kernels}: a sum's magnitude is the sum of its terms', a
 * product's the product of its factors', a function's |f(x)| + |f'(x)|·mag(x). Gathers and one-hot encodings move
 * floats without arithmetic, so their magnitude is the value's own and the comparison demands them exact.
 */
final class Float64TrainKernels {
    private Float64TrainKernels() {}

    static Ref oneHot(int rows, int v, float[] idx) {
        Ref out = new Ref(rows * v);
        for (int r = 0; r < rows; r++) out.set(r * v + (int) idx[r], 1, 1);
        return out;
    }

    static Ref gatherRows(int rows, int d, float[] idx, float[] table) {
        Ref out = new Ref(rows * d);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < d; j++) {
                float t = table[(int) idx[r] * d + j];
                out.set(r * d + j, t, Math.abs(t));
            }
        return out;
    }

    /**
     * {loss_rows (rows), dscores (rows,v)}. With x_j = s_j − max (one rounding: magnitude |x_j|), e_j = exp(x_j)
     * has magnitude e_j(1+|x_j|) and z = Σ e_j the sum of those; log z has |log z| + mag(z)/z, which is at least 1:
     * a float32 z is off by ulps of itself, so log z is off by ulps of 1 even where it is near 0.
     */
    static Ref[] softmaxCrossEntropy(int rows, int v, float scale, float[] s, float[] y, float[] mask) {
        Ref loss = new Ref(rows), d = new Ref(rows * v);
        for (int r = 0; r < rows; r++) {
            int label = (int) y[r];
            double[] row = new double[v];
            for (int j = 0; j < v; j++) row[j] = s[r * v + j];
            Softmax sm = Softmax.of(row, 0, v);
            double max = sm.max(), z = sm.z(), zMag = 0;
            for (int j = 0; j < v; j++) {
                double x = row[j] - max;
                zMag += Math.exp(x) * (1 + Math.abs(x));
            }
            double w = mask[r], k = (double) scale * w, relZ = zMag / z;
            double logZ = Math.log(z), sLabel = row[label];
            loss.set(r, w * (sm.logSumExp() - sLabel), w * (Math.abs(logZ) + relZ + Math.abs(max) + Math.abs(sLabel)));
            for (int j = 0; j < v; j++) {
                double x = row[j] - max, p = sm.p(row[j]), hit = j == label ? 1 : 0;
                d.set(r * v + j, k * (p - hit), Math.abs(k) * (p * (1 + Math.abs(x) + relZ) + hit));
            }
        }
        return new Ref[] {loss, d};
    }

    /** out[l] = Σ_k f(x[l + k·lanes]) for l < lanes, f the square when {@code squared}. */
    static Ref sumLanes(int n, int lanes, boolean squared, float[] x) {
        Ref out = new Ref(lanes);
        for (int l = 0; l < lanes; l++) {
            double acc = 0, mag = 0;
            for (int i = l; i < n; i += lanes) {
                double f = squared ? (double) x[i] * x[i] : x[i];
                acc += f;
                mag += Math.abs(f);
            }
            out.set(l, acc, mag);
        }
        return out;
    }

    static Ref scale(float alpha, float[] x) {
        Ref out = new Ref(x.length);
        for (int i = 0; i < x.length; i++) out.set(i, (double) alpha * x[i], Math.abs((double) alpha * x[i]));
        return out;
    }

    /**
     * {param, m, v} after one Adam step. m' = β1·m + (1−β1)·g can cancel (magnitude β1|m| + (1−β1)|g|); v' sums
     * non-negative terms; the step lr·(m'/bias1)/(√(v'/bias2) + eps) inherits m'’s magnitude, the denominator only
     * a relative rounding; param − step has |param| + mag(step). 1−β1 and 1−β2 are exact in float32 for β in
     * [0.5, 1) (Sterbenz), so the float64 formula sees the same coefficients as the kernel.
     */
    static Ref[] adamUpdate(float lr, float beta1, float beta2, float eps, float bias1, float bias2,
                            float[] p, float[] g, float[] m, float[] v) {
        int n = p.length;
        Ref pOut = new Ref(n), mOut = new Ref(n), vOut = new Ref(n);
        for (int i = 0; i < n; i++) {
            double gi = g[i];
            double mi = beta1 * (double) m[i] + (1 - (double) beta1) * gi;
            double miMag = beta1 * Math.abs((double) m[i]) + (1 - (double) beta1) * Math.abs(gi);
            double vi = beta2 * (double) v[i] + (1 - (double) beta2) * gi * gi;
            double den = Math.sqrt(vi / bias2) + eps;
            double step = lr * (mi / bias1) / den, stepMag = lr * (miMag / bias1) / den;
            mOut.set(i, mi, miMag);
            vOut.set(i, vi, vi);
            pOut.set(i, p[i] - step, Math.abs((double) p[i]) + stepMag);
        }
        return new Ref[] {pOut, mOut, vOut};
    }
}
