package org.rnn4j.nn;

import org.rnn4j.Tensor;

/**
 * Result of {@link Layers#temporalSoftmaxLoss}: the loss (summed over unmasked positions, divided by N) and its
 * gradient dScores (N,T,V). Closing it closes dScores.
 */
public record SoftmaxLoss(double loss, Tensor dScores) implements AutoCloseable {
    @Override
    public void close() { dScores.close(); }
}
