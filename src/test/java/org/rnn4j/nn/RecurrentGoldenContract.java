package org.rnn4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.rnn4j.Numerics.FP32_TOL;
import static org.rnn4j.Numerics.assertClose;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.io.PyTorchRecurrent;
import org.rnn4j.io.SafeTensors;
import org.rnn4j.nn.Recurrent.Kind;

/**
 * The PyTorch-made recurrent cases (tools/golden/make_recurrent_golden.py: nn.RNN / nn.LSTM / nn.GRU in float64 over
 * pack_padded_sequence batches) through the loader and {@link Recurrent} on one backend: out, final states,
 * dx, initial-state gradients and every weight gradient (mapped back to PyTorch's names and layout) within
 * {@link org.rnn4j.Numerics#FP32_TOL}; inference gives the training forward's bits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RecurrentGoldenContract {
    static final String ROOT = "/golden-recurrent/";
    private Backend backend;

    protected abstract Backend openBackend();

    @BeforeAll
    protected void open() { backend = openBackend(); }

    @AfterAll
    protected void close() { if (backend != null) backend.close(); }

    public static List<String> cases() {
        return List.of("rnn_2layer_bi_varlen", "rnn_1layer_full", "lstm_2layer_bi_varlen", "lstm_2layer_varlen_f64",
                "lstm_1layer_bi_full", "gru_2layer_bi_varlen", "gru_1layer_full");
    }

    static Path resource(String name) {
        try {
            return Path.of(RecurrentGoldenContract.class.getResource(ROOT + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Kind kind(String name) {
        return name.startsWith("lstm") ? Kind.LSTM : name.startsWith("gru") ? Kind.GRU : Kind.RNN;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    protected void matchesPyTorch(String name) throws IOException {
        SafeTensors data = SafeTensors.open(resource(name + ".data.safetensors"));
        boolean lstm = kind(name) == Kind.LSTM;
        try (Recurrent layer = PyTorchRecurrent.load(backend, resource(name + ".model.safetensors"), kind(name));
             Tensor x = tensor(data, "x"); Tensor h0 = tensor(data, "h0");
             Tensor c0 = lstm ? tensor(data, "c0") : null;
             Tensor dOut = tensor(data, "dOut"); Tensor dhN = tensor(data, "dhN");
             Tensor dcN = lstm ? tensor(data, "dcN") : null) {
            int[] lengths = ints(data.doubles("lengths"));
            try (Recurrent.Output o = layer.forward(x, lengths, h0, c0, 0);
                 Recurrent.Gradients g = layer.backward(dOut, dhN, dcN, o.cache());
                 Recurrent.Result inf = layer.inference(x, lengths, h0, c0)) {
                assertClose(name + " out", o.out().toArray(), data.doubles("out"), FP32_TOL);
                assertClose(name + " hN", o.hN().toArray(), data.doubles("hN"), FP32_TOL);
                if (lstm) assertClose(name + " cN", o.cN().toArray(), data.doubles("cN"), FP32_TOL);
                assertClose(name + " dx", g.dx().toArray(), data.doubles("dx"), FP32_TOL);
                assertClose(name + " dh0", g.dh0().toArray(), data.doubles("dh0"), FP32_TOL);
                if (lstm) assertClose(name + " dc0", g.dc0().toArray(), data.doubles("dc0"), FP32_TOL);
                Recurrent.Config cfg = layer.config();
                for (int l = 0; l < cfg.layers(); l++)
                    for (int d = 0; d < cfg.directions(); d++) {
                        String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                        Recurrent.Weights w = g.weights().get(l * cfg.directions() + d);
                        int gates = cfg.kind().gates, h = cfg.hiddenSize();
                        assertClose(name + " weight_ih" + sfx, TorchLayout.weight(w.wx().toArray(), gates, h),
                                data.doubles("grad.weight_ih" + sfx), FP32_TOL);
                        assertClose(name + " weight_hh" + sfx, TorchLayout.weight(w.wh().toArray(), gates, h),
                                data.doubles("grad.weight_hh" + sfx), FP32_TOL);
                        float[] db = TorchLayout.bias(w.b().toArray(), gates, h);   // b = bias_ih (+ bias_hh)
                        float[] dbh = w.bh() == null ? db : TorchLayout.bias(w.bh().toArray(), gates, h);
                        assertClose(name + " bias_ih" + sfx, db, data.doubles("grad.bias_ih" + sfx), FP32_TOL);
                        assertClose(name + " bias_hh" + sfx, dbh, data.doubles("grad.bias_hh" + sfx), FP32_TOL);
                    }
                assertArrayEquals(o.out().toArray(), inf.out().toArray(), name + ": inference gives forward's bits");
                assertArrayEquals(o.hN().toArray(), inf.hN().toArray(), name + ": inference hN");
            }
        }
    }

    private Tensor tensor(SafeTensors data, String key) throws IOException {
        return backend.tensor(data.floats(key), data.shape(key));
    }

    static int[] ints(double[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) out[i] = (int) a[i];
        return out;
    }
}
