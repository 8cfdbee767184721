package org.rnn4j.train;

/**
 * Everything that shapes a training run. The model's shape (vocabulary from the text, embed, hidden, layers)
 * and the batching (batch, seqLen) are fixed for a run and saved in its checkpoint; steps may grow on resume.
 *
 * @param hidden      H of every recurrent layer
 * @param layers      stacked recurrent layers, 1 to 3
 * @param embed       size of the character embedding (D of the first layer)
 * @param seqLen      T: characters per chunk of truncated backpropagation through time
 * @param batch       N: parallel streams over the training text
 * @param lr          Adam learning rate
 * @param steps       total optimisation steps of the run
 * @param seed        seeds the initial weights; nothing else in training draws random numbers
 * @param clip        global gradient-norm threshold
 * @param valFraction the last fraction of the text held out for validation
 * @param cell        the recurrent cell of every layer (LSTM unless said otherwise)
 */
public record TrainConfig(int hidden, int layers, int embed, int seqLen, int batch, double lr, int steps, long seed,
                          double clip, double valFraction, CellType cell) {

    /** An LSTM model. */
    public TrainConfig(int hidden, int layers, int embed, int seqLen, int batch, double lr, int steps, long seed,
                       double clip, double valFraction) {
        this(hidden, layers, embed, seqLen, batch, lr, steps, seed, clip, valFraction, CellType.LSTM);
    }

    /**
     * The defaults of {@code rnn4j train}: on 2 CPU cores (Vector API on) about 40 s to a validation loss near
     * 1.36 nats/char against the unigram 3.02; past about 700 steps this model starts to overfit the 247 KB corpus.
     */
    public static TrainConfig defaults() {
        return new TrainConfig(256, 1, 32, 64, 32, 3e-3, 700, 42, 5.0, 0.05);
    }

    public TrainConfig {
        require(hidden >= 1 && hidden <= 4096, "--hidden must be in [1, 4096] but was " + hidden);
        require(layers >= 1 && layers <= 3, "--layers must be 1, 2 or 3 but was " + layers);
        require(embed >= 1 && embed <= 4096, "embed must be in [1, 4096] but was " + embed);
        require(seqLen >= 1 && seqLen <= 100_000, "--seq-len must be in [1, 100000] but was " + seqLen);
        require(batch >= 1 && batch <= 100_000, "--batch must be in [1, 100000] but was " + batch);
        require(lr > 0 && lr < 1, "--lr must be in (0, 1) but was " + lr);
        require(steps >= 0, "--steps must not be negative but was " + steps);
        require(clip > 0, "clip must be positive but was " + clip);
        require(valFraction > 0 && valFraction < 0.5, "valFraction must be in (0, 0.5) but was " + valFraction);
        if (cell == null) throw new NullPointerException("cell must not be null");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    public TrainConfig withSteps(int s) { return new TrainConfig(hidden, layers, embed, seqLen, batch, lr, s, seed,
            clip, valFraction, cell); }
}
