package org.rnn4j;

/** Result of {@link Backend#rnnForward}: h (N,T,H), every hidden state, and the cache for {@link Backend#rnnBackward}. Closing it closes every component. */
public record RnnOutput(Tensor h, RnnCache cache) implements AutoCloseable {
    @Override
    public void close() {
        Closeables.closeAll(h, cache);
    }
}
