package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.PyTorchRecurrent;
import org.rnn4j.nn.Recurrent;

/**
 * The README's example for PyTorch models (section "PyTorch models") is compiled against the project's classes and
 * run on a PyTorch-made LSTM file; what it prints is checked against the layer run here.
 */
class PyTorchExampleTest {
    @TempDir
    Path tmp;

    @Test
    void exampleCompilesLoadsAPyTorchLstmAndRuns() throws Exception {
        Path model = Path.of(PyTorchExampleTest.class
                .getResource("/golden-recurrent/lstm_2layer_bi_varlen.model.safetensors").toURI());
        String text = ReadmeExampleTest.compileAndRun(tmp, ReadmeExampleTest.javaBlock("PyTorch models"),
                model.toString());
        assertTrue(text.contains("cpu: out [2, 4, 10], hN [4, 2, 5], cN [4, 2, 5]"), "unexpected output: " + text);
        Matcher v = Pattern.compile("out\\[1\\]\\[1\\]\\[0\\] = (\\S+)").matcher(text);
        assertTrue(v.find(), "no value printed: " + text);

        float[] x = new float[2 * 4 * 3];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        try (Backend cpu = Backend.cpu(); Recurrent lstm = PyTorchRecurrent.load(cpu, model, Recurrent.Kind.LSTM);
             Tensor in = cpu.tensor(x, 2, 4, 3); Recurrent.Result r = lstm.inference(in, new int[]{4, 2}, null, null)) {
            float expected = r.out().toArray()[(4 + 1) * 10];
            assertTrue(expected != 0, "the checked value lies inside the second sequence");
            assertEquals(expected, Float.parseFloat(v.group(1)));
        }
    }
}
