package org.rnn4j;

import static org.rnn4j.Shapes.check;
import static org.rnn4j.Shapes.dim;

import java.util.function.Supplier;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.internal.Compute;
import org.rnn4j.internal.LstmCell;
import org.rnn4j.internal.Memory;
import org.rnn4j.internal.RnnCell;
import org.rnn4j.internal.Scope;

/**
 * The entry point: a backend owns tensors and runs the eight operations of the seed notebook on them.
 * Shapes, gate order and semantics are documented in the package javadoc ({@code org.rnn4j}).
 *
 * <p>Choose one with {@link #cpu()}, {@link #cuda()} or {@link #auto()}; {@link #reason()} says why it was
 * chosen. Every operation checks its arguments first (null, rank, shape, backend, closed) and throws before
 * allocating anything; results are new tensors. A backend may be used from several threads at once.
 * {@link #close()} releases what the backend holds (thread pool, CUDA handles); tensors are closed separately.
 */
public final class Backend implements AutoCloseable {
    private static final String[] ND = {"N", "D"}, NH = {"N", "H"}, NTD = {"N", "T", "D"}, NTH = {"N", "T", "H"};
    private static final String[] DH = {"D", "H"}, HH = {"H", "H"}, Hv = {"H"};
    private static final String[] DG = {"D", "4H"}, HG = {"H", "4H"}, Gv = {"4H"};

    private final Compute compute;
    private final String reason;

    private Backend(Compute compute, String reason) {
        this.compute = compute;
        this.reason = reason;
    }

    /** The pure-Java backend: runs everywhere, uses every core. */
    public static Backend cpu() { return new Backend(new CpuCompute(), "cpu requested"); }

    /** The CUDA backend; throws {@link CudaUnavailableException} naming the cause and fix if it cannot run. */
    public static Backend cuda() { return new Backend(org.rnn4j.cuda.CudaCompute.open(), "cuda requested"); }

    /**
     * CUDA where usable, else CPU, unless the system property {@code rnn4j.backend} or the environment
     * variable {@code RNN4J_BACKEND} says {@code cpu} or {@code cuda}. Logs one line saying which and why.
     */
    public static Backend auto() { return BackendSelection.select(); }

    /** For tests and custom backends: wraps a {@link Compute} implementation. */
    public static Backend of(Compute compute, String reason) { return new Backend(compute, reason); }

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
        return run(() -> new Tensor(this, compute.upload(data), s));
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

    /** Internal, for backend extensions: a tensor of this backend over {@code memory}, which it takes over. */
    public Tensor wrap(Memory memory, int... shape) {
        if (memory.owner() != compute) throw new IllegalArgumentException("wrap: memory belongs to another backend");
        int[] s = Shapes.checkNew(shape);
        if (Shapes.size(s) != memory.floats())
            throw new IllegalArgumentException("wrap: memory holds " + memory.floats() + " floats, shape " + Shapes.format(s) + " needs " + Shapes.size(s));
        return new Tensor(this, memory, s);
    }

    // ---------------------------------------------------------------- vanilla RNN

    /** nextH = tanh(x·Wx + prevH·Wh + b). x (N,D), prevH (N,H), Wx (D,H), Wh (H,H), b (H). */
    public RnnStepOutput rnnStepForward(Tensor x, Tensor prevH, Tensor wx, Tensor wh, Tensor b) {
        String op = "rnnStepForward";
        int N = dim(op, "x", x, ND, 0), D = x.dim(1), H = dim(op, "prevH", prevH, NH, 1);
        checkRnnParams(op, x, ND, new int[]{N, D}, prevH, N, D, H, wx, wh, b);
        return run(() -> {
            try (Scope s = new Scope(compute)) {
                RnnCache cache = rnnForwardInto(s, true, 1, N, D, H, x.memory(), prevH.memory(), wx, wh, b);
                Memory next = s.alloc((long) N * H);
                compute.copy(cache.hs, (long) N * H, next, 0, (long) N * H);
                s.keep(next);
                return new RnnStepOutput(new Tensor(this, next, new int[]{N, H}), cache);
            }
        });
    }

    /** Gradients of one RNN step. dNextH (N,H). */
    public RnnStepGradients rnnStepBackward(Tensor dNextH, RnnCache cache) {
        String op = "rnnStepBackward";
        checkCache(op, cache, true);
        check(op, "dNextH", dNextH, this, NH, fromCache(cache.N, 1, cache.D, cache.H, true), cache.N, cache.H);
        Tensor[] g = run(() -> rnnBackwardFrom(dNextH.memory(), cache, false));
        return new RnnStepGradients(g[0], g[1], g[2], g[3], g[4]);
    }

