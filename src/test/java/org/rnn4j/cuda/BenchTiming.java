package org.rnn4j.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;

import java.util.Arrays;
import jcuda.driver.CUevent;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import org.rnn4j.compute.Compute;

/** How GpuBenchmark times one call: CUDA events on a GPU, the wall clock on the CPU backend. */
abstract class BenchTiming {

    /** One timed call; what it returns is closed after the clock stops (outside the timed interval). */
    interface Op {
        AutoCloseable run() throws Exception;
    }

    /** Sorted samples in ms. */
    record Samples(double[] ms) {
        static final Samples NONE = new Samples(new double[0]);

        /** The middle sample (repeats are odd by default; for an even count the upper middle). NaN when empty. */
        double median() { return ms.length == 0 ? Double.NaN : ms[ms.length / 2]; }
    }

    abstract String name();

    /** Milliseconds of one call. */
    abstract double ms(Op op) throws Exception;

    /** warmup untimed calls, then repeats timed ones, sorted. */
    final Samples samples(Op op, int warmup, int repeats) throws Exception {
        for (int i = 0; i < warmup; i++) op.run().close();
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) ms[i] = ms(op);
        Arrays.sort(ms);
        return new Samples(ms);
    }

    static BenchTiming wallClock() {
        return new BenchTiming() {
            @Override String name() { return "wall clock (System.nanoTime)"; }

            @Override
            double ms(Op op) throws Exception {
                long t0 = System.nanoTime();
                AutoCloseable result = op.run();
                double ms = (System.nanoTime() - t0) / 1e6;
                result.close();
                return ms;
            }
        };
    }

    /**
     * Two events recorded on the backend's own stream, where it launches and cuBLAS runs, around the call; elapsed
     * time after synchronising on the stop event. (That stream is non-blocking: events on the legacy default
     * stream would not wait for its work.) Created and recorded under the backend's exclusive section so its
     * context is current on this thread.
     */
    static BenchTiming cudaEvents(Compute compute) {
        CUstream stream = ((JCudaDeviceApi) ((CudaCompute) compute).device()).stream();
        return new BenchTiming() {
            @Override String name() { return "CUDA events (cuEventRecord on the backend's stream)"; }

            @Override
            double ms(Op op) throws Exception {
                CUevent start = new CUevent(), stop = new CUevent();
                float[] ms = {0};
                compute.exclusive(() -> {
                    check("cuEventCreate", cuEventCreate(start, 0));
                    check("cuEventCreate", cuEventCreate(stop, 0));
                    check("cuEventRecord", cuEventRecord(start, stream));
                    return null;
                });
                AutoCloseable result = op.run();
                compute.exclusive(() -> {
                    check("cuEventRecord", cuEventRecord(stop, stream));
                    check("cuEventSynchronize", cuEventSynchronize(stop));
                    check("cuEventElapsedTime", cuEventElapsedTime(ms, start, stop));
                    check("cuEventDestroy", cuEventDestroy(start));
                    check("cuEventDestroy", cuEventDestroy(stop));
                    return null;
                });
                result.close();
                return ms[0];
            }
        };
    }

    private static void check(String call, int rc) {
        if (rc != CUresult.CUDA_SUCCESS) throw new CudaException(call, CUresult.stringFor(rc), null);
    }
}
