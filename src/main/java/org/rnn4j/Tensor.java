package org.rnn4j;

import java.util.Arrays;
import org.rnn4j.compute.Memory;
import org.rnn4j.extension.Shapes;

/**
 * A dense row-major float32 array living on one {@link Backend} (host memory for the CPU backend, device
 * memory for CUDA). Immutable through the public API: operations read tensors and return new ones.
 * {@link #close()} frees the storage at once; a closed tensor cannot be used again.
 */
public final class Tensor implements AutoCloseable {
    private final Backend backend;
    private final Memory memory;
    private final int[] shape;

    Tensor(Backend backend, Memory memory, int[] shape) {
        this.backend = backend;
        this.memory = memory;
        this.shape = shape.clone();
    }

    public Backend backend() { return backend; }

    /** A copy of the shape. */
    public int[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    public int dim(int axis) { return shape[axis]; }

    /** Number of elements. */
    public long size() { return Shapes.size(shape); }

    /** Copies the contents to a new host array (row-major). */
    public float[] toArray() {
        memory.ensureOpen("tensor " + Shapes.format(shape));
        if (size() > Integer.MAX_VALUE) throw new IllegalStateException("tensor too large for one Java array");
        float[] out = new float[(int) size()];
        backend.run(() -> {
            backend.compute().download(memory, 0, out, 0, out.length);
            return null;
        });
        return out;
    }

    public boolean isClosed() { return memory.isClosed(); }

    @Override
    public void close() { memory.close(); }

    /** The storage; extension code reaches it through {@code org.rnn4j.extension.Extension.memory}. */
    Memory memory() { return memory; }

    @Override
    public String toString() {
        return "Tensor" + Shapes.format(shape) + "@" + backend.name() + (isClosed() ? " (closed)" : "");
    }

    @Override
    public boolean equals(Object o) { return this == o; }

    @Override
    public int hashCode() { return System.identityHashCode(this) ^ Arrays.hashCode(shape); }
}
