package org.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnn4j.Numerics.FP32_TOL;
import static org.rnn4j.Numerics.assertClose;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;

/**
 * The layers against golden cases written by tools/golden/make_layer_golden.py (numpy port in float64,
 * cross-checked there against PyTorch autograd): float32 results within relative norm error FP32_TOL.
 */
class LayersAgainstGoldenTest {
    static final Backend CPU = Backend.cpu();
    static final Layers NN = new Layers(CPU);

    @AfterAll
    static void close() { CPU.close(); }

    @ParameterizedTest
    @ValueSource(strings = {"embedding_1x1_v1_d1", "embedding_2x3_v5_d4", "embedding_4x7_v3_d17_repeats",
            "embedding_3x9_v65_d33"})
    void wordEmbedding(String name) throws Exception {
        NpyArray dW = read(name, "dW");
        try (Tensor idx = tensor(name, "idx"); Tensor w = tensor(name, "W"); Tensor dout = tensor(name, "dout");
             Tensor out = NN.wordEmbeddingForward(idx, w);
             Tensor g = NN.wordEmbeddingBackward(dout, idx, dW.shape()[0])) {
            assertClose(name + " out", out.toArray(), read(name, "out").doubles(), FP32_TOL);
            assertClose(name + " dW", g.toArray(), dW.doubles(), FP32_TOL);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"affine_1x1_d1_m1", "affine_2x3_d4_m5", "affine_3x9_d33_m17"})
    void temporalAffine(String name) throws Exception {
        try (Tensor x = tensor(name, "x"); Tensor w = tensor(name, "W"); Tensor b = tensor(name, "b");
             Tensor dout = tensor(name, "dout"); Tensor out = NN.temporalAffineForward(x, w, b);
             TemporalAffineGradients g = NN.temporalAffineBackward(dout, x, w)) {
            assertClose(name + " out", out.toArray(), read(name, "out").doubles(), FP32_TOL);
            assertClose(name + " dx", g.dx().toArray(), read(name, "dx").doubles(), FP32_TOL);
            assertClose(name + " dW", g.dW().toArray(), read(name, "dW").doubles(), FP32_TOL);
            assertClose(name + " db", g.db().toArray(), read(name, "db").doubles(), FP32_TOL);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"softmax_1x1_v1", "softmax_2x3_v5_nomask", "softmax_4x8_v65_mask",
            "softmax_3x5_v7_large_scores"})
    void temporalSoftmaxLoss(String name) throws Exception {
        double loss = read(name, "loss").doubles()[0];
        try (Tensor s = tensor(name, "scores"); Tensor y = tensor(name, "y"); Tensor m = tensor(name, "mask");
             SoftmaxLoss out = NN.temporalSoftmaxLoss(s, y, m)) {
            assertEquals(loss, out.loss(), Math.max(1e-12, Math.abs(loss) * FP32_TOL), name + " loss");
            assertClose(name + " dscores", out.dScores().toArray(), read(name, "dscores").doubles(), FP32_TOL);
        }
    }

    static NpyArray read(String c, String array) throws IOException, URISyntaxException {
        var url = LayersAgainstGoldenTest.class.getResource("/golden-layers/" + c + "/" + array + ".npy");
        if (url == null) throw new IOException("missing golden file " + c + "/" + array
                + ".npy; run tools/golden/make_layer_golden.py");
        return Npy.read(Path.of(url.toURI()));
    }

    static Tensor tensor(String c, String array) throws Exception {
        NpyArray a = read(c, array);
        return CPU.tensor(a.floats(), a.shape());
    }
}
