package org.rnn4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.compute.Compute;
import org.rnn4j.extension.Extension;

/**
 * Adam (Kingma &amp; Ba) over a fixed list of parameter tensors, updated in place by one fused primitive per
 * tensor. Holds the first and second moment tensors (same shapes, zeros at the start) and the step count,
 * all of which a checkpoint must save for a resumed run to continue exactly ({@link #moments()}, {@link #step()}).
 */
public final class Adam implements AutoCloseable {
    private final Backend backend;
    private final List<Tensor> params;
    private final List<Tensor> m = new ArrayList<>(), v = new ArrayList<>();
    private final double beta1, beta2, eps;
    private long step;

    public Adam(Backend backend, List<Tensor> params, double beta1, double beta2, double eps) {
        if (params == null || params.isEmpty()) throw new IllegalArgumentException("Adam: params must not be empty");
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0))
            throw new IllegalArgumentException("Adam: need 0 <= beta1, beta2 < 1 and eps > 0 but got " + beta1 + ", "
                    + beta2 + ", " + eps);
        this.backend = backend;
        this.params = List.copyOf(params);
        this.beta1 = beta1; this.beta2 = beta2; this.eps = eps;
        for (Tensor p : params) {
            if (p.backend() != backend) throw new IllegalArgumentException("Adam: a parameter belongs to backend "
                    + p.backend().name());
            m.add(backend.zeros(p.shape()));
            v.add(backend.zeros(p.shape()));
        }
    }

    /** Number of updates applied so far (t in the bias corrections). */
    public long step() { return step; }

    /** For checkpoints: m then v tensors, in parameter order (live tensors; do not close). */
    public List<Tensor> moments() {
        List<Tensor> all = new ArrayList<>(m);
        all.addAll(v);
        return all;
    }

    /** Restores the state saved from {@link #moments()} and {@link #step()}. */
    public void restore(long step, List<float[]> moments) {
        if (step < 0 || moments.size() != 2 * params.size())
            throw new IllegalArgumentException("Adam.restore: need step >= 0 and " + 2 * params.size()
                    + " moment arrays");
        List<Tensor> all = moments();
        for (int i = 0; i < all.size(); i++) {
            Tensor t = all.get(i);
            float[] src = moments.get(i);
            if (src.length != t.size())
                throw new IllegalArgumentException("Adam.restore: moment " + i + " has " + src.length
                        + " floats, expected " + t.size());
            try (Tensor tmp = backend.tensor(src, t.shape())) {
                Extension.compute(backend).exclusive(() -> { Extension.compute(backend).copy(Extension.memory(tmp), 0,
                        Extension.memory(t), 0, t.size()); return null; });
            }
        }
        this.step = step;
    }

    /** One update with learning rate lr; grads in the order of the parameters, same shapes. */
    public void update(List<Tensor> grads, double lr) {
        if (grads.size() != params.size())
            throw new IllegalArgumentException("Adam.update: " + grads.size() + " gradients for " + params.size()
                    + " parameters");
        for (int i = 0; i < grads.size(); i++)
            if (grads.get(i).size() != params.get(i).size())
                throw new IllegalArgumentException("Adam.update: gradient " + i + " has " + grads.get(i).size()
                        + " elements but its parameter " + params.get(i).size());
        step++;
        // Bias corrections in double, then rounded once: the same floats reach the CPU and GPU primitive.
        float bias1 = (float) (1 - Math.pow(beta1, step)), bias2 = (float) (1 - Math.pow(beta2, step));
        Compute c = Extension.compute(backend);
        c.exclusive(() -> {
            for (int i = 0; i < params.size(); i++)
                c.adamUpdate(params.get(i).size(), (float) lr, (float) beta1, (float) beta2, (float) eps, bias1, bias2,
                        Extension.memory(params.get(i)), 0, Extension.memory(grads.get(i)), 0,
                        Extension.memory(m.get(i)), 0, Extension.memory(v.get(i)), 0);
            return null;
        });
    }

    @Override
    public void close() {
        for (Tensor t : m) t.close();
        for (Tensor t : v) t.close();
    }
}
