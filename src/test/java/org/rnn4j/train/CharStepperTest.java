package org.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.Backend;
import org.rnn4j.CountingCompute;
import org.rnn4j.Numerics;
import org.rnn4j.Tensor;
import org.rnn4j.compute.Compute;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.cuda.CudaCompute;
import org.rnn4j.cuda.emu.EmulatedDeviceApi;
import org.rnn4j.cuda.emu.Executors;
import org.rnn4j.extension.Extension;

/**
 * Sampling a character at a time: the stepper's scores are those of the model's sequence forward (the training
 * path) over the same characters, and feeding a character allocates no buffer, on the CPU and on the emulated
 * CUDA device (where each character is also exactly one read back to the host).
 */
class CharStepperTest {
    static final int V = 11, E = 5, H = 9, LAYERS = 2, CHARS = 24;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"cpu,LSTM", "cpu,GRU", "cpu,RNN", "cuda-emulated,LSTM", "cuda-emulated,GRU", "cuda-emulated,RNN"})
    void scoresMatchTheSequenceForwardAndNoCharacterAllocates(String kind, CellType cell) {
        SplittableRandom r = Numerics.random();
        long seed = r.nextLong();
        double[] unigram = new double[V];
        Arrays.fill(unigram, 1.0 / V);
        float[] chars = new float[CHARS];
        for (int i = 0; i < CHARS; i++) chars[i] = r.nextInt(V);
        float[] expected;
        // The layers wrap their results as tensors of the backend's own Compute, so the sequence forward runs on a
        // plain backend; the same seed gives the stepper's model the same weights.
        EmulatedDeviceApi plainDevice = kind.equals("cpu") ? null : new EmulatedDeviceApi(Executors.best());
        Compute plain = plainDevice == null ? new CpuCompute() : new CudaCompute(plainDevice);
        try (Backend be = Extension.backend(plain, kind);
             CharModel model = new CharModel(be, cell, V, E, H, LAYERS, seed, unigram)) {
            List<AutoCloseable> temps = new ArrayList<>();
            List<Tensor> state = model.zeroState(1);
            try {
                expected = CharModel.keep(temps, model.scores(chars, 1, CHARS, state, temps)).toArray();
            } finally {
                CharModel.closeAll(temps);
                state.forEach(Tensor::close);
            }
        }
        EmulatedDeviceApi device = kind.equals("cpu") ? null : new EmulatedDeviceApi(Executors.best());
        CountingCompute counting = new CountingCompute(device == null ? new CpuCompute() : new CudaCompute(device));
        float[] stepped = new float[CHARS * V];
        try (Backend be = Extension.backend(counting, kind);
             CharModel model = new CharModel(be, cell, V, E, H, LAYERS, seed, unigram)) {
            int liveBefore = counting.live();
            try (CharStepper stepper = new CharStepper(model)) {
                int allocated = counting.allocations(), reads = device == null ? 0 : device.hostReads();
                for (int t = 0; t < CHARS; t++) System.arraycopy(stepper.next((int) chars[t]), 0, stepped, t * V, V);
                assertEquals(allocated, counting.allocations(), "no buffer allocated per character");
                if (device != null)
                    assertEquals(CHARS, device.hostReads() - reads, "one read back (the scores) per character");
                assertThrows(IllegalArgumentException.class, () -> stepper.next(V));
            }
            try (CharStepper primed = new CharStepper(model)) {   // a prime: fed without scores, then one read
                int reads = device == null ? 0 : device.hostReads();
                for (int t = 0; t + 1 < CHARS; t++) primed.feed((int) chars[t]);
                float[] last = primed.next((int) chars[CHARS - 1]);
                if (device != null)
                    assertEquals(1, device.hostReads() - reads, "only the last character's scores read back");
                assertArrayEquals(Arrays.copyOfRange(stepped, (CHARS - 1) * V, CHARS * V), last,
                        "feeding makes the same steps as next");
            }
            assertEquals(liveBefore, counting.live(), "closing the stepper frees its buffers");
        }
        Numerics.assertClose("stepped scores vs the sequence forward", stepped, Numerics.toDouble(expected),
                Numerics.FP32_TOL);
        for (EmulatedDeviceApi d : new EmulatedDeviceApi[]{plainDevice, device})
            if (d != null) assertEquals(List.of(), d.violations(), "device contract violations");
    }
}
