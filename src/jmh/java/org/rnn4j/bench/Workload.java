package org.rnn4j.bench;

import java.util.SplittableRandom;
import org.rnn4j.Backend;
import org.rnn4j.Cache;
import org.rnn4j.Lstm;
import org.rnn4j.Lstm;
import org.rnn4j.Lstm;
import org.rnn4j.Lstm;
import org.rnn4j.Lstm;
import org.rnn4j.Cache;
import org.rnn4j.Rnn;
import org.rnn4j.Rnn;
import org.rnn4j.Rnn;
import org.rnn4j.Rnn;
import org.rnn4j.Tensor;

/**
 * One cell (rnn or lstm) at one size with random inputs, and the operations the benchmarks time. Every
 * result is closed before the next call, so the heap stays flat; {@link #sink} keeps results observable.
 */
public final class Workload implements AutoCloseable {
    public final String cell;
    public final int N, T, D, H;
    final Backend be;
    final Tensor x, h0, c0, wx, wh, b, dh, dcT, xs, dhs, dcs;
    Cache rnnCache, rnnStepCache;
    Cache lstmCache, lstmStepCache;
    public float sink;

    public Workload(Backend be, String cell, int N, int T, int D, int H) {
        this.be = be;
        this.cell = cell;
        this.N = N; this.T = T; this.D = D; this.H = H;
        int G = cell.equals("lstm") ? 4 * H : H;
        SplittableRandom r = new SplittableRandom(42);
        x = t(r, 1, N, T, D);
        h0 = t(r, 1, N, H);
        c0 = t(r, 1, N, H);
        wx = t(r, 1 / Math.sqrt(D), D, G);
        wh = t(r, 1 / Math.sqrt(H), H, G);
        b = t(r, 0.1, G);
        dh = t(r, 1, N, T, H);
        dcT = t(r, 1, N, H);
        xs = t(r, 1, N, D);
        dhs = t(r, 1, N, H);
        dcs = t(r, 1, N, H);
    }

    private Tensor t(SplittableRandom r, double scale, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return be.tensor(a, shape);
    }

    public static Workload parse(Backend be, String cell, String size) {
        String[] p = size.split("[x,]"); // "16x50x128x128" (JMH splits -p values on commas) or "16,50,128,128"
        return new Workload(be, cell, Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]),
        Integer.parseInt(p[3]));
    }

    boolean lstm() { return cell.equals("lstm"); }

    /** Training forward over the sequence; the cache is closed at once. */
    public void forward() {
        if (lstm()) try (Lstm.Output o = be.lstmForward(x, h0, c0, wx, wh, b)) { sink += o.h().size(); }
        else try (Rnn.Output o = be.rnnForward(x, h0, wx, wh, b)) { sink += o.h().size(); }
    }

    /** Backward over the sequence from a cache made once ({@link #prepareBackward}). */
    public void backward() {
        if (lstm()) try (Lstm.Gradients g = be.lstmBackward(dh, dcT, lstmCache)) { sink += g.db().size(); }
        else try (Rnn.Gradients g = be.rnnBackward(dh, rnnCache)) { sink += g.db().size(); }
    }

    public void forwardBackward() {
        if (lstm()) try (Lstm.Output o = be.lstmForward(x, h0, c0, wx, wh, b);
                         Lstm.Gradients g = be.lstmBackward(dh, dcT, o.cache())) { sink += g.db().size(); }
        else try (Rnn.Output o = be.rnnForward(x, h0, wx, wh, b);
                  Rnn.Gradients g = be.rnnBackward(dh, o.cache())) { sink += g.db().size(); }
    }

    public void inference() {
        if (lstm()) try (Lstm.InferenceOutput o = be.lstmInference(x, h0, c0, wx, wh, b)) { sink += o.h().size(); }
        else try (Tensor h = be.rnnInference(x, h0, wx, wh, b)) { sink += h.size(); }
    }

    public void stepForward() {
        if (lstm()) try (Lstm.StepOutput o = be.lstmStepForward(xs, h0, c0, wx, wh, b)) { sink += o.nextH().size(); }
        else try (Rnn.StepOutput o = be.rnnStepForward(xs, h0, wx, wh, b)) { sink += o.nextH().size(); }
    }

    public void stepBackward() {
        if (lstm()) try (Lstm.StepGradients g = be.lstmStepBackward(dhs, dcs, lstmStepCache)) { sink += g.db().size(); }
        else try (Rnn.StepGradients g = be.rnnStepBackward(dhs, rnnStepCache)) { sink += g.db().size(); }
    }

    public void stepForwardBackward() {
        if (lstm()) try (Lstm.StepOutput o = be.lstmStepForward(xs, h0, c0, wx, wh, b);
                         Lstm.StepGradients g = be.lstmStepBackward(dhs, dcs, o.cache())) { sink += g.db().size(); }
        else try (Rnn.StepOutput o = be.rnnStepForward(xs, h0, wx, wh, b);
                  Rnn.StepGradients g = be.rnnStepBackward(dhs, o.cache())) { sink += g.db().size(); }
    }

    /** Runs the forward passes whose caches {@link #backward} and {@link #stepBackward} reuse. */
    public void prepareBackward() {
        if (lstm()) {
            Lstm.Output o = be.lstmForward(x, h0, c0, wx, wh, b);
            o.h().close();
            o.cT().close();
            lstmCache = o.cache();
            Lstm.StepOutput s = be.lstmStepForward(xs, h0, c0, wx, wh, b);
            s.nextH().close();
            s.nextC().close();
            lstmStepCache = s.cache();
        } else {
            Rnn.Output o = be.rnnForward(x, h0, wx, wh, b);
            o.h().close();
            rnnCache = o.cache();
            Rnn.StepOutput s = be.rnnStepForward(xs, h0, wx, wh, b);
            s.nextH().close();
            rnnStepCache = s.cache();
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[]{x, h0, c0, wx, wh, b, dh, dcT, xs, dhs, dcs, rnnCache, rnnStepCache,
                lstmCache, lstmStepCache}) {
            try {
                if (c != null) c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
