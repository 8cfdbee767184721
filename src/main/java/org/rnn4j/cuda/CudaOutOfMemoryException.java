package org.rnn4j.cuda;

import java.util.Locale;

/** Device memory ran out: names the bytes asked for and what the device had free, and what to do. */
public class CudaOutOfMemoryException extends CudaException {
    private static final long serialVersionUID = 1L;
    private final long requested, free, total;

    public CudaOutOfMemoryException(String call, long requested, long free, long total) {
        super(call, "CUDA_ERROR_OUT_OF_MEMORY", String.format(Locale.ROOT,
                "asked for %,d bytes with %,d bytes free of %,d on the device; close tensors, outputs and caches "
                        + "you no longer need (try-with-resources), or use a smaller batch or sequence",
                requested, free, total));
        this.requested = requested;
        this.free = free;
        this.total = total;
    }

    public long requestedBytes() { return requested; }

    public long freeBytes() { return free; }

    public long totalBytes() { return total; }
}