    /** Runs the RNN over a sequence. x (N,T,D), h0 (N,H), Wx (D,H), Wh (H,H), b (H) → h (N,T,H). */
    public RnnOutput rnnForward(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        return rnnSequence("rnnForward", x, h0, wx, wh, b);
    }

    /**
     * Inference (no gradient, as PyTorch's {@code no_grad}): the same computation as {@link #rnnForward}, bit for
     * bit, but no cache is kept, so the scratch memory is released before this returns. x (N,T,D) → h (N,T,H).
     */
    public Tensor rnnInference(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        RnnOutput out = rnnSequence("rnnInference", x, h0, wx, wh, b);
        out.cache().close();
        return out.h();
    }

    /** The sequence forward behind {@link #rnnForward} and {@link #rnnInference}; {@code op} names the caller in errors. */
    private RnnOutput rnnSequence(String op, Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        int N = dim(op, "x", x, NTD, 0), T = x.dim(1), D = x.dim(2), H = dim(op, "h0", h0, NH, 1);
        checkRnnParams(op, x, NTD, new int[]{N, T, D}, h0, N, D, H, wx, wh, b);
        return run(() -> {
            try (Scope s = new Scope(compute)) {
                Memory xTm = s.alloc((long) T * N * D);
                toTimeMajor(x.memory(), xTm, N, T, D);
                RnnCache cache = rnnForwardInto(s, false, T, N, D, H, xTm, h0.memory(), wx, wh, b);
                Memory h = s.alloc((long) N * T * H);
                fromTimeMajor(cache.hs, (long) N * H, h, T, N, H);
                s.keep(h);
                return new RnnOutput(new Tensor(this, h, new int[]{N, T, H}), cache);
            }
        });
    }

    /** Gradients of {@link #rnnForward}. dh (N,T,H): upstream gradient of every hidden state. */
    public RnnGradients rnnBackward(Tensor dh, RnnCache cache) {
        String op = "rnnBackward";
        checkCache(op, cache, false);
        check(op, "dh", dh, this, NTH, fromCache(cache.N, cache.T, cache.D, cache.H, false), cache.N, cache.T, cache.H);
        Tensor[] g = run(() -> rnnBackwardFrom(dh.memory(), cache, true));
        return new RnnGradients(g[0], g[1], g[2], g[3], g[4]);
    }

    private void checkRnnParams(String op, Tensor x, String[] xNames, int[] xShape, Tensor h, int N, int D, int H,
                                Tensor wx, Tensor wh, Tensor b) {
        String hName = xNames.length == 2 ? "prevH" : "h0";
        Supplier<String> origin = () -> origin(xNames, x, hName, h);
        check(op, "x", x, this, xNames, xShape);
        check(op, hName, h, this, NH, origin, N, H);
        check(op, "Wx", wx, this, DH, origin, D, H);
        check(op, "Wh", wh, this, HH, origin, H, H);
        check(op, "b", b, this, Hv, origin, H);
    }

    /** Forward into a new cache; for the step (T=1) xIn is copied, for a sequence it is already time-major. */
    private RnnCache rnnForwardInto(Scope s, boolean step, int T, int N, int D, int H,
                                    Memory xIn, Memory h0, Tensor wx, Tensor wh, Tensor b) {
        Memory xTm = xIn;
        if (step) {
            xTm = s.alloc((long) N * D);
            compute.copy(xIn, 0, xTm, 0, (long) N * D);
        }
        Memory hs = s.alloc((long) (T + 1) * N * H);
        Memory pre = s.alloc((long) T * N * H);
        RnnCell.forward(compute, T, N, D, H, xTm, h0, wx.memory(), wh.memory(), b.memory(), hs, pre);
        s.keep(xTm, hs);
        return new RnnCache(this, step, T, N, D, H, xTm, hs, wx, wh);
    }

