package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.Backend;
import org.rnn4j.extension.Extension;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;

/**
 * The host side of one steady-state training step (forward, backward, clipping, Adam), counted on the real host code
 * with a dry device. The indices and targets are checked on the host when they are uploaded, so the step waits for
 * the device only twice: the loss and the gradient norm, each one float read back. Before, the step also read
 * the indices back twice and the targets once to check them (five synchronisations per step).
 */
class TrainingStepHostCallsTest {
    @ParameterizedTest(name = "graphs={0}")
    @ValueSource(booleans = {true, false})
    void aSteadyStepSynchronisesOnlyForTheLossAndTheGradientNorm(boolean graphs) {
        DryDeviceApi dry = new DryDeviceApi();
        TrainConfig cfg = new TrainConfig(16, 2, 8, 10, 4, 5e-3, 8, 5, 1.0, 0.05);
        try (Backend be = Extension.backend(new CudaCompute(dry, graphs), "dry");
             Trainer tr = new Trainer(be, TrainOps.corpus(3_000), cfg)) {
            // The first step fills the block cache; the carried state alternates between two sets of buffers, so
            // the time loops' graphs are all captured in the first three steps and replayed from the fourth on.
            for (int warm = 0; warm < 3; warm++) tr.trainStep();
            dry.take();
            tr.trainStep();
            DryDeviceApi.HostCalls step = dry.take();
            assertEquals(2, step.syncs(), "the loss and the gradient norm: " + step);
            assertEquals(16, step.makeCurrent(), "one context switch per operation (19 with indices read back): "
                    + step);
            assertEquals(20, step.other(), "uploads of x and y, memsets, copies, the two reads (23 before): " + step);
            assertEquals(0, step.malloc(), "every buffer from the block cache: " + step);
            assertEquals(0, step.free(), "no cuMemFree: " + step);
            assertEquals(0, step.captures(), "every time loop replays its graph: " + step);
            assertEquals(graphs ? 4 : 0, step.graphLaunches(), "two layers, forward and backward: " + step);
        }
    }
}
