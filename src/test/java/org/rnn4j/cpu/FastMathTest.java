package org.rnn4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.Numerics;
import org.rnn4j.Reference;

/** The float exp/tanh/sigmoid of {@link CpuKernels} against Math's double versions, element by element. */
class FastMathTest {
    /** Worst error in ulps of the float result over a sweep of [-lim, lim] plus random points. */
    private static double worstUlps(java.util.function.DoubleUnaryOperator exact, java.util.function.Function<Float,
            Float> f,
                                    float lim) {
        SplittableRandom r = Numerics.random();
        double worst = 0;
        for (int i = 0; i < 400_000; i++) {
            float x = i < 200_000 ? -lim + 2 * lim * i / 200_000f : (float) ((r.nextDouble() * 2 - 1) * lim);
            double want = exact.applyAsDouble(x);
            float got = f.apply(x);
            assertTrue(Float.isFinite(got) || Double.isInfinite(want), "x=" + x + " got " + got);
            if (want == 0 || Double.isInfinite(want)) continue;
            double ulp = Math.ulp((float) want);
            worst = Math.max(worst, Math.abs(got - want) / ulp);
        }
        return worst;
    }

    private static void ulps(String what, double worst, double limit) {
        assertTrue(worst <= limit, what + ": worst error " + worst + " ulp > " + limit);
    }

    @Test
    void expWithinFourUlps() {
        ulps("exp", worstUlps(Math::exp, CpuKernels::exp, 87f), 4);
        assertEquals(Float.POSITIVE_INFINITY, CpuKernels.exp(100f));
        for (float x : new float[]{88.7f, 88.5f, -87f, -95f, -102f}) // near overflow and in the subnormal range
            assertTrue(Math.abs(CpuKernels.exp(x) - Math.exp(x)) <= 3 * Math.ulp((float) Math.exp(x)), "exp(" + x
            + ")");
        assertEquals(0f, CpuKernels.exp(-200f));
        assertTrue(Float.isNaN(CpuKernels.exp(Float.NaN)));
    }

    @Test
    void tanhWithinFourUlps() {
        ulps("tanh wide", worstUlps(Math::tanh, CpuKernels::tanh, 12f), 4);
        ulps("tanh near 0", worstUlps(Math::tanh, CpuKernels::tanh, 0.75f), 4);
        assertEquals(1f, CpuKernels.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, CpuKernels.tanh(-50f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(CpuKernels.tanh(-0f)));
        assertTrue(Float.isNaN(CpuKernels.tanh(Float.NaN)));
    }

    @Test
    void sigmoidWithinFourUlps() {
        ulps("sigmoid", worstUlps(Reference::sigmoid, CpuKernels::sigmoid, 30f), 4);
        assertEquals(1f, CpuKernels.sigmoid(200f));
        assertEquals(0f, CpuKernels.sigmoid(-200f));
        float deep = CpuKernels.sigmoid(-100f); // e^-100 ≈ 3.7e-44: subnormal, not flushed to 0
        assertTrue(deep > 0f && Math.abs(deep - Math.exp(-100)) <= 2 * Float.MIN_VALUE, "sigmoid(-100) = " + deep);
        assertTrue(Float.isNaN(CpuKernels.sigmoid(Float.NaN)));
    }
}