    private Tensor[] rnnBackwardFrom(Memory dhIn, RnnCache c, boolean sequence) {
        int T = c.T, N = c.N, D = c.D, H = c.H;
        try (Scope s = new Scope(compute)) {
            Memory dhTm = s.alloc((long) T * N * H);
            toTimeMajor(dhIn, dhTm, N, T, H);
            Memory dxTm = s.alloc((long) T * N * D), dh0 = s.alloc((long) N * H);
            Memory dwx = s.alloc((long) D * H), dwh = s.alloc((long) H * H), db = s.alloc(H);
            RnnCell.backward(compute, T, N, D, H, c.xTm, c.hs, c.wx.memory(), c.wh.memory(), dhTm, dxTm, dh0, dwx, dwh, db);
            Memory dx = dxTm;
            if (sequence && T > 1 && N > 1) {
                dx = s.alloc((long) N * T * D);
                compute.swapAxes01(dxTm, 0, dx, 0, T, N, D);
            }
            s.keep(dx, dh0, dwx, dwh, db);
            int[] dxShape = sequence ? new int[]{N, T, D} : new int[]{N, D};
            return new Tensor[]{new Tensor(this, dx, dxShape), new Tensor(this, dh0, new int[]{N, H}),
                    new Tensor(this, dwx, new int[]{D, H}), new Tensor(this, dwh, new int[]{H, H}), new Tensor(this, db, new int[]{H})};
        }
    }

    // ---------------------------------------------------------------- LSTM

    /**
     * One LSTM step. x (N,D), prevH, prevC (N,H), Wx (D,4H), Wh (H,4H), b (4H); gates i, f, o, g.
     * nextC = f*prevC + i*g, nextH = o*tanh(nextC).
     */
    public LstmStepOutput lstmStepForward(Tensor x, Tensor prevH, Tensor prevC, Tensor wx, Tensor wh, Tensor b) {
        String op = "lstmStepForward";
        int N = dim(op, "x", x, ND, 0), D = x.dim(1), H = dim(op, "prevH", prevH, NH, 1);
        checkLstmParams(op, x, ND, new int[]{N, D}, prevH, prevC, N, D, H, wx, wh, b);
        return run(() -> {
            try (Scope s = new Scope(compute)) {
                Memory xTm = s.alloc((long) N * D);
                compute.copy(x.memory(), 0, xTm, 0, (long) N * D);
                LstmCache cache = lstmForwardInto(s, true, 1, N, D, H, xTm, prevH.memory(), prevC.memory(), wx, wh, b);
                long nh = (long) N * H;
                Memory nextH = s.alloc(nh), nextC = s.alloc(nh);
                compute.copy(cache.hs, nh, nextH, 0, nh);
                compute.copy(cache.cs, nh, nextC, 0, nh);
                s.keep(nextH, nextC);
                return new LstmStepOutput(new Tensor(this, nextH, new int[]{N, H}), new Tensor(this, nextC, new int[]{N, H}), cache);
            }
        });
    }

    /** Gradients of one LSTM step. dNextH, dNextC (N,H). */
    public LstmStepGradients lstmStepBackward(Tensor dNextH, Tensor dNextC, LstmCache cache) {
        String op = "lstmStepBackward";
        checkCache(op, cache, true);
        check(op, "dNextH", dNextH, this, NH, fromCache(cache.N, 1, cache.D, cache.H, true), cache.N, cache.H);
        check(op, "dNextC", dNextC, this, NH, fromCache(cache.N, 1, cache.D, cache.H, true), cache.N, cache.H);
        Tensor[] g = run(() -> lstmBackwardFrom(dNextH.memory(), dNextC.memory(), cache, false));
        return new LstmStepGradients(g[0], g[1], g[2], g[3], g[4], g[5]);
    }

    /** LSTM over a sequence with c0 = 0. */
    public LstmOutput lstmForward(Tensor x, Tensor h0, Tensor wx, Tensor wh, Tensor b) {
        return lstmForward(x, h0, null, wx, wh, b);
    }

    /**
     * LSTM over a sequence. x (N,T,D), h0 (N,H), c0 (N,H) or null for zeros, Wx (D,4H), Wh (H,4H), b (4H)
     * → h (N,T,H) and the final cell state cT (N,H).
     */
    public LstmOutput lstmForward(Tensor x, Tensor h0, Tensor c0, Tensor wx, Tensor wh, Tensor b) {
        return lstmSequence("lstmForward", x, h0, c0, wx, wh, b);
    }

    /**
     * Inference (no gradient, as PyTorch's {@code no_grad}): the same computation as {@link #lstmForward}, bit for
     * bit, but no cache is kept (the scratch is released before this returns). c0 may be null for zeros.
     */
    public LstmInferenceOutput lstmInference(Tensor x, Tensor h0, Tensor c0, Tensor wx, Tensor wh, Tensor b) {
        LstmOutput out = lstmSequence("lstmInference", x, h0, c0, wx, wh, b);
        out.cache().close();
        return new LstmInferenceOutput(out.h(), out.cT());
    }

