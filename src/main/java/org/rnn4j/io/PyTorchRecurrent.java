package org.rnn4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.rnn4j.Backend;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.Recurrent.Kind;

/**
 * Loads (and {@link #save saves}) a PyTorch {@code nn.RNN} (tanh), {@code nn.LSTM} or {@code nn.GRU} state
 * dict, saved with {@code safetensors.torch.save_file(model.state_dict(), path)}, into a {@link Recurrent}. The
 * sizes, the number of layers and whether it is bidirectional are read from the tensors' names and shapes; every
 * name and shape is then checked (missing key, unexpected key, wrong shape: one-line {@link IOException}s naming
 * the file and key).
 *
 * <p>Per layer k and direction (suffix {@code _reverse} for the second), PyTorch holds weight_ih_lk (G,Din),
 * weight_hh_lk (G,H), bias_ih_lk and bias_hh_lk (G), gates of the LSTM in the order i, f, g, o, of the GRU r, z, n.
 * rnn4j holds wx = weight_ihᵀ (Din,G), wh = weight_hhᵀ (H,G) and b = bias_ih + bias_hh, LSTM gates in the order
 * i, f, o, g: the loader transposes, swaps the last two gate blocks of the LSTM and adds the biases (in double,
 * rounded once). The GRU keeps r, z, n and its two biases apart (b = bias_ih, bh = bias_hh). A model saved with
 * {@code bias=False} has no bias keys and gets zero biases. F64 files are rounded to float32.
 */
public final class PyTorchRecurrent {
    private PyTorchRecurrent() {}

    /** The whole file is the recurrent module's state dict. */
    public static Recurrent load(Backend backend, Path file, Kind kind) throws IOException {
        return load(backend, SafeTensors.open(file), kind, "");
    }

    /**
     * The keys starting with {@code prefix} (e.g. {@code "encoder.rnn."} for a submodule) are the recurrent
     * module's; other keys are left alone.
     */
    public static Recurrent load(Backend backend, SafeTensors file, Kind kind, String prefix) throws IOException {
        if (backend == null || file == null || kind == null || prefix == null)
            throw new NullPointerException("PyTorchRecurrent.load: backend, file, kind and prefix must not be null");
        Path path = file.path();
        Set<String> keys = new TreeSet<>();
        for (String n : file.names()) if (n.startsWith(prefix)) keys.add(n.substring(prefix.length()));
        String ih0 = "weight_ih_l0", hh0 = "weight_hh_l0";
        if (!keys.contains(ih0) || !keys.contains(hh0))
            throw SafeTensors.fail(path, "missing key " + prefix + (keys.contains(ih0) ? hh0 : ih0)
                    + " (not a PyTorch nn." + kind + " state dict" + (prefix.isEmpty() ? "" : " under " + prefix)
                            + "?)");
        int gates = kind == Kind.LSTM ? 4 : kind == Kind.GRU ? 3 : 1;
        boolean gru = kind == Kind.GRU;
        int[] hh = file.shape(prefix + hh0), ih = file.shape(prefix + ih0);
        if (hh.length != 2 || hh[0] != gates * hh[1])
            throw SafeTensors.fail(path, prefix + hh0 + " has shape " + Arrays.toString(hh) + " but nn." + kind
                    + " needs (" + gates + "·H, H)");
        int h = hh[1], g = gates * h;
        if (ih.length != 2 || ih[0] != g)
            throw SafeTensors.fail(path,
                    prefix + ih0 + " has shape " + Arrays.toString(ih) + " but needs (" + g + ", D)");
        int layers = 0;
        while (keys.contains("weight_ih_l" + layers)) layers++;
        boolean bi = keys.contains("weight_ih_l0_reverse");
        boolean bias = keys.contains("bias_ih_l0");
        Recurrent.Config config = new Recurrent.Config(kind, ih[1], h, layers, bi, 0);

        Set<String> expected = new TreeSet<>();
        List<Recurrent.Weights> weights = new ArrayList<>();
        try {
            for (int l = 0; l < layers; l++)
                for (int d = 0; d < config.directions(); d++) {
                    String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                    int din = config.layerInput(l);
                    float[] wih = read(file, prefix, "weight_ih" + sfx, expected, g, din);
                    float[] whh = read(file, prefix, "weight_hh" + sfx, expected, g, h);
                    double[] b = new double[g], bh = new double[g];
                    if (bias) {
                        float[] bih = read(file, prefix, "bias_ih" + sfx, expected, g);
                        float[] bhh = read(file, prefix, "bias_hh" + sfx, expected, g);
                        for (int j = 0; j < g; j++) {
                            b[j] = gru ? bih[j] : (double) bih[j] + bhh[j];
                            bh[j] = bhh[j];
                        }
                    }
                    weights.add(new Recurrent.Weights(backend.tensor(transpose(wih, g, din, h, gates), din, g),
                            backend.tensor(transpose(whh, g, h, h, gates), h, g),
                            backend.tensor(gateOrder(b, h, gates), g),
                            gru ? backend.tensor(gateOrder(bh, h, gates), g) : null));
                }
            Set<String> extra = new TreeSet<>(keys);
            extra.removeAll(expected);
            if (!extra.isEmpty()) {
                String first = extra.iterator().next();
                String why = first.startsWith("weight_hr") ? " (LSTM projections, proj_size > 0, are not supported)"
                        : first.startsWith("bias") ? " (bias keys must be present for every layer or for none)" : "";
                throw SafeTensors.fail(path, "unexpected key " + prefix + first + why
                        + (extra.size() > 1 ? " and " + (extra.size() - 1) + " more" : ""));
            }
            return Recurrent.of(backend, config, weights);
        } catch (IOException | RuntimeException e) {
            weights.forEach(Recurrent.Weights::close);
            throw e;
        }
    }

