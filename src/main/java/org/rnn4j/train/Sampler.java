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
        int[] start = prime == null || prime.isEmpty() ? new int[]{Math.max(0, vocab.indexOf('\n'))} : vocab.encode(prime);
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

    /** Draws from softmax(scores / temperature); {@code p} (at least as long as scores) is scratch. */
    static int draw(float[] scores, double temperature, SplittableRandom random, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) max = Math.max(max, s / temperature);
        double z = 0;
        for (int i = 0; i < scores.length; i++) z += p[i] = Math.exp(scores[i] / temperature - max);
        double u = random.nextDouble() * z;
        for (int i = 0; i < scores.length; i++) if ((u -= p[i]) < 0) return i;
        return scores.length - 1;
    }
}