    /** The sequence forward behind {@link #lstmForward} and {@link #lstmInference}; {@code op} names the caller in errors. */
    private LstmOutput lstmSequence(String op, Tensor x, Tensor h0, Tensor c0, Tensor wx, Tensor wh, Tensor b) {
        int N = dim(op, "x", x, NTD, 0), T = x.dim(1), D = x.dim(2), H = dim(op, "h0", h0, NH, 1);
        checkLstmParams(op, x, NTD, new int[]{N, T, D}, h0, c0, N, D, H, wx, wh, b);
        return run(() -> {
            try (Scope s = new Scope(compute)) {
                long nh = (long) N * H;
                Memory xTm = s.alloc((long) T * N * D);
                toTimeMajor(x.memory(), xTm, N, T, D);
                Memory c0m = c0 != null ? c0.memory() : s.alloc(nh);
                if (c0 == null) compute.fill(c0m, 0, nh, 0f);
                LstmCache cache = lstmForwardInto(s, false, T, N, D, H, xTm, h0.memory(), c0m, wx, wh, b);
                Memory h = s.alloc((long) N * T * H), cT = s.alloc(nh);
                fromTimeMajor(cache.hs, nh, h, T, N, H);
                compute.copy(cache.cs, T * nh, cT, 0, nh);
                s.keep(h, cT);
                return new LstmOutput(new Tensor(this, h, new int[]{N, T, H}), new Tensor(this, cT, new int[]{N, H}), cache);
            }
        });
    }

    /** Gradients of {@link #lstmForward} with no gradient on cT. */
    public LstmGradients lstmBackward(Tensor dh, LstmCache cache) { return lstmBackward(dh, null, cache); }

    /** Gradients of {@link #lstmForward}. dh (N,T,H); dcT (N,H) or null for zeros. */
    public LstmGradients lstmBackward(Tensor dh, Tensor dcT, LstmCache cache) {
        String op = "lstmBackward";
        checkCache(op, cache, false);
        check(op, "dh", dh, this, NTH, fromCache(cache.N, cache.T, cache.D, cache.H, false), cache.N, cache.T, cache.H);
        if (dcT != null) check(op, "dcT", dcT, this, NH, fromCache(cache.N, cache.T, cache.D, cache.H, false), cache.N, cache.H);
        Tensor[] g = run(() -> lstmBackwardFrom(dh.memory(), dcT == null ? null : dcT.memory(), cache, true));
        return new LstmGradients(g[0], g[1], g[2], g[3], g[4], g[5]);
    }

    private void checkLstmParams(String op, Tensor x, String[] xNames, int[] xShape, Tensor h, Tensor c,
                                 int N, int D, int H, Tensor wx, Tensor wh, Tensor b) {
        boolean step = xNames.length == 2;
        String hName = step ? "prevH" : "h0";
        Supplier<String> origin = () -> origin(xNames, x, hName, h);
        check(op, "x", x, this, xNames, xShape);
        check(op, hName, h, this, NH, origin, N, H);
        if (step || c != null) check(op, step ? "prevC" : "c0", c, this, NH, origin, N, H);
        check(op, "Wx", wx, this, DG, origin, D, 4 * H);
        check(op, "Wh", wh, this, HG, origin, H, 4 * H);
        check(op, "b", b, this, Gv, origin, 4 * H);
    }

    private LstmCache lstmForwardInto(Scope s, boolean step, int T, int N, int D, int H, Memory xTm,
                                      Memory h0, Memory c0, Tensor wx, Tensor wh, Tensor b) {
        long nh = (long) N * H;
        Memory hs = s.alloc((T + 1) * nh), cs = s.alloc((T + 1) * nh), gates = s.alloc(4 * T * nh);
        LstmCell.forward(compute, T, N, D, H, xTm, h0, c0, wx.memory(), wh.memory(), b.memory(), hs, cs, gates);
        s.keep(xTm, hs, cs, gates);
        return new LstmCache(this, step, T, N, D, H, xTm, hs, cs, gates, wx, wh);
    }

