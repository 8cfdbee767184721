package org.rnn4j.nn;

import org.rnn4j.Tensor;

/** Result of {@link Layers#temporalAffineBackward}: dx (N,T,D), dW (D,M), db (M). Closing it closes every component. */
public record TemporalAffineGradients(Tensor dx, Tensor dW, Tensor db) implements AutoCloseable {
    @Override
    public void close() {
        try { dx.close(); } finally { try { dW.close(); } finally { db.close(); } }
    }
}
