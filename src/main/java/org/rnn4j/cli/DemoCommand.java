package org.rnn4j.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.rnn4j.Backend;
import org.rnn4j.Lstm;
import org.rnn4j.Lstm;
import org.rnn4j.Rnn;
import org.rnn4j.Rnn;
import org.rnn4j.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code rnn4j demo}: forward and backward of both cells on the chosen backend, with shapes and timings. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs forward and backward of the vanilla RNN and the LSTM over a random sequence and prints "
                + "backend, shapes and timings (median of --repeats after one warm-up).")
final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--batch", description = "N (default ${DEFAULT-VALUE})") int n = 32;
    @Option(names = "--seq-len", description = "T (default ${DEFAULT-VALUE})") int t = 64;
    @Option(names = "--input", description = "D (default ${DEFAULT-VALUE})") int d = 64;
    @Option(names = "--hidden", description = "H (default ${DEFAULT-VALUE})") int h = 128;
    @Option(names = "--repeats", description = "timed runs (default ${DEFAULT-VALUE})") int repeats = 5;
    @Option(names = "--backend", description = "cpu, cuda or auto (default ${DEFAULT-VALUE})") String backend = "auto";
    @Option(names = "--verbose", description = "stack traces on errors") boolean verbose;

    @Override
    public Integer call() {
        BackendOption.check(backend);
        for (int v : new int[]{n, t, d, h})
            if (v < 1 || v > 100_000) throw new UserError(
                    "--batch, --seq-len, --input and --hidden must be in [1, 100000]");
        if (repeats < 1 || repeats > 1000) throw new UserError("--repeats must be in [1, 1000]");
        PrintWriter o = spec.commandLine().getOut();
        SplittableRandom r = new SplittableRandom(7);
        try (Backend b = BackendOption.open(backend);
             Tensor x = b.tensor(rand(r, n * t * d), n, t, d); Tensor h0 = b.tensor(rand(r, n * h), n, h);
             Tensor rwx = b.tensor(rand(r, d * h), d, h); Tensor rwh = b.tensor(rand(r, h * h), h, h);
             Tensor rb = b.tensor(rand(r, h), h);
             Tensor lwx = b.tensor(rand(r, d * 4 * h), d, 4 * h); Tensor lwh = b.tensor(rand(r, h * 4 * h), h, 4 * h);
             Tensor lb = b.tensor(rand(r, 4 * h), 4 * h); Tensor dh = b.tensor(rand(r, n * t * h), n, t, h)) {
            o.println("backend: " + b.name() + " (" + b.reason() + ")");
            o.printf(Locale.ROOT, "shapes: x (N=%d, T=%d, D=%d), h0 (N, H=%d); RNN Wx (D, H), Wh (H, H), b (H); LSTM "
                    + "Wx (D, 4H), Wh (H, 4H), b (4H)%n", n, t, d, h);
            double[] rnn = time(() -> {
                try (Rnn.Output out = b.rnnForward(x, h0, rwx, rwh, rb);
                     Rnn.Gradients g = b.rnnBackward(dh, out.cache())) {
                    return new double[]{g.dWx().toArray()[0]};
                }
            }, () -> {
                try (Rnn.Output out = b.rnnForward(x, h0, rwx, rwh, rb)) { return new double[]{out.h().toArray()[0]}; }
            });
            double[] lstm = time(() -> {
                try (Lstm.Output out = b.lstmForward(x, h0, lwx, lwh, lb);
                     Lstm.Gradients g = b.lstmBackward(dh, out.cache())) {
                    return new double[]{g.dWx().toArray()[0]};
                }
            }, () -> {
                try (Lstm.Output out = b.lstmForward(x, h0, lwx, lwh, lb)) { return new double[]{out.h().toArray()[0]};
                        }
            });
            o.printf(Locale.ROOT, "rnn : h (N, T, H) = (%d, %d, %d); forward %.2f ms, forward+backward %.2f ms%n", n, t,
                    h, rnn[1], rnn[0]);
            o.printf(Locale.ROOT, "lstm: h (N, T, H) = (%d, %d, %d), cT (N, H); forward %.2f ms, forward+backward "
                    + "%.2f ms%n", n, t, h, lstm[1], lstm[0]);
            o.println("timings: median of " + repeats
                    + " runs after one warm-up, including the copy of one value back to the host");
        }
        return 0;
    }

    /** Median milliseconds of {fwd+bwd, fwd}. */
    private double[] time(Supplier<double[]> both, Supplier<double[]> fwd) {
        both.get();
        fwd.get();
        return new double[]{median(both), median(fwd)};
    }

    private double median(Supplier<double[]> body) {
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            body.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[repeats / 2];
    }

    private static float[] rand(SplittableRandom r, int len) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = (float) (r.nextDouble() - 0.5);
        return a;
    }
}
