package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.rnn4j.Numerics.FP32_TOL;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.AllOps;
import org.rnn4j.Backend;
import org.rnn4j.Numerics;
import org.rnn4j.cuda.TrainOps.Inputs;
import org.rnn4j.cuda.TrainOps.Run;
import org.rnn4j.cuda.TrainOps.Shape;
import org.rnn4j.cuda.emu.EmulatedDeviceApi;
import org.rnn4j.cuda.emu.Executors;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.extension.Extension;

/**
 * The language-model layers, Adam, gradient clipping and whole training steps through CudaCompute on the emulated
 * device (the real kernels as host C++ where a compiler exists), against the CPU backend: every kernel launch
 * checked against its signature and extents, outputs NaN-poisoned by the emulator's malloc, no leaks, no contract
 * violations, bit-identical reruns.
 */
class EmulatedTrainingTest {
    static final Backend CPU = Backend.cpu();
    /** Small enough for a few steps in well under a second on the emulated device; two layers, clipping active. */
    static final TrainConfig TINY = new TrainConfig(12, 2, 8, 10, 4, 5e-3, 8, 5, 1.0, 0.05);
    static final String TEXT = TrainOps.corpus(3_000);

    EmulatedBackend emulated;
    EmulatedDeviceApi device;
    CudaCompute compute;
    Backend cuda;

    @BeforeEach
    void open() {
        emulated = new EmulatedBackend();
        device = emulated.device;
        compute = emulated.compute;
        cuda = emulated.backend;
    }

    @AfterEach
    void closeAndCheck() { emulated.close(); }

    @AfterAll
    static void closeCpu() { CPU.close(); }

    @ParameterizedTest(name = "N={0} T={1} V={2} D={3} M={4}")
    @CsvSource({"1,1,1,1,1", "1,6,2,1,3", "2,3,5,4,7", "3,7,65,33,17", "4,1,130,5,129"})
    void layersAdamAndClippingMatchCpuAndRepeatBitForBit(int N, int T, int V, int D, int M) {
        Inputs in = Inputs.random(Numerics.random(), new Shape(N, T, V, D, M));
        Map<String, float[]> want = TrainOps.run(CPU, in), first = TrainOps.run(cuda, in);
        AllOps.assertClose(want, first, "emulated cuda vs cpu, " + in.s());
        AllOps.assertBitIdentical("emulated cuda rerun, " + in.s(), first, TrainOps.run(cuda, in));
        assertEquals(0, compute.liveBuffers(), "every tensor closed by TrainOps is freed at once");
        for (Map<String, float[]> got : List.of(want, first)) {
            // The scale is exactly 1/2 (maxNorm = norm/2): halving is exact in float, so the bits are known.
            float[] g = in.gA()[0], half = got.get("clip.half.gA"), kept = got.get("clip.above.gA");
            for (int i = 0; i < g.length; i++) {
                assertEquals(Float.floatToRawIntBits(g[i] / 2), Float.floatToRawIntBits(half[i]), "clipped gA[" + i + "]");
                assertEquals(Float.floatToRawIntBits(g[i]), Float.floatToRawIntBits(kept[i]), "gA[" + i + "] under the threshold");
            }
            double norm = got.get("clip.norm")[0];
            assertEquals(norm, got.get("clip.half.before")[0], 0, "clip returns the norm before clipping");
            assertEquals(norm / 2, got.get("clip.half.after")[0], norm * FP32_TOL, "after clipping the norm is the threshold");
        }
    }

    /**
     * Losses within FP32_TOL of the CPU run's, relative, at every step, and final parameters within FP32_TOL by
     * relative norm error. Both backends run the same float32 formulas; the emulated one differs by the rounding of
     * expf/tanhf/logf (host libm against Java's Math rounded to float, an ulp or so per element) and of anything its
     * GEMM sums in another order. Measured over 40 steps and 4 seeds of this model: losses within 1.4e-7,
     * parameters within 2.4e-7, not growing with the steps. The 40-fold headroom is for Adam, which normalises each
     * update and so can turn an ulp-level difference in a tiny gradient into a visibly different step for that
     * weight; a real defect (a wrong gradient, a dropped update, a stale state) moves the losses by 1e-3 or more
     * within a few steps.
     */
    @Test
    void trainingTracksTheCpuRunAndRepeatsBitForBit() {
        Run cpu = TrainOps.train(CPU, TEXT, TINY);
        Run first = TrainOps.train(cuda, TEXT, TINY);
        assertEquals(0, compute.liveBuffers(), "closing the trainer frees everything it allocated");
        Run second;
        EmulatedDeviceApi other = new EmulatedDeviceApi(Executors.best());   // fresh device, fresh poison
        try (Backend fresh = Extension.backend(new CudaCompute(other), "emulated 2")) {
            second = TrainOps.train(fresh, TEXT, TINY);
        }
        assertEquals(0, other.liveAllocations());
        assertEquals(List.of(), other.violations());

        for (int i = 0; i < TINY.steps(); i++) {
            double want = cpu.losses()[i], got = first.losses()[i];
            assertTrue(Double.isFinite(got) && Math.abs(got - want) <= FP32_TOL * want,
                    "step " + (i + 1) + ": emulated loss " + got + " but cpu " + want);
            assertEquals(Double.doubleToRawLongBits(got), Double.doubleToRawLongBits(second.losses()[i]),
                    "loss of step " + (i + 1) + " differs between two emulated runs");
        }
        assertTrue(cpu.losses()[TINY.steps() - 1] < cpu.losses()[0] - 0.2, "the run must actually train: "
                + cpu.losses()[0] + " to " + cpu.losses()[TINY.steps() - 1]);
        for (int p = 0; p < cpu.params().length; p++) {
            Numerics.assertClose("parameter " + p + " after training", first.params()[p],
                    Numerics.toDouble(cpu.params()[p]), FP32_TOL);
            for (int i = 0; i < first.params()[p].length; i++)
                if (Float.floatToRawIntBits(first.params()[p][i]) != Float.floatToRawIntBits(second.params()[p][i]))
                    fail("parameter " + p + "[" + i + "] differs between two emulated runs");
        }
    }

    /** Adam launches one fused kernel per parameter tensor per step (the 2-layer model has 3 + 3·2 = 9 tensors). */
    @Test
    void adamLaunchesOneKernelPerParameterPerStep() {
        TrainOps.train(cuda, TEXT, TINY.withSteps(3));
        assertEquals(3 * (3 + 3 * TINY.layers()), device.launches().get(Kernel.ADAM_UPDATE));
    }
}
