package org.rnn4j.nn;

import org.rnn4j.Tensor;
import org.rnn4j.extension.Extension;

/** Test helper: overwrites a tensor's contents in place (the API keeps tensors immutable; tests probe weights). */
final class TensorWrites {
    private TensorWrites() {}

    static void overwrite(Tensor dst, float[] data) {
        var b = dst.backend();
        var c = Extension.compute(b);
        try (Tensor src = b.tensor(data, dst.shape())) {
            c.exclusive(() -> {
                c.copy(Extension.memory(src), 0, Extension.memory(dst), 0, dst.size());
                return null;
            });
        }
    }
}
