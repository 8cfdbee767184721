package org.rnn4j.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.nn.Recurrent;

/**
 * A ragged batch against the same batch padded to T, through {@link Recurrent} (forward and backward, one layer)
 * on the CPU backend: interleaved runs after a warm-up, medians of each, one line per cell kind.
 * <pre>
 *   java ... org.rnn4j.bench.RaggedMain [N T D H [rounds]]      (default 64 100 128 128 15)
 * </pre>
 * Lengths are uniform in [1, T] with one full-length example (seeded), so they sum to about half of N·T.
 */
public final class RaggedMain {
    public static void main(String[] args) {
        int[] a = args.length >= 4 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[]{64, 100, 128, 128, 15};
        int N = a[0], T = a[1], D = a[2], H = a[3], rounds = a.length > 4 ? a[4] : 15;
        SplittableRandom r = new SplittableRandom(1);
        int[] lengths = new int[N];
        long sum = 0;
        for (int i = 0; i < N; i++) lengths[i] = i == 0 ? T : 1 + r.nextInt(T);
        for (int len : lengths) sum += len;
        float[] x = new float[N * T * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() - 0.5);
        try (Backend b = Backend.cpu(); Tensor xt = b.tensor(x, N, T, D); Tensor d = b.zeros(N, T, H)) {
            for (Recurrent.Kind kind : Recurrent.Kind.values())
                try (Recurrent layer = Recurrent.create(b, new Recurrent.Config(kind, D, H, 1, false, 0), 3)) {
                    double[][] ms = new double[2][rounds];
                    for (int rep = -5; rep < rounds; rep++)
                        for (int v = 0; v < 2; v++) {
                            long t0 = System.nanoTime();
                            try (Recurrent.Output o = layer.forward(xt, v == 0 ? lengths : null, null, null, 0);
                                 Recurrent.Gradients g = layer.backward(d, null, null, o.cache())) {
                                if (rep >= 0) ms[v][rep] = (System.nanoTime() - t0) / 1e6;
                            }
                        }
                    for (double[] m : ms) Arrays.sort(m);
                    double ragged = ms[0][rounds / 2], padded = ms[1][rounds / 2];
                    System.out.printf("%s N=%d T=%d D=%d H=%d lengths/(N*T)=%.2f: forward+backward median"
                            + " ragged %.1f ms, padded %.1f ms, ratio %.2f%n",
                            kind, N, T, D, H, sum / (double) (N * T), ragged, padded, ragged / padded);
                }
        }
    }
}
