package org.rnn4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rnn4j.cpu.Parallel;
import org.rnn4j.cpu.Sgemm;

/**
 * The CPU SGEMM at 256³, 1024³ and the products the cells run, given as "MxNxKxOP" with OP = NN, NT or TN
 * (transposed A / B). The LSTM ones at (N,T,D,H) = (32,50,512,512): input projection (T·N × 4H × D), the
 * recurrent step (N × 4H × H), dh recurrence (N × H × 4H, Bᵀ), dWx (D × 4H × T·N, Aᵀ), dx (T·N × D × 4H, Bᵀ);
 * the RNN step at (16,50,128,128). GFLOP/s = 2mnk / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class GemmBenchmark {
    @Param({"256x256x256xNN", "1024x1024x1024xNN", "1600x2048x512xNN", "32x2048x512xNN", "32x512x2048xNT",
            "512x2048x1600xTN", "1600x512x2048xNT", "16x128x128xNN"})
    public String shape;

    @Param({"2"})
    public int threads;

    int m, n, k;
    boolean ta, tb;
    float[] a, b, c;
    Parallel pool;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        ta = p[3].charAt(0) == 'T';
        tb = p[3].charAt(1) == 'T';
        SplittableRandom r = new SplittableRandom(7);
        a = random(r, m * k);
        b = random(r, k * n);
        c = new float[m * n];
        pool = Sgemm.pool(threads);
    }

    static float[] random(SplittableRandom r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    @TearDown(Level.Trial)
    public void tearDown() { if (pool != null) pool.close(); }

    @Benchmark
    public float[] gemm() {
        Sgemm.gemm(pool, ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
        return c;
    }
}