    /**
     * Writes the layer as the state dict of the matching PyTorch module ({@code nn.RNN(D, H, num_layers=L,
     * bidirectional=..., batch_first=True)}, likewise nn.LSTM and nn.GRU), readable with
     * {@code module.load_state_dict(safetensors.torch.load_file(path))}: the inverse of {@link #load}. rnn4j's
     * RNN and LSTM keep one bias, so it is written as bias_ih with bias_hh zero (PyTorch adds them).
     */
    public static void save(Recurrent layer, Path file) throws IOException {
        if (layer == null || file == null)
            throw new NullPointerException("PyTorchRecurrent.save: layer and file must not be null");
        Recurrent.Config cfg = layer.config();
        int h = cfg.hiddenSize(), g = cfg.gateWidth(), gates = g / h;
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (int l = 0; l < cfg.layers(); l++)
            for (int d = 0; d < cfg.directions(); d++) {
                String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                Recurrent.Weights w = layer.weights(l, d);
                int din = cfg.layerInput(l);
                put(values, shapes, "weight_ih" + sfx, toTorch(w.wx().toArray(), g, din, h, gates), g, din);
                put(values, shapes, "weight_hh" + sfx, toTorch(w.wh().toArray(), g, h, h, gates), g, h);
                put(values, shapes, "bias_ih" + sfx, biasToTorch(w.b().toArray(), h, gates), g);
                float[] bhh = w.bh() == null ? new float[g] : biasToTorch(w.bh().toArray(), h, gates);
                put(values, shapes, "bias_hh" + sfx, bhh, g);
            }
        SafeTensors.write(file, values, shapes);
    }

    private static void put(Map<String, float[]> values, Map<String, int[]> shapes, String key, float[] v,
                            int... shape) {
        values.put(key, v);
        shapes.put(key, shape);
    }

    /** (cols, G) in rnn4j's gate order → PyTorch's (G, cols). */
    private static float[] toTorch(float[] w, int g, int cols, int h, int gates) {
        float[] out = new float[g * cols];
        for (int j = 0; j < gates; j++) {
            int dst = torchBlock(j, gates) * h;
            for (int u = 0; u < h; u++)
                for (int c = 0; c < cols; c++) out[(dst + u) * cols + c] = w[c * g + j * h + u];
        }
        return out;
    }

    private static float[] biasToTorch(float[] b, int h, int gates) {
        float[] out = new float[b.length];
        for (int j = 0; j < gates; j++)
            for (int u = 0; u < h; u++) out[torchBlock(j, gates) * h + u] = b[j * h + u];
        return out;
    }

    private static float[] read(SafeTensors file, String prefix, String key, Set<String> expected, int... shape)
            throws IOException {
        expected.add(key);
        if (!file.contains(prefix + key)) throw SafeTensors.fail(file.path(), "missing key " + prefix + key);
        int[] actual = file.shape(prefix + key);
        if (!Arrays.equals(actual, shape))
            throw SafeTensors.fail(file.path(), prefix + key + " has shape " + Arrays.toString(actual) + " but "
                    + Arrays.toString(shape) + " is expected");
        return file.floats(prefix + key);
    }

    /** PyTorch's gate block of rnn4j's block j: i, f, o, g ← i, f, g, o for the LSTM; unchanged otherwise. */
    private static int torchBlock(int j, int gates) {
        return gates == 4 && j >= 2 ? 5 - j : j;
    }

    /** w (G, cols) in PyTorch's gate order → (cols, G) in rnn4j's. */
    private static float[] transpose(float[] w, int g, int cols, int h, int gates) {
        float[] out = new float[g * cols];
        for (int j = 0; j < gates; j++) {
            int src = torchBlock(j, gates) * h;
            for (int u = 0; u < h; u++)
                for (int c = 0; c < cols; c++) out[c * g + j * h + u] = w[(src + u) * cols + c];
        }
        return out;
    }

    private static float[] gateOrder(double[] b, int h, int gates) {
        float[] out = new float[b.length];
        for (int j = 0; j < gates; j++)
            for (int u = 0; u < h; u++) out[j * h + u] = (float) b[torchBlock(j, gates) * h + u];
        return out;
    }
}
