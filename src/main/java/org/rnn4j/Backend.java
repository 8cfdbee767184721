package org.rnn4j;

import org.rnn4j.cuda.CudaUnavailableException;
import java.util.function.Supplier;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.extension.Extension;
import org.rnn4j.extension.HostFacts;
import org.rnn4j.extension.Shapes;

/**
 * The entry point: a backend owns tensors and runs the recurrent operations on them. Shapes, gate order and
 * formulas are in the package javadoc ({@code org.rnn4j}).
 *
 * <p>Choose one with {@link #cpu()}, {@link #cuda()} or {@link #auto()}; {@link #reason()} says why it was
 * chosen. Every operation checks its arguments first (null, rank, shape, backend, closed) and throws before
 * allocating anything; results are new tensors. A backend may be used from several threads at once.
 * {@link #close()} releases what the backend holds (thread pool, CUDA handles); tensors are closed separately.
 */
public final class Backend implements AutoCloseable {
    static {
        Extension.install(new Bridge());
    }

    private final Compute compute;
    private final String reason;
    private volatile boolean closed;

    Backend(Compute compute, String reason) {
        this.compute = compute;
        this.reason = reason;
    }

    /** The pure-Java backend: runs everywhere, uses every core. */
    public static Backend cpu() { return BackendSelection.cpu("cpu requested"); }

    /** The CUDA backend; throws {@link CudaUnavailableException} naming the cause and fix if it cannot run. */
    public static Backend cuda() {
        org.rnn4j.cuda.CudaCompute cuda = org.rnn4j.cuda.CudaCompute.open();
        return new Backend(cuda, "cuda requested (" + cuda.describe() + ")");
    }

    /**
     * CUDA where usable, else CPU, unless the system property {@code rnn4j.backend} or the environment
     * variable {@code RNN4J_BACKEND} says {@code cpu} or {@code cuda}. Logs one line saying which and why.
     */
    public static Backend auto() { return BackendSelection.select(); }

    /** "cpu", "cuda", ... */
    public String name() { return compute.name(); }

    /** Why this backend was chosen (e.g. "auto: CUDA unavailable (no libcuda): using cpu"). */
    public String reason() { return reason; }

    /** A tensor holding a copy of {@code data} (row-major) with the given shape. */
    public Tensor tensor(float[] data, int... shape) {
        if (data == null) throw new NullPointerException("tensor: data must not be null");
        int[] s = Shapes.checkNew(shape);
        if (Shapes.size(s) != data.length)
            throw new IllegalArgumentException("tensor: data has " + data.length + " elements but shape "
                    + Shapes.format(s) + " needs " + Shapes.size(s));
        HostFacts facts = HostFacts.of(data);   // while the host has the data: spares reading indices back later
        return run(() -> new Tensor(this, compute.upload(data), s, facts));
    }

    /** A tensor of zeros. */
    public Tensor zeros(int... shape) {
        int[] s = Shapes.checkNew(shape);
        return run(() -> {
            Memory m = compute.alloc(Shapes.size(s));
            compute.fill(m, 0, m.floats(), 0f);
            return new Tensor(this, m, s);
        });
    }

    // ---------------------------------------------------------------- vanilla RNN

    /** nextH = tanh(x·Wx + prevH·Wh + b). x (N,D), prevH (N,H), Wx (D,H), Wh (H,H), b (H). */
    public Rnn.StepOutput rnnStepForward(Tensor x, Tensor prevH, Tensor wx, Tensor wh, Tensor b) {
        Rnn.Output o = Cells.rnnForward(this, "rnnStepForward", true, x, prevH, wx, wh, b);
        return new Rnn.StepOutput(Cells.stepOf(o.h()), o.cache());
    }

    /** Gradients of one RNN step. dNextH (N,H). */
    public Rnn.StepGradients rnnStepBackward(Tensor dNextH, Cache cache) {
        Rnn.Gradients g = Cells.rnnBackward(this, "rnnStepBackward", "rnnStepForward", dNextH, cache);
        return new Rnn.StepGradients(g.dx(), g.dh0(), g.dWx(), g.dWh(), g.db());
    }

