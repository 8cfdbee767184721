package org.rnn4j;

/** Result of {@link Backend#lstmForward}: h (N,T,H), the final cell state cT (N,H), and the cache for {@link Backend#lstmBackward}. Closing it closes every component. */
public record LstmOutput(Tensor h, Tensor cT, LstmCache cache) implements AutoCloseable {
    @Override
    public void close() {
        Closeables.closeAll(h, cT, cache);
    }
}
