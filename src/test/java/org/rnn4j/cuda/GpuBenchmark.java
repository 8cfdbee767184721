package org.rnn4j.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import jcuda.driver.CUevent;
import jcuda.driver.CUresult;
import org.rnn4j.Backend;
import org.rnn4j.Numerics;
import org.rnn4j.Tensor;

/**
 * Forward and backward of both cells on the GPU, timed with CUDA events on the stream the backend uses (the
 * legacy default stream), after warm-up, median of repeats; the CPU backend beside it where that takes
 * seconds, not minutes. Prints a Markdown table. Usage: GpuBenchmark [repeats] (default 11).
 * Run by bench/gpu-check.sh on a GPU machine; timings are never asserted anywhere.
 */
public final class GpuBenchmark {
    private static final int[][] SIZES = {{32, 50, 128, 128}, {64, 100, 256, 256}, {128, 100, 512, 512}, {64, 50, 1024, 1024}};
    private static final double CPU_MAX_GFLOP = 3;

    private GpuBenchmark() {}

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        SplittableRandom r = new SplittableRandom(42);
        try (Backend cuda = Backend.cuda(); Backend cpu = Backend.cpu()) {
            System.out.println("GPU: " + ((CudaCompute) cuda.compute()).describe() + "; CUDA events, 3 warm-up runs, median of "
                    + repeats + "; CPU: " + Runtime.getRuntime().availableProcessors() + " cores, median of 3 (wall clock)");
            System.out.println();
            System.out.println("| cell | N | T | D | H | GPU fwd ms | GPU bwd ms | GPU fwd GFLOP/s | GPU bwd GFLOP/s | CPU fwd ms | CPU bwd ms |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
            for (int[] s : SIZES)
                for (boolean lstm : new boolean[]{false, true}) {
                    int N = s[0], T = s[1], D = s[2], H = s[3], G = lstm ? 4 * H : H;
                    float[] x = Numerics.uniform(r, N * T * D, 1), h0 = Numerics.uniform(r, N * H, 1),
                            wx = Numerics.uniform(r, D * G, 0.1), wh = Numerics.uniform(r, H * G, 0.1),
                            b = Numerics.uniform(r, G, 0.1), dh = Numerics.uniform(r, N * T * H, 1);
                    double fwdFlop = 2.0 * T * N * (D + H) * G, bwdFlop = 2 * fwdFlop;
                    double[] gpu = measure(cuda, true, lstm, s, x, h0, wx, wh, b, dh, repeats);
                    double[] host = fwdFlop / 1e9 <= CPU_MAX_GFLOP ? measure(cpu, false, lstm, s, x, h0, wx, wh, b, dh, 3) : null;
                    System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %.3f | %.3f | %.0f | %.0f | %s | %s |%n",
                            lstm ? "LSTM" : "RNN", N, T, D, H, gpu[0], gpu[1], fwdFlop / gpu[0] / 1e6, bwdFlop / gpu[1] / 1e6,
                            host == null ? "-" : String.format(Locale.ROOT, "%.1f", host[0]),
                            host == null ? "-" : String.format(Locale.ROOT, "%.1f", host[1]));
                }
        }
    }

    /** {median forward ms, median backward ms}; backward reuses one forward's cache, as it may. */
    private static double[] measure(Backend be, boolean events, boolean lstm, int[] s, float[] x, float[] h0, float[] wx,
                                    float[] wh, float[] b, float[] dh, int repeats) throws Exception {
        int N = s[0], T = s[1], D = s[2], H = s[3], G = lstm ? 4 * H : H;
        try (Tensor tx = be.tensor(x, N, T, D); Tensor th0 = be.tensor(h0, N, H); Tensor twx = be.tensor(wx, D, G);
             Tensor twh = be.tensor(wh, H, G); Tensor tb = be.tensor(b, G); Tensor tdh = be.tensor(dh, N, T, H)) {
            Supplier<AutoCloseable> fwd = lstm ? () -> be.lstmForward(tx, th0, twx, twh, tb) : () -> be.rnnForward(tx, th0, twx, twh, tb);
            double f = median(be, events, fwd, repeats);
            try (AutoCloseable out = fwd.get()) {
                Supplier<AutoCloseable> bwd = lstm ? () -> be.lstmBackward(tdh, ((org.rnn4j.LstmOutput) out).cache())
                        : () -> be.rnnBackward(tdh, ((org.rnn4j.RnnOutput) out).cache());
                return new double[]{f, median(be, events, bwd, repeats)};
            }
        }
    }

    private static double median(Backend be, boolean events, Supplier<AutoCloseable> op, int repeats) throws Exception {
        for (int i = 0; i < 3; i++) op.get().close();
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) ms[i] = events ? gpuMs(be, op) : cpuMs(op);
        Arrays.sort(ms);
        return ms[repeats / 2];
    }

    private static double cpuMs(Supplier<AutoCloseable> op) throws Exception {
        long t0 = System.nanoTime();
        AutoCloseable r = op.get();
        double ms = (System.nanoTime() - t0) / 1e6;
        r.close();
        return ms;
    }

    /** Elapsed time between two events recorded around the operation on the default stream. */
    private static double gpuMs(Backend be, Supplier<AutoCloseable> op) throws Exception {
        CUevent start = new CUevent(), stop = new CUevent();
        AutoCloseable result;
        float[] ms = {0};
        be.compute().exclusive(() -> {
            check("cuEventCreate", cuEventCreate(start, 0));
            check("cuEventCreate", cuEventCreate(stop, 0));
            check("cuEventRecord", cuEventRecord(start, null));
            return null;
        });
        result = op.get();
        be.compute().exclusive(() -> {
            check("cuEventRecord", cuEventRecord(stop, null));
            check("cuEventSynchronize", cuEventSynchronize(stop));
            check("cuEventElapsedTime", cuEventElapsedTime(ms, start, stop));
            cuEventDestroy(start);
            cuEventDestroy(stop);
            return null;
        });
        result.close();
        return ms[0];
    }

    private static void check(String call, int rc) {
        if (rc != CUresult.CUDA_SUCCESS) throw new CudaException(call, CUresult.stringFor(rc), null);
    }
}
