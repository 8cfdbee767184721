package org.rnn4j.cli;

/**
 * Exponential moving average of the training loss with Adam-style bias correction: without the correction a
 * short run's curve would start at the first loss and lag far behind the real trend.
 */
final class Smoother {
    private static final double DECAY = 0.95;
    private double ema, weight;

    /** Adds a value and returns the current smoothed value. */
    double add(double x) {
        ema = DECAY * ema + (1 - DECAY) * x;
        weight = DECAY * weight + (1 - DECAY);
        return ema / weight;
    }
}
