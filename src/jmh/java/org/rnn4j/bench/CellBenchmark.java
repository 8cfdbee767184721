package org.rnn4j.bench;

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
import org.rnn4j.Backend;

/**
 * The cells on the CPU backend at the sizes (N,T,D,H): sequence forward, backward, forward+backward and
 * inference, and the single step (T = 1 API) forward, backward and forward+backward. Time per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class CellBenchmark {
    @Param({"rnn", "lstm"})
    public String cell;

    /** N x T x D x H (not commas: JMH's -p splits on them). */
    @Param({"16x50x128x128", "64x100x256x256", "32x50x512x512"})
    public String size;

    Backend backend;
    Workload w;

    @Setup(Level.Trial)
    public void setUp() {
        backend = Backend.cpu();
        w = Workload.parse(backend, cell, size);
        w.prepareBackward();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        w.close();
        backend.close();
    }

    @Benchmark
    public float sequenceForward() { w.forward(); return w.sink; }

    @Benchmark
    public float sequenceBackward() { w.backward(); return w.sink; }

    @Benchmark
    public float sequenceForwardBackward() { w.forwardBackward(); return w.sink; }

    @Benchmark
    public float sequenceInference() { w.inference(); return w.sink; }

    @Benchmark
    public float stepForward() { w.stepForward(); return w.sink; }

    @Benchmark
    public float stepBackward() { w.stepBackward(); return w.sink; }

    @Benchmark
    public float stepForwardBackward() { w.stepForwardBackward(); return w.sink; }
}
