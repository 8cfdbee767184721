package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnn4j.Numerics.uniform;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Inference mode gives exactly (bit for bit) the training forward's outputs, and checks its arguments. */
class InferenceTest {
    static final Backend CPU = Backend.cpu();

    @AfterAll
    static void close() { CPU.close(); }

    @ParameterizedTest(name = "N={0} T={1} D={2} H={3}")
    @CsvSource({"1,1,1,1", "3,5,4,6", "2,7,33,17", "16,12,40,64", "1,9,3,2", "5,1,6,3"})
    void rnnInferenceEqualsTrainingForward(int N, int T, int D, int H) {
        SplittableRandom r = Numerics.random();
        try (Tensor x = CPU.tensor(uniform(r, N * T * D, 1), N, T, D);
             Tensor h0 = CPU.tensor(uniform(r, N * H, 1), N, H);
             Tensor wx = CPU.tensor(uniform(r, D * H, 0.5), D, H); Tensor wh = CPU.tensor(uniform(r, H * H, 0.5), H, H);
             Tensor b = CPU.tensor(uniform(r, H, 0.5), H);
             Rnn.Output train = CPU.rnnForward(x, h0, wx, wh, b); Tensor h = CPU.rnnInference(x, h0, wx, wh, b)) {
            assertArrayEquals(new int[]{N, T, H}, h.shape());
            float[] got = h.toArray();
            Numerics.assertAllFinite("h", got);
            assertArrayEquals(train.h().toArray(), got, "h");
        }
    }

    @ParameterizedTest(name = "N={0} T={1} D={2} H={3} c0={4}")
    // 32,10,20,300: the inference's gate rows hold 3 steps (LstmCell.INFERENCE_GATE_FLOATS), so 4 chunks, one partial
    @CsvSource({"1,1,1,1,true", "3,5,4,6,true", "2,7,33,17,false", "16,12,40,64,true", "5,1,6,3,false",
        "32,10,20,300,true", "32,10,20,300,false"})
    void lstmInferenceEqualsTrainingForward(int N, int T, int D, int H, boolean withC0) {
        SplittableRandom r = Numerics.random();
        int G = 4 * H;
        try (Tensor x = CPU.tensor(uniform(r, N * T * D, 1), N, T, D);
             Tensor h0 = CPU.tensor(uniform(r, N * H, 1), N, H);
             Tensor c0 = CPU.tensor(uniform(r, N * H, 1), N, H);
             Tensor wx = CPU.tensor(uniform(r, D * G, 0.5), D, G); Tensor wh = CPU.tensor(uniform(r, H * G, 0.5), H, G);
             Tensor b = CPU.tensor(uniform(r, G, 0.5), G)) {
            Tensor c0OrNull = withC0 ? c0 : null;
            try (Lstm.Output train = CPU.lstmForward(x, h0, c0OrNull, wx, wh, b);
                 Lstm.InferenceOutput inf = CPU.lstmInference(x, h0, c0OrNull, wx, wh, b)) {
                float[] h = inf.h().toArray(), cT = inf.cT().toArray();
                Numerics.assertAllFinite("h", h);
                Numerics.assertAllFinite("cT", cT);
                assertArrayEquals(train.h().toArray(), h, "h");
                assertArrayEquals(train.cT().toArray(), cT, "cT");
                assertArrayEquals(new int[]{N, H}, inf.cT().shape());
            }
        }
    }

    @Test
    void badShapesNameTheArgument() {
        try (Tensor x = CPU.zeros(2, 3, 4); Tensor h0 = CPU.zeros(2, 5); Tensor wx = CPU.zeros(4, 5);
             Tensor whBad = CPU.zeros(5, 6); Tensor b = CPU.zeros(5); Tensor wx4 = CPU.zeros(4, 20);
             Tensor wh4 = CPU.zeros(5, 20); Tensor b4 = CPU.zeros(20); Tensor c0Bad = CPU.zeros(3, 5)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CPU.rnnInference(x, h0, wx, whBad, b));
            assertTrue(e.getMessage().contains("Wh") && e.getMessage().contains("rnnInference"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> CPU.lstmInference(x, h0, c0Bad, wx4, wh4, b4));
            assertTrue(e.getMessage().contains("c0") && e.getMessage().contains("lstmInference"), e.getMessage());
        }
    }
}