    private Tensor[] lstmBackwardFrom(Memory dhIn, Memory dcIn, LstmCache c, boolean sequence) {
        int T = c.T, N = c.N, D = c.D, H = c.H;
        long nh = (long) N * H;
        try (Scope s = new Scope(compute)) {
            Memory dhTm = s.alloc(T * nh);
            toTimeMajor(dhIn, dhTm, N, T, H);
            Memory dc = s.alloc(nh);
            if (dcIn != null) compute.copy(dcIn, 0, dc, 0, nh);
            else compute.fill(dc, 0, nh, 0f);
            Memory da = s.alloc(4 * T * nh), dxTm = s.alloc((long) T * N * D), dh0 = s.alloc(nh);
            Memory dwx = s.alloc(4L * D * H), dwh = s.alloc(4L * H * H), db = s.alloc(4L * H);
            LstmCell.backward(compute, T, N, D, H, c.xTm, c.hs, c.cs, c.gates, c.wx.memory(), c.wh.memory(),
                    dhTm, dc, da, dxTm, dh0, dwx, dwh, db);
            Memory dx = dxTm;
            if (sequence && T > 1 && N > 1) {
                dx = s.alloc((long) N * T * D);
                compute.swapAxes01(dxTm, 0, dx, 0, T, N, D);
            }
            s.keep(dx, dh0, dc, dwx, dwh, db);
            int[] dxShape = sequence ? new int[]{N, T, D} : new int[]{N, D};
            return new Tensor[]{new Tensor(this, dx, dxShape), new Tensor(this, dh0, new int[]{N, H}),
                    new Tensor(this, dc, new int[]{N, H}), new Tensor(this, dwx, new int[]{D, 4 * H}),
                    new Tensor(this, dwh, new int[]{H, 4 * H}), new Tensor(this, db, new int[]{4 * H})};
        }
    }

    // ---------------------------------------------------------------- shared plumbing

    private void checkCache(String op, Object cache, boolean step) {
        if (cache == null) throw new NullPointerException(op + ": cache must not be null");
        Backend owner;
        boolean closed, isStep;
        Tensor wx, wh;
        if (cache instanceof RnnCache c) { owner = c.backend; closed = c.isClosed(); isStep = c.step; wx = c.wx; wh = c.wh; }
        else { LstmCache c = (LstmCache) cache; owner = c.backend; closed = c.isClosed(); isStep = c.step; wx = c.wx; wh = c.wh; }
        if (owner != this)
            throw new IllegalArgumentException(op + ": cache belongs to another backend (" + owner
                    + ") than the one running this operation (" + this + "); run backward on the backend that ran forward");
        if (closed) throw new IllegalStateException(op + ": cache was used after close()");
        if (isStep != step)
            throw new IllegalArgumentException(op + ": cache comes from a " + (isStep ? "step" : "sequence")
                    + " forward; pass it to the " + (isStep ? "step" : "sequence") + " backward");
        if (wx.isClosed() || wh.isClosed()) {
            String which = wx.isClosed() ? "Wx " + Shapes.format(wx.shape()) : "Wh " + Shapes.format(wh.shape());
            throw new IllegalStateException(op + ": " + which + ", which the cache refers to, was closed before backward;"
                    + " keep Wx and Wh open until backward is done");
        }
    }

    /** Where the expected dimensions come from, for shape-mismatch messages: x gives N (T) D, the state gives H. */
    private static String origin(String[] xNames, Tensor x, String hName, Tensor h) {
        return String.join(", ", xNames) + " are read from x "
                + Shapes.format(x.shape()) + ", H from " + hName + " " + Shapes.format(h.shape());
    }

    /** For backward arguments: the sizes are those of the forward pass that made the cache. */
    private static Supplier<String> fromCache(int N, int T, int D, int H, boolean step) {
        return () -> "the cache comes from a forward pass with N=" + N + (step ? "" : ", T=" + T) + ", D=" + D + ", H=" + H;
    }

    /** (N,T,C) → (T,N,C); a plain copy when either axis is 1. */
    private void toTimeMajor(Memory src, Memory dst, int N, int T, int C) {
        if (N == 1 || T == 1) compute.copy(src, 0, dst, 0, (long) N * T * C);
        else compute.swapAxes01(src, 0, dst, 0, N, T, C);
    }

    /** (T,N,C) starting at srcOff → (N,T,C). */
    private void fromTimeMajor(Memory src, long srcOff, Memory dst, int T, int N, int C) {
        if (N == 1 || T == 1) compute.copy(src, srcOff, dst, 0, (long) N * T * C);
        else compute.swapAxes01(src, srcOff, dst, 0, T, N, C);
    }

    private <R> R run(Supplier<R> body) { return compute.exclusive(body); }

    /** Internal: the primitives behind this backend. */
    public Compute compute() { return compute; }

    @Override
    public void close() { compute.shutdown(); }

    @Override
    public String toString() { return "Backend[" + name() + ": " + reason + "]"; }
}
