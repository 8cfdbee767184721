package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
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
        Path file = tmp.resolve("PyTorchLstmExample.java");
        Files.writeString(file, ReadmeExampleTest.javaBlock("PyTorch models"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertTrue(javac != null, "no system Java compiler (a JRE instead of a JDK?)");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-Xlint:all", "-Werror", "--release", "17",
                "-classpath", ReadmeExampleTest.classpath(), "-d", tmp.toString(), file.toString());
        assertEquals(0, rc, "the example does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));

        String previous = System.getProperty(BackendSelection.PROPERTY);
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{tmp.toUri().toURL()}, getClass().getClassLoader())) {
            System.setProperty(BackendSelection.PROPERTY, "cpu");
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            Method main = loader.loadClass("PyTorchLstmExample").getMethod("main", String[].class);
            main.invoke(null, (Object) new String[]{model.toString()});
        } finally {
            System.setOut(out);
            if (previous == null) System.clearProperty(BackendSelection.PROPERTY);
            else System.setProperty(BackendSelection.PROPERTY, previous);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        System.out.print(text);
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
