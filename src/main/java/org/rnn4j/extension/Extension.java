package org.rnn4j.extension;

import java.util.Objects;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;

/**
 * The way from the public API to the primitives underneath, for code that extends rnn4j: layers that run
 * primitives on a backend's tensors ({@code org.rnn4j.nn}, the trainer), custom or test {@link Compute}
 * implementations. Not needed to use rnn4j, and not a stable API: the primitives may change between versions.
 */
public final class Extension {
    /** Implemented by {@code org.rnn4j}, which installs it when {@link Backend} is initialised. */
    public interface Bridge {
        Compute compute(Backend backend);

        Memory memory(Tensor tensor);

        Tensor tensor(Backend backend, Memory memory, int[] shape);

        Backend backend(Compute compute, String reason);
    }

    private static volatile Bridge bridge;

    private Extension() {}

    /** Called once by {@link Backend}'s initialiser; a second call throws. */
    public static synchronized void install(Bridge b) {
        if (bridge != null) throw new IllegalStateException("the extension bridge is installed by org.rnn4j.Backend only");
        bridge = Objects.requireNonNull(b);
    }

    private static Bridge bridge() {
        if (bridge == null) {
            try {   // initialising Backend installs the bridge
                Class.forName(Backend.class.getName(), true, Extension.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return bridge;
    }

    /** The primitives behind {@code backend}. Call them inside {@link Compute#exclusive}. */
    public static Compute compute(Backend backend) { return bridge().compute(Objects.requireNonNull(backend)); }

    /** The storage behind {@code tensor} (a live view: writing it changes the tensor). */
    public static Memory memory(Tensor tensor) { return bridge().memory(Objects.requireNonNull(tensor)); }

    /**
     * A tensor of {@code backend} over {@code memory}, which it takes over (closing the tensor frees it). The memory
     * must belong to the backend's Compute and hold exactly as many floats as the shape.
     */
    public static Tensor tensor(Backend backend, Memory memory, int... shape) {
        return bridge().tensor(Objects.requireNonNull(backend), Objects.requireNonNull(memory), shape);
    }

    /** A backend over a custom {@link Compute} (tests, emulators, new devices); {@code reason} is its {@code reason()}. */
    public static Backend backend(Compute compute, String reason) {
        return bridge().backend(Objects.requireNonNull(compute), reason);
    }
}
