package org.rnn4j;

import static org.rnn4j.Reference.addTo;
import static org.rnn4j.Reference.matmul;
import static org.rnn4j.Reference.setStep;
import static org.rnn4j.Reference.sigmoid;
import static org.rnn4j.Reference.stepOf;
import static org.rnn4j.Reference.transpose;

/**
 * The GRU in float64, batch-major, written as plainly as possible from PyTorch's documented formulas (gates r, z,
 * n; biases bx = bias_ih and bh = bias_hh): the independent reference for the Java tests, next to the golden
 * cases that PyTorch itself computed.
 */
public final class GruReference {
    private GruReference() {}

    /** Returns {h (N,T,H), gates (N,T,3H) = [r z n], hn (N,T,H) = h[t-1]·Wh_n + bh_n}. */
    public static double[][] forward(double[] x, double[] h0, double[] wx, double[] wh, double[] bx, double[] bh,
                                     int N, int T, int D, int H) {
        int G = 3 * H;
        double[] h = new double[N * T * H], gates = new double[N * T * G], hns = new double[N * T * H];
        double[] hp = h0;
        for (int t = 0; t < T; t++) {
            double[] gx = matmul(stepOf(x, N, T, D, t), wx, N, D, G), gh = matmul(hp, wh, N, H, G);
            double[] next = new double[N * H], act = new double[N * G], hn = new double[N * H];
            for (int n = 0; n < N; n++)
                for (int j = 0; j < H; j++) {
                    int q = n * G, s = n * H + j;
                    double r = sigmoid(gx[q + j] + bx[j] + gh[q + j] + bh[j]);
                    double z = sigmoid(gx[q + H + j] + bx[H + j] + gh[q + H + j] + bh[H + j]);
                    hn[s] = gh[q + 2 * H + j] + bh[2 * H + j];
                    double nn = Math.tanh(gx[q + 2 * H + j] + bx[2 * H + j] + r * hn[s]);
                    act[q + j] = r; act[q + H + j] = z; act[q + 2 * H + j] = nn;
                    next[s] = (1 - z) * nn + z * hp[s];
                }
            setStep(h, N, T, H, t, next);
            setStep(gates, N, T, G, t, act);
            setStep(hns, N, T, H, t, hn);
            hp = next;
        }
        return new double[][]{h, gates, hns};
    }

    /** Returns {dx (N,T,D), dh0, dWx, dWh, dbx, dbh} for the upstream gradient dh (N,T,H). */
    public static double[][] backward(double[] dh, double[] x, double[] h0, double[] wx, double[] wh, double[] bx,
                                      double[] bh, int N, int T, int D, int H) {
        int G = 3 * H;
        double[][] fw = forward(x, h0, wx, wh, bx, bh, N, T, D, H);
        double[] dx = new double[N * T * D], dwx = new double[D * G], dwh = new double[H * G];
        double[] dbx = new double[G], dbh = new double[G], dnext = new double[N * H];
        for (int t = T - 1; t >= 0; t--) {
            double[] gt = stepOf(fw[1], N, T, G, t), hn = stepOf(fw[2], N, T, H, t);
            double[] hp = t == 0 ? h0 : stepOf(fw[0], N, T, H, t - 1), dht = stepOf(dh, N, T, H, t);
            double[] dax = new double[N * G], dah = new double[N * G], direct = new double[N * H];
            for (int n = 0; n < N; n++)
                for (int j = 0; j < H; j++) {
                    int q = n * G, s = n * H + j;
                    double r = gt[q + j], z = gt[q + H + j], nn = gt[q + 2 * H + j], g = dht[s] + dnext[s];
                    double dn = g * (1 - z) * (1 - nn * nn);          // through n's pre-activation
                    double dz = g * (hp[s] - nn) * z * (1 - z);
                    double dr = dn * hn[s] * r * (1 - r);
                    dax[q + j] = dr; dax[q + H + j] = dz; dax[q + 2 * H + j] = dn;
                    dah[q + j] = dr; dah[q + H + j] = dz; dah[q + 2 * H + j] = dn * r;
                    direct[s] = g * z;
                }
            setStep(dx, N, T, D, t, matmul(dax, transpose(wx, D, G), N, G, D));
            addTo(dwx, matmul(transpose(stepOf(x, N, T, D, t), N, D), dax, D, N, G));
            addTo(dwh, matmul(transpose(hp, N, H), dah, H, N, G));
            for (int e = 0; e < N * G; e++) {
                dbx[e % G] += dax[e];
                dbh[e % G] += dah[e];
            }
            dnext = matmul(dah, transpose(wh, H, G), N, G, H);
            addTo(dnext, direct);
        }
        return new double[][]{dx, dnext, dwx, dwh, dbx, dbh};
    }
}
