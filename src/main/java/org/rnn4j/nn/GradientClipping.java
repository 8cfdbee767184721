package org.rnn4j.nn;

import java.util.List;
import org.rnn4j.Tensor;
import org.rnn4j.compute.Compute;
import org.rnn4j.extension.Extension;

/**
 * Global gradient-norm clipping: if ‖(g1, g2, ...)‖₂ exceeds maxNorm, every gradient is scaled in place by
 * maxNorm/‖g‖. The squared norms come from the backend's deterministic sum, one float per tensor into one device
 * buffer read back by a single download (on a GPU, one synchronisation per step), then added on the host in tensor
 * order in double, so the decision and the scale are reproducible bit for bit.
 */
public final class GradientClipping {
    private GradientClipping() {}

    /** ‖g‖₂ over all tensors (which must share one backend). */
    public static double globalNorm(List<Tensor> grads) {
        if (grads.isEmpty()) return 0;
        Compute c = Extension.compute(grads.get(0).backend());
        for (Tensor g : grads) {
            if (Extension.compute(g.backend()) != c) throw new IllegalArgumentException("globalNorm: gradients on "
                    + "different backends");
            Extension.memory(g).ensureOpen("gradient " + g);
        }
        return c.exclusive(() -> {
            float[] host = new float[grads.size()];
            try (var out = c.alloc(grads.size())) {
                for (int i = 0; i < grads.size(); i++) c.sum(Extension.memory(grads.get(i)), 0, grads.get(i).size(),
                        true, out, i);
                c.download(out, 0, host, 0, host.length);
            }
            double total = 0;
            for (float squares : host) total += squares;
            return Math.sqrt(total);
        });
    }

    /** Clips in place; returns the norm before clipping (NaN or infinity leaves the gradients as they are). */
    public static double clip(List<Tensor> grads, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("clip: maxNorm must be positive but was " + maxNorm);
        double norm = globalNorm(grads);
        if (norm > maxNorm && Double.isFinite(norm)) {
            float s = (float) (maxNorm / norm);
            Compute c = Extension.compute(grads.get(0).backend());
            c.exclusive(() -> {
                for (Tensor g : grads) c.scale(Extension.memory(g), 0, g.size(), s);
                return null;
            });
        }
        return norm;
    }
}
