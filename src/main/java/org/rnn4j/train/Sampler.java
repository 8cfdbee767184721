package org.rnn4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.Tensor;

/** Generates text from a {@link CharModel}, one character at a time, with its own state (batch of one). */
public final class Sampler {
    private final CharModel model;
    private final Vocabulary vocab;

    public Sampler(CharModel model, Vocabulary vocab) {
        this.model = model;
        this.vocab = vocab;
    }

    /**
     * Runs the prime (or a newline, else the first character, when the prime is empty) through the model,
     * then draws {@code length} characters from softmax(scores / temperature). Returns the drawn characters only.
     */
    public String sample(int length, double temperature, String prime, SplittableRandom random) {
        if (length < 0) throw new IllegalArgumentException("--length must not be negative but was " + length);
        if (!(temperature > 0) || Double.isInfinite(temperature))
            throw new IllegalArgumentException("--temperature must be positive but was " + temperature);
        int[] start = prime == null || prime.isEmpty() ? new int[]{Math.max(0, vocab.indexOf('\n'))} : vocab.encode(prime);
        List<Tensor> state = model.zeroState(1);
        StringBuilder out = new StringBuilder();
        try {
            float[] input = new float[start.length];
            for (int i = 0; i < start.length; i++) input[i] = start[i];
            for (int k = 0; k < length; k++) {
                float[] scores = lastScores(input, state);
                int next = draw(scores, temperature, random);
                out.append(vocab.decode(next));
                input = new float[]{next};
            }
        } finally {
            state.forEach(Tensor::close);
        }
        return out.toString();
    }

    private float[] lastScores(float[] input, List<Tensor> state) {
        List<AutoCloseable> temps = new ArrayList<>();
        try {
            Tensor s = CharModel.keep(temps, model.scores(input, 1, input.length, state, temps));
            float[] all = s.toArray();
            return java.util.Arrays.copyOfRange(all, all.length - model.vocab, all.length);
        } finally {
            CharModel.closeAll(temps);
        }
    }

    static int draw(float[] scores, double temperature, SplittableRandom random) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) max = Math.max(max, s / temperature);
        double[] p = new double[scores.length];
        double z = 0;
        for (int i = 0; i < p.length; i++) z += p[i] = Math.exp(scores[i] / temperature - max);
        double u = random.nextDouble() * z;
        for (int i = 0; i < p.length; i++) if ((u -= p[i]) < 0) return i;
        return p.length - 1;
    }
}
