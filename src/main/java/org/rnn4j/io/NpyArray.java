package org.rnn4j.io;

import java.util.Arrays;
import org.rnn4j.Backend;
import org.rnn4j.extension.Shapes;
import org.rnn4j.Tensor;

/**
 * An array read from a {@code .npy} file: its shape (C order), its element type as stored, and the values.
 * The accessors convert explicitly and say how: {@link #floats()} rounds float64 to nearest, {@link #ints()}
 * refuses values that do not fit, and no accessor turns floating-point values into integers.
 */
public final class NpyArray {
    /** The element types rnn4j reads and writes, all little-endian. */
    public enum DType {
        FLOAT32("<f4", 4), FLOAT64("<f8", 8), INT32("<i4", 4), INT64("<i8", 8);

        /** numpy's descr string for this type. */
        public final String descr;
        /** Bytes per element. */
        public final int bytes;

        DType(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }

        boolean isFloating() { return this == FLOAT32 || this == FLOAT64; }
    }

    private final DType dtype;
    private final int[] shape;
    /** Exactly one of these holds the values, matching dtype (float32 in floats, int32 in ints, ...). */
    private final float[] f32;
    private final double[] f64;
    private final int[] i32;
    private final long[] i64;

    NpyArray(DType dtype, int[] shape, float[] f32, double[] f64, int[] i32, long[] i64) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.f32 = f32;
        this.f64 = f64;
        this.i32 = i32;
        this.i64 = i64;
    }

    /** The element type as stored in the file. */
    public DType dtype() { return dtype; }

    /** A copy of the shape; empty for a 0-d (scalar) array. */
    public int[] shape() { return shape.clone(); }

    /** Number of elements. */
    public int size() { return (int) Shapes.size(shape); }

    /** The values as float32: a copy for float32, rounded to nearest for float64, exact-or-rounded for integers. */
    public float[] floats() {
        return switch (dtype) {
            case FLOAT32 -> f32.clone();
            case FLOAT64 -> {
                float[] o = new float[f64.length];
                for (int i = 0; i < o.length; i++) o[i] = (float) f64[i];
                yield o;
            }
            case INT32 -> {
                float[] o = new float[i32.length];
                for (int i = 0; i < o.length; i++) o[i] = i32[i];
                yield o;
            }
            case INT64 -> {
                float[] o = new float[i64.length];
                for (int i = 0; i < o.length; i++) o[i] = i64[i];
                yield o;
            }
        };
    }

    /** The values as float64: exact for float32, float64 and int32 (int64 beyond 2^53 rounds). */
    public double[] doubles() {
        return switch (dtype) {
            case FLOAT32 -> {
                double[] o = new double[f32.length];
                for (int i = 0; i < o.length; i++) o[i] = f32[i];
                yield o;
            }
            case FLOAT64 -> f64.clone();
            case INT32 -> {
                double[] o = new double[i32.length];
                for (int i = 0; i < o.length; i++) o[i] = i32[i];
                yield o;
            }
            case INT64 -> {
                double[] o = new double[i64.length];
                for (int i = 0; i < o.length; i++) o[i] = i64[i];
                yield o;
            }
        };
    }

    /** The values as int32; only for integer arrays, and int64 values must fit in an int. */
    public int[] ints() {
        requireInteger("ints()");
        if (dtype == DType.INT32) return i32.clone();
        int[] o = new int[i64.length];
        for (int i = 0; i < o.length; i++) {
            if (i64[i] < Integer.MIN_VALUE || i64[i] > Integer.MAX_VALUE)
                throw new ArithmeticException("npy: element " + i + " = " + i64[i] + " does not fit in an int32");
            o[i] = (int) i64[i];
        }
        return o;
    }

    /** The values as int64; only for integer arrays. */
    public long[] longs() {
        requireInteger("longs()");
        if (dtype == DType.INT64) return i64.clone();
        long[] o = new long[i32.length];
        for (int i = 0; i < o.length; i++) o[i] = i32[i];
        return o;
    }

    /** A float32 tensor of {@code backend} with this array's shape (see {@link #floats()} for the conversion). */
    public Tensor toTensor(Backend backend) {
        if (shape.length == 0) throw new IllegalArgumentException("npy: a 0-d array cannot become a tensor (rank 1 to "
                + "4)");
        return backend.tensor(floats(), shape);
    }

    private void requireInteger(String accessor) {
        if (dtype.isFloating())
            throw new IllegalStateException("npy: " + accessor + " needs an integer array but this one is "
                    + dtype + " (" + dtype.descr + "); use floats() or doubles()");
    }

    @Override
    public String toString() { return "NpyArray[" + dtype + " " + Arrays.toString(shape) + "]"; }
}
