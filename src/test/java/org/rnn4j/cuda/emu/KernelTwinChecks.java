package org.rnn4j.cuda.emu;

import static org.junit.jupiter.api.Assertions.fail;
import static org.rnn4j.Numerics.FP32_TOL;
import static org.rnn4j.Numerics.KERNEL_TWIN_TOL;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.function.ToLongFunction;
import org.rnn4j.Numerics;
import org.rnn4j.cuda.emu.Float64Kernels.Ref;
import org.rnn4j.cuda.emu.GuardedBuffers.Layout;

/**
 * What the kernel-vs-twin tests share ({@link KernelsMatchCpuTwinsTest}, {@link TrainKernelsMatchCpuTwinsTest}):
 * the launch configurations, guarded buffers from named contents, NaN-poisoned outputs, and the per-element
 * comparison against the CPU twin and a float64 reference, recording the worst errors seen for the report.
 */
final class KernelTwinChecks {
    /** One launch configuration; {@code a, b, c} are the kernel's sizes (n, h or d0, d1, d2 or rows, cols). */
    record Launch(int a, int b, int c, int grid, int block, Layout layout) {
        @Override public String toString() {
            return a + "x" + b + (c > 0 ? "x" + c : "") + " grid " + grid + "x" + block + " " + layout;
        }
    }

    private final String label;
    private final DoubleAccumulator worstVsFloat64 = new DoubleAccumulator(Math::max, 0);
    private final DoubleAccumulator worstVsTwin = new DoubleAccumulator(Math::max, 0);

    /** {@code label} names the kernels in {@link #report}. */
    KernelTwinChecks(String label) { this.label = label; }

    /** Launches over {@code shapes}, each with grids sized for shape[0]·shape[1]·shape[2] threads' worth of work. */
    static List<Launch> launches(int[][] shapes) {
        return launches(shapes, s -> (long) s[0] * s[1] * (s.length > 2 ? s[2] : 1));
    }

    /**
     * Every shape with every grid and layout. {@code work} gives the number of items the kernel's grid-stride loop
     * runs over (elements, rows or lanes): the grids go from a single thread (each thread loops over many items)
     * to more threads than items (the surplus must do nothing).
     */
    static List<Launch> launches(int[][] shapes, ToLongFunction<int[]> work) {
        List<Launch> out = new ArrayList<>();
        for (int[] s : shapes) {
            int count = Math.toIntExact(work.applyAsLong(s));
            int[][] grids = {{1, 1}, {3, 7}, {2, 64}, {(count + 127) / 128, 128}, {count + 3, 32}};
            for (int[] g : grids)
                for (Layout layout : Layout.values())
                    out.add(new Launch(s[0], s[1], s.length > 2 ? s[2] : 0, g[0], g[1], layout));
        }
        return out;
    }

    /** Guarded buffers holding {@code name, content, name, content, ...} in that order. */
    static GuardedBuffers buffers(Layout layout, Object... nameThenContent) {
        Map<String, float[]> contents = new LinkedHashMap<>();
        for (int i = 0; i < nameThenContent.length; i += 2)
            contents.put((String) nameThenContent[i], (float[]) nameThenContent[i + 1]);
        return new GuardedBuffers(layout, contents);
    }

    /** An output buffer's content before the launch: NaN, so an element the kernel skips stays visible. */
    static float[] nan(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    /**
     * Every element written (outputs were NaN-poisoned, so a skipped one is still NaN) and, element by element,
     * within FP32_TOL of float64 and KERNEL_TWIN_TOL of the CPU twin, both relative to the element's rounding
     * magnitude (see {@link Float64Kernels}); Float.MIN_NORMAL absorbs float32 underflow to zero. Per element
     * bounds imply the norm ones (‖out−ref‖ ≤ tol·‖mag‖) and also catch a single misplaced element in a large output.
     */
    void check(String what, float[] out, float[] twin, Ref ref) {
        for (int i = 0; i < out.length; i++) {
            if (!Float.isFinite(out[i])) fail(what + "[" + i + "] = " + out[i] + ": not written, or not finite");
            double bound = ref.mag()[i] + Float.MIN_NORMAL;
            double vsRef = Math.abs(out[i] - ref.value()[i]) / bound, vsTwin = Math.abs(out[i] - twin[i]) / bound;
            worstVsFloat64.accumulate(vsRef);
            worstVsTwin.accumulate(vsTwin);
            if (!(vsRef <= FP32_TOL))
                fail(what + "[" + i + "] = " + out[i] + " but float64 gives " + ref.value()[i] + ": error " + vsRef
                        + " of magnitude " + ref.mag()[i] + " > " + FP32_TOL + " (seed " + Numerics.LAST_SEED.get()
                        + ")");
            if (!(vsTwin <= KERNEL_TWIN_TOL))
                fail(what + "[" + i + "] = " + out[i] + " but the CPU twin gives " + twin[i] + ": difference " + vsTwin
                        + " of magnitude " + ref.mag()[i] + " > " + KERNEL_TWIN_TOL + " (seed "
                        + Numerics.LAST_SEED.get() + ")");
        }
    }

    /**
     * {@link #check} and, on top, the same bits as the twin (for kernels doing exactly the twin's float operations).
     */
    void checkBitIdentical(String what, float[] out, float[] twin, Ref ref) {
        check(what, out, twin, ref);
        for (int i = 0; i < out.length; i++)
            if (Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(twin[i]))
                fail(what + "[" + i + "] = " + out[i] + " but the CPU twin gives " + twin[i]
                        + ": these must agree bit for bit (seed " + Numerics.LAST_SEED.get() + ")");
    }

    /** The measured worst errors, for the record (docs and the issue quote them). */
    void report() {
        System.out.printf("%s: worst error/magnitude vs float64 %.3g, vs CPU twin %.3g%n", label,
                worstVsFloat64.get(), worstVsTwin.get());
    }
}
