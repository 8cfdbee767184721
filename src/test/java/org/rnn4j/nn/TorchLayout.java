package org.rnn4j.nn;

/** rnn4j's (rows, G) weights and (G) biases, gates i,f,o,g, back to PyTorch's (G, rows) in order i,f,g,o. */
final class TorchLayout {
    private TorchLayout() {}

    static int rnn4jBlock(int torchBlock,
            int gates) { return gates == 4 && torchBlock >= 2 ? 5 - torchBlock : torchBlock; }

    static float[] weight(float[] w, int gates, int h) {
        int g = gates * h, rows = w.length / g;
        float[] out = new float[w.length];
        for (int j = 0; j < gates; j++) {
            int src = rnn4jBlock(j, gates) * h;
            for (int u = 0; u < h; u++)
                for (int r = 0; r < rows; r++) out[(j * h + u) * rows + r] = w[r * g + src + u];
        }
        return out;
    }

    static float[] bias(float[] b, int gates, int h) {
        float[] out = new float[b.length];
        for (int j = 0; j < gates; j++)
            for (int u = 0; u < h; u++) out[j * h + u] = b[rnn4jBlock(j, gates) * h + u];
        return out;
    }
}
