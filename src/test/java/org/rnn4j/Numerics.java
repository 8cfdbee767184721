package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** The one place for test tolerances, seeded randomness and relative-error checks. */
public final class Numerics {
    /** float32 result against a float64 reference: ‖out−ref‖/‖ref‖. */
    public static final double FP32_TOL = 1e-5;
    /**
     * A kernel run as host C++ against its CPU twin in native-fallback, per element, relative to the element's
     * rounding magnitude (cuda.emu.Float64Kernels): both are float32 doing the same operations, differing only in
     * how exp/tanh are rounded (float libm vs double Math rounded), a few ulps (measured worst 4e-7).
     */
    public static final double KERNEL_TWIN_TOL = 1e-6;
    /** Finite-difference gradient checks in float64. */
    public static final double GRAD_CHECK_TOL = 1e-6;
    /**
     * Finite-difference gradient checks run in float32 on a backend: relative norm error between central
     * differences (step {@link #FD_FP32_STEP}) and the analytic gradient, over the sampled coordinates.
     * Float32 rounding of the loss (~1e-7 relative, divided by 2·step) and the O(step²) truncation give at most
     * 1e-4 on well-scaled inputs; a wrong gradient (missing term, wrong gate, wrong sign) is off by 1e-1 or more.
     */
    public static final double FD_FP32_TOL = 1e-3;
    /** Step of the float32 central differences: large enough that float32 rounding of the loss stays small. */
    public static final double FD_FP32_STEP = 1e-2;

    private Numerics() {}

    /** A fresh seed per run (printed on failure through the message) unless rnn4j.test.seed fixes it. */
    public static SplittableRandom random() {
        String fixed = System.getProperty("rnn4j.test.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        LAST_SEED.set(seed);
        return new SplittableRandom(seed);
    }

    public static final ThreadLocal<Long> LAST_SEED = ThreadLocal.withInitial(() -> 0L);

    /** Uniform in [-scale, scale), never all zero. */
    public static float[] uniform(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return a;
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    public static double relErr(float[] out, double[] ref) {
        assertEquals(ref.length, out.length, "length");
        double num = 0, den = 0;
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) return Double.POSITIVE_INFINITY;
            double d = out[i] - ref[i];
            num += d * d;
            den += ref[i] * ref[i];
        }
        if (den == 0) return Math.sqrt(num);
        return Math.sqrt(num / den);
    }

    /** Asserts ‖out−ref‖/‖ref‖ ≤ tol; NaN or infinity anywhere fails. */
    public static void assertClose(String what, float[] out, double[] ref, double tol) {
        double e = relErr(out, ref);
        if (!(e <= tol)) fail(what + ": relative error " + e + " > " + tol + " (seed " + LAST_SEED.get() + ")");
    }

    public static void assertClose(String what, Tensor out, double[] ref) {
        assertClose(what, out.toArray(), ref, FP32_TOL);
    }

    public static void assertAllFinite(String what, float[] a) {
        for (int i = 0; i < a.length; i++)
            assertTrue(Float.isFinite(a[i]), what + "[" + i + "] = " + a[i]);
    }

    /** Bytes this thread has allocated on the heap so far (HotSpot's counter): allocation bounds in tests. */
    public static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
}
