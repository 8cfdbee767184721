package org.rnn4j.extension;

import java.util.Arrays;
import java.util.StringJoiner;
import java.util.function.Supplier;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;

/** Shape arithmetic and the argument checks every operation runs before touching any memory. */
public final class Shapes {
    private Shapes() {}

    public static long size(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public static String format(int[] shape) {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (int d : shape) j.add(Integer.toString(d));
        return j.toString();
    }

    /** Validates a user-created shape: rank 1..4, every dimension positive. */
    public static int[] checkNew(int[] shape) {
        if (shape == null || shape.length == 0 || shape.length > 4)
            throw new IllegalArgumentException("shape must have rank 1 to 4 but was " + Arrays.toString(shape));
        long n = 1;
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException("shape dimensions must be positive but was " + format(shape));
            if (n > Long.MAX_VALUE / d)   // 65536^4 would wrap round to 0 in a long
                throw new IllegalArgumentException("shape " + format(shape) + " has more than 2^63 elements");
            n *= d;
        }
        return shape.clone();
    }

    /**
     * Checks that {@code t} is a live tensor of {@code backend} with exactly the expected shape.
     * {@code names} label each dimension in the message, e.g. {"N", "H"}.
     */
    public static void check(String op, String arg, Tensor t, Backend backend, String[] names, int... expected) {
        checkShape(op, arg, t, backend, names, null, expected);
    }

    /**
     * As {@link #check(String, String, Tensor, Backend, String[], int...)}; {@code origin} says where the expected
     * dimensions were read from (e.g. "N, D are read from x (2, 3), H from prevH (2, 5)") and is appended to a shape
     * mismatch message, so that a wrong x is recognisable even when the mismatch is reported on Wx.
     */
    public static void check(String op, String arg, Tensor t, Backend backend, String[] names, Supplier<String> origin,
                             int... expected) {
        checkShape(op, arg, t, backend, names, origin, expected);
    }

    private static void checkShape(String op, String arg, Tensor t, Backend backend, String[] names, Supplier<String> origin,
                                   int[] expected) {
        if (t == null) throw new NullPointerException(op + ": " + arg + " must not be null");
        if (t.backend() != backend)
            throw new IllegalArgumentException(op + ": " + arg + " belongs to another backend (" + t.backend()
                    + ") than the one running this operation (" + backend + "); copy it with backend.tensor(t.toArray(), t.shape())");
        if (t.isClosed()) throw new IllegalStateException(op + ": " + arg + " " + format(t.shape()) + " was used after close()");
        int[] actual = t.shape();
        if (!Arrays.equals(actual, expected))
            throw new IllegalArgumentException(op + ": " + arg + " must have shape " + describe(names, expected)
                    + " but has shape " + format(actual) + (origin == null ? "" : "; " + origin.get()));
    }

    /** Reads dimension {@code axis} of {@code t} after checking its rank; used to learn N, T, D, H from inputs. */
    public static int dim(String op, String arg, Tensor t, String[] names, int axis) {
        if (t == null) throw new NullPointerException(op + ": " + arg + " must not be null");
        if (t.rank() != names.length)
            throw new IllegalArgumentException(op + ": " + arg + " must have rank " + names.length + " with shape ("
                    + String.join(", ", names) + ") but has shape " + format(t.shape()));
        return t.dim(axis);
    }

    public static String describe(String[] names, int[] dims) {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < dims.length; i++) j.add(names[i] + "=" + dims[i]);
        return j.toString();
    }
}