    /** Runs the RNN over a sequence. x (N,T,D), h0 (N,H), Wx (D,H), Wh (H,H), b (H) → h (N,T,H). */
    public Rnn.Output rnnForward(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        return Cells.rnnForward(this, "rnnForward", false, x, h0, wx, wh, b);
    }

    /**
     * Inference (no gradient, as PyTorch's {@code no_grad}): the same computation as {@link #rnnForward}, bit for
     * bit, but no cache is kept, so the scratch memory is released before this returns. x (N,T,D) → h (N,T,H).
     */
    public Tensor rnnInference(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        Rnn.Output out = Cells.rnnForward(this, "rnnInference", false, x, h0, wx, wh, b);
        out.cache().close();
        return out.h();
    }

    /** Gradients of {@link #rnnForward}. dh (N,T,H): upstream gradient of every hidden state. */
    public Rnn.Gradients rnnBackward(Tensor dh, Cache cache) {
        return Cells.rnnBackward(this, "rnnBackward", "rnnForward", dh, cache);
    }

    // ---------------------------------------------------------------- LSTM

    /**
     * One LSTM step. x (N,D), prevH, prevC (N,H), Wx (D,4H), Wh (H,4H), b (4H); gates i, f, o, g.
     * nextC = f*prevC + i*g, nextH = o*tanh(nextC).
     */
    public Lstm.StepOutput lstmStepForward(Tensor x, Tensor prevH, Tensor prevC, Tensor wx, Tensor wh, Tensor b) {
        Lstm.Output o = Cells.lstmForward(this, "lstmStepForward", true, x, prevH, prevC, wx, wh, b);
        return new Lstm.StepOutput(Cells.stepOf(o.h()), o.cT(), o.cache());
    }

    /** Gradients of one LSTM step. dNextH, dNextC (N,H). */
    public Lstm.StepGradients lstmStepBackward(Tensor dNextH, Tensor dNextC, Cache cache) {
        Lstm.Gradients g = Cells.lstmBackward(this, "lstmStepBackward", "lstmStepForward", dNextH, dNextC, cache);
        return new Lstm.StepGradients(g.dx(), g.dh0(), g.dc0(), g.dWx(), g.dWh(), g.db());
    }

    /** LSTM over a sequence with c0 = 0. */
    public Lstm.Output lstmForward(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        return lstmForward(x, h0, null, wx, wh, b);
    }

    /**
     * LSTM over a sequence. x (N,T,D), h0 (N,H), c0 (N,H) or null for zeros, Wx (D,4H), Wh (H,4H), b (4H)
     * → h (N,T,H) and the final cell state cT (N,H).
     */
    public Lstm.Output lstmForward(Tensor x, Tensor h0, Tensor c0, Tensor wx, Tensor wh, Tensor b) {
        return Cells.lstmForward(this, "lstmForward", false, x, h0, c0, wx, wh, b);
    }

    /**
     * Inference (no gradient, as PyTorch's {@code no_grad}): the same computation as {@link #lstmForward}, bit for
     * bit, but no cache is kept (the scratch is released before this returns). c0 may be null for zeros.
     */
    public Lstm.InferenceOutput lstmInference(Tensor x, Tensor h0, Tensor c0, Tensor wx, Tensor wh, Tensor b) {
        return Cells.lstmInference(this, "lstmInference", x, h0, c0, wx, wh, b);
    }

    /** Gradients of {@link #lstmForward} with no gradient on cT. */
    public Lstm.Gradients lstmBackward(Tensor dh, Cache cache) { return lstmBackward(dh, null, cache); }

    /** Gradients of {@link #lstmForward}. dh (N,T,H); dcT (N,H) or null for zeros. */
    public Lstm.Gradients lstmBackward(Tensor dh, Tensor dcT, Cache cache) {
        return Cells.lstmBackward(this, "lstmBackward", "lstmForward", dh, dcT, cache);
    }

