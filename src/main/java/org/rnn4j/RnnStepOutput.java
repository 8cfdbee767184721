package org.rnn4j;

/** Result of {@link Backend#rnnStepForward}: nextH (N,H) and the cache for {@link Backend#rnnStepBackward}. Closing it closes every component. */
public record RnnStepOutput(Tensor nextH, RnnCache cache) implements AutoCloseable {
    @Override
    public void close() {
        Closeables.closeAll(nextH, cache);
    }
}
