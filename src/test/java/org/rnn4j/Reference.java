package org.rnn4j;

/**
 * The seed notebook's math in float64, batch-major, written as plainly as possible: the independent reference
 * for the Java tests (the golden .npy cases are the second, from numpy and PyTorch). Arrays row-major.
 */
public final class Reference {
    private Reference() {}

    /** The logistic function; the one float64 sigmoid of the tests. */
    public static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    /**
     * The softmax of one row {@code s[off, off+v)}, shifted by its max so that no exp overflows; the one float64
     * softmax of the tests. {@link #logSumExp} is log Σ exp(s_j), {@link #p} the probability of a score.
     */
    public record Softmax(double max, double z) {
        public static Softmax of(double[] s, int off, int v) {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int j = 0; j < v; j++) max = Math.max(max, s[off + j]);
            for (int j = 0; j < v; j++) z += Math.exp(s[off + j] - max);
            return new Softmax(max, z);
        }

        public double logSumExp() { return Math.log(z) + max; }

        public double p(double score) { return Math.exp(score - max) / z; }
    }

    /** a (m,k) · b (k,n). */
    static double[] matmul(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++) {
                double v = a[i * k + p];
                for (int j = 0; j < n; j++) c[i * n + j] += v * b[p * n + j];
            }
        return c;
    }

    static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        return t;
    }

    /** Rows t of a (N,T,C) array as (N,C). */
    static double[] stepOf(double[] a, int N, int T, int C, int t) {
        double[] s = new double[N * C];
        for (int n = 0; n < N; n++) System.arraycopy(a, (n * T + t) * C, s, n * C, C);
        return s;
    }

    static void setStep(double[] a, int N, int T, int C, int t, double[] s) {
        for (int n = 0; n < N; n++) System.arraycopy(s, n * C, a, (n * T + t) * C, C);
    }

    static void addTo(double[] acc, double[] v) { for (int i = 0; i < acc.length; i++) acc[i] += v[i]; }

    /** RNN over a sequence: returns h (N,T,H). */
    public static double[] rnnForward(double[] x, double[] h0, double[] wx, double[] wh, double[] b, int N, int T,
            int D, int H) {
        double[] h = new double[N * T * H];
        double[] prev = h0;
        for (int t = 0; t < T; t++) {
            double[] a = matmul(stepOf(x, N, T, D, t), wx, N, D, H);
            addTo(a, matmul(prev, wh, N, H, H));
            for (int n = 0; n < N; n++) for (int j = 0; j < H; j++) a[n * H + j] = Math.tanh(a[n * H + j] + b[j]);
            setStep(h, N, T, H, t, a);
            prev = a;
        }
        return h;
    }

    /** Returns {dx (N,T,D), dh0, dWx, dWh, db}. */
    public static double[][] rnnBackward(double[] dh, double[] x, double[] h0, double[] wx, double[] wh, double[] b,
                                         int N, int T, int D, int H) {
        double[] h = rnnForward(x, h0, wx, wh, b, N, T, D, H);
        double[] dx = new double[N * T * D], dwx = new double[D * H], dwh = new double[H * H], db = new double[H];
        double[] dprev = new double[N * H];
        for (int t = T - 1; t >= 0; t--) {
            double[] ht = stepOf(h, N, T, H, t), hp = t == 0 ? h0 : stepOf(h, N, T, H, t - 1);
            double[] da = stepOf(dh, N, T, H, t);
            for (int e = 0; e < da.length; e++) da[e] = (da[e] + dprev[e]) * (1 - ht[e] * ht[e]);
            setStep(dx, N, T, D, t, matmul(da, transpose(wx, D, H), N, H, D));
            addTo(dwx, matmul(transpose(stepOf(x, N, T, D, t), N, D), da, D, N, H));
            addTo(dwh, matmul(transpose(hp, N, H), da, H, N, H));
            for (int n = 0; n < N; n++) for (int j = 0; j < H; j++) db[j] += da[n * H + j];
            dprev = matmul(da, transpose(wh, H, H), N, H, H);
        }
        return new double[][]{dx, dprev, dwx, dwh, db};
    }

    /** LSTM over a sequence: returns {h (N,T,H), c (N,T,H), gates (N,T,4H) activated}. */
    public static double[][] lstmForward(double[] x, double[] h0, double[] c0, double[] wx, double[] wh, double[] b,
                                         int N, int T, int D, int H) {
        int G = 4 * H;
        double[] h = new double[N * T * H], c = new double[N * T * H], gates = new double[N * T * G];
        double[] hp = h0, cp = c0;
        for (int t = 0; t < T; t++) {
            double[] a = matmul(stepOf(x, N, T, D, t), wx, N, D, G);
            addTo(a, matmul(hp, wh, N, H, G));
            double[] hn = new double[N * H], cn = new double[N * H];
            for (int n = 0; n < N; n++)
                for (int j = 0; j < H; j++) {
                    int q = n * G;
                    double i = sigmoid(a[q + j] + b[j]), f = sigmoid(a[q + H + j] + b[H + j]);
                    double o = sigmoid(a[q + 2 * H + j] + b[2 * H + j]), g = Math.tanh(a[q + 3 * H + j] + b[3 * H + j]);
                    a[q + j] = i; a[q + H + j] = f; a[q + 2 * H + j] = o; a[q + 3 * H + j] = g;
                    cn[n * H + j] = f * cp[n * H + j] + i * g;
                    hn[n * H + j] = o * Math.tanh(cn[n * H + j]);
                }
            setStep(h, N, T, H, t, hn);
            setStep(c, N, T, H, t, cn);
            setStep(gates, N, T, G, t, a);
            hp = hn;
            cp = cn;
        }
        return new double[][]{h, c, gates};
    }

    /** Returns {dx (N,T,D), dh0, dc0, dWx, dWh, db}; dcT may be null. */
    public static double[][] lstmBackward(double[] dh, double[] dcT, double[] x, double[] h0, double[] c0, double[] wx,
                                          double[] wh, double[] b, int N, int T, int D, int H) {
        int G = 4 * H;
        double[][] fw = lstmForward(x, h0, c0, wx, wh, b, N, T, D, H);
        double[] dx = new double[N * T * D], dwx = new double[D * G], dwh = new double[H * G], db = new double[G];
        double[] dhn = new double[N * H], dcn = dcT == null ? new double[N * H] : dcT.clone();
        for (int t = T - 1; t >= 0; t--) {
            double[] gt = stepOf(fw[2], N, T, G, t), ct = stepOf(fw[1], N, T, H, t);
            double[] cp = t == 0 ? c0 : stepOf(fw[1], N, T, H, t - 1), hp = t == 0 ? h0 : stepOf(fw[0], N, T, H, t - 1);
            double[] dht = stepOf(dh, N, T, H, t);
            double[] da = new double[N * G], dcp = new double[N * H];
            for (int n = 0; n < N; n++)
                for (int j = 0; j < H; j++) {
                    int q = n * G, s = n * H + j;
                    double i = gt[q + j], f = gt[q + H + j], o = gt[q + 2 * H + j], g = gt[q + 3 * H + j];
                    double tc = Math.tanh(ct[s]), dhT = dht[s] + dhn[s];
                    double dc = dcn[s] + dhT * o * (1 - tc * tc);
                    da[q + j] = dc * g * i * (1 - i);
                    da[q + H + j] = dc * cp[s] * f * (1 - f);
                    da[q + 2 * H + j] = dhT * tc * o * (1 - o);
                    da[q + 3 * H + j] = dc * i * (1 - g * g);
                    dcp[s] = dc * f;
                }
            setStep(dx, N, T, D, t, matmul(da, transpose(wx, D, G), N, G, D));
            addTo(dwx, matmul(transpose(stepOf(x, N, T, D, t), N, D), da, D, N, G));
            addTo(dwh, matmul(transpose(hp, N, H), da, H, N, G));
            for (int n = 0; n < N; n++) for (int j = 0; j < G; j++) db[j] += da[n * G + j];
            dhn = matmul(da, transpose(wh, H, G), N, G, H);
            dcn = dcp;
        }
        return new double[][]{dx, dhn, dcn, dwx, dwh, db};
    }
}