    // ---------------------------------------------------------------- GRU

    /**
     * One GRU step (PyTorch's formulation, gates r, z, n). x (N,D), prevH (N,H), Wx (D,3H), Wh (H,3H), and two
     * biases bx, bh (3H), PyTorch's bias_ih and bias_hh. nextH = (1-z)*n + z*prevH.
     */
    public Gru.StepOutput gruStepForward(Tensor x, Tensor prevH, Tensor wx, Tensor wh, Tensor bx, Tensor bh) {
        Gru.Output o = Cells.gruForward(this, "gruStepForward", true, x, prevH, wx, wh, bx, bh);
        return new Gru.StepOutput(Cells.stepOf(o.h()), o.cache());
    }

    /** Gradients of one GRU step. dNextH (N,H). */
    public Gru.StepGradients gruStepBackward(Tensor dNextH, Cache cache) {
        Gru.Gradients g = Cells.gruBackward(this, "gruStepBackward", "gruStepForward", dNextH, cache);
        return new Gru.StepGradients(g.dx(), g.dh0(), g.dWx(), g.dWh(), g.dbx(), g.dbh());
    }

    /** GRU over a sequence. x (N,T,D), h0 (N,H), Wx (D,3H), Wh (H,3H), bx, bh (3H) → h (N,T,H). */
    public Gru.Output gruForward(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor bx, Tensor bh) {
        return Cells.gruForward(this, "gruForward", false, x, h0, wx, wh, bx, bh);
    }

    /** Inference: {@link #gruForward}'s computation, bit for bit, without a cache. x (N,T,D) → h (N,T,H). */
    public Tensor gruInference(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor bx, Tensor bh) {
        Gru.Output out = Cells.gruForward(this, "gruInference", false, x, h0, wx, wh, bx, bh);
        out.cache().close();
        return out.h();
    }

    /** Gradients of {@link #gruForward}. dh (N,T,H): upstream gradient of every hidden state. */
    public Gru.Gradients gruBackward(Tensor dh, Cache cache) {
        return Cells.gruBackward(this, "gruBackward", "gruForward", dh, cache);
    }

    // ---------------------------------------------------------------- plumbing

    /** Runs one public operation: refused once the backend is closed; the Compute serialises it if it must. */
    <R> R run(Supplier<R> body) {
        if (closed) throw new IllegalStateException("backend " + name() + " was used after it was closed");
        return compute.exclusive(body);
    }

    Compute compute() { return compute; }

    /** Releases the backend's thread pool or CUDA handles; later operations on it throw. Idempotent. */
    @Override
    public void close() {
        closed = true;
        compute.shutdown();
    }

    @Override
    public String toString() { return "Backend[" + name() + ": " + reason + "]"; }

    /** The {@link Extension} bridge: gives extension code the primitives behind the public types. */
    private static final class Bridge implements Extension.Bridge {
        @Override public Compute compute(Backend backend) { return backend.compute; }

        @Override public Memory memory(Tensor tensor) { return tensor.memoryToWrite(); }
        @Override public Memory memoryToRead(Tensor tensor) { return tensor.memory(); }
        @Override public HostFacts facts(Tensor tensor) { return tensor.facts(); }

        @Override public Backend backend(Compute compute, String reason) { return new Backend(compute, reason); }

        @Override public Tensor tensor(Backend backend, Memory memory, int[] shape) {
            if (memory.owner() != backend.compute)
                throw new IllegalArgumentException("tensor: memory belongs to another backend");
            int[] s = Shapes.checkNew(shape);
            if (Shapes.size(s) != memory.floats())
                throw new IllegalArgumentException("tensor: memory holds " + memory.floats() + " floats, shape "
                        + Shapes.format(s) + " needs " + Shapes.size(s));
            return new Tensor(backend, memory, s);
        }
    }
}
