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

    /**
     * Draws an index from softmax(scores / temperature). Computed as exp((s - max) / temperature), which never
     * overflows: however small the temperature, the best score gets weight 1 and the others at most 1, so a tiny
     * temperature tends to the argmax (ties shared evenly) instead of overflowing. Non-finite scores are refused.
     */
    static int draw(float[] scores, double temperature, SplittableRandom random) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < scores.length; i++) {
            if (!Float.isFinite(scores[i]))
                throw new IllegalStateException("the model's score for character " + i + " is " + scores[i]
                        + "; its weights are broken (did training diverge?), use another checkpoint");
            max = Math.max(max, scores[i]);
        }
        double[] p = new double[scores.length];
        double z = 0;
        for (int i = 0; i < p.length; i++) z += p[i] = Math.exp((scores[i] - max) / temperature);
        double u = random.nextDouble() * z;   // z >= 1: the maximum contributes exp(0)
        for (int i = 0; i < p.length; i++) if ((u -= p[i]) < 0) return i;
        for (int i = p.length - 1; i >= 0; i--) if (p[i] > 0) return i;   // rounding left u >= 0: the last possible index
        return 0;
    }
}
