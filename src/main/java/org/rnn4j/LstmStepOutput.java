package org.rnn4j;

/** Result of {@link Backend#lstmStepForward}: nextH, nextC (N,H) and the cache for {@link Backend#lstmStepBackward}. Closing it closes every component. */
public record LstmStepOutput(Tensor nextH, Tensor nextC, LstmCache cache) implements AutoCloseable {
    @Override
    public void close() {
        Closeables.closeAll(nextH, nextC, cache);
    }
}
