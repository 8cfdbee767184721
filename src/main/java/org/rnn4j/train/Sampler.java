package org.rnn4j.train;

import java.util.SplittableRandom;

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
        int[] start = prime == null || prime.isEmpty() ? new int[]{Math.max(0, vocab.indexOf('\n'))}
                : vocab.encode(prime);
        if (length == 0) return "";
        StringBuilder out = new StringBuilder();
        double[] weights = new double[model.vocab];
        try (CharStepper stepper = new CharStepper(model)) {   // buffers reused for every character
            for (int i = 0; i + 1 < start.length; i++) stepper.feed(start[i]);
            float[] scores = stepper.next(start[start.length - 1]);
            for (int k = 0; k < length; k++) {
                int next = draw(scores, temperature, random, weights);
                out.append(vocab.decode(next));
                if (k + 1 < length) scores = stepper.next(next);
            }
        }
        return out.toString();
    }

    static int draw(float[] scores, double temperature, SplittableRandom random) {
        return draw(scores, temperature, random, new double[scores.length]);
    }

    /**
     * Draws an index from softmax(scores / temperature). Computed as exp((s - max) / temperature), which never
     * overflows: however small the temperature, the best score gets weight 1 and the others at most 1, so a tiny
     * temperature tends to the argmax (ties shared evenly) instead of overflowing. Non-finite scores are refused.
     * {@code p} (at least as long as scores) is scratch.
     */
    static int draw(float[] scores, double temperature, SplittableRandom random, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < scores.length; i++) {
            if (!Float.isFinite(scores[i]))
                throw new IllegalStateException("the model's score for character " + i + " is " + scores[i]
                        + "; its weights are broken (did training diverge?), use another checkpoint");
            max = Math.max(max, scores[i]);
        }
        double z = 0;
        for (int i = 0; i < scores.length; i++) z += p[i] = Math.exp((scores[i] - max) / temperature);
        double u = random.nextDouble() * z;   // z >= 1: the maximum contributes exp(0)
        for (int i = 0; i < scores.length; i++) if ((u -= p[i]) < 0) return i;
        // rounding left u >= 0: the last possible index
        for (int i = scores.length - 1; i >= 0; i--) if (p[i] > 0) return i;
        return 0;
    }
}
