package org.rnn4j;

/** Result of {@link Backend#lstmInference}: h (N,T,H) and the final cell state cT (N,H); no cache. Closing it closes both. */
public record LstmInferenceOutput(Tensor h, Tensor cT) implements AutoCloseable {
    @Override
    public void close() {
        Closeables.closeAll(h, cT);
    }
}
