package org.rnn4j.cli;

import java.util.Locale;
import org.rnn4j.cuda.CudaOutOfMemoryException;

/**
 * Memory exhaustion, on the Java heap or on the GPU, as one line that says how much was asked for (when known)
 * and what to change, instead of a stack trace.
 */
final class OutOfMemory {
    private OutOfMemory() {}

    /** The one-line message when {@code e} (or a cause) is memory exhaustion, else null. */
    static String message(Throwable e, String command) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CudaOutOfMemoryException c)
                return String.format(Locale.ROOT, "out of GPU memory: asked for %s with %s free of %s on the device; %s, "
                        + "or run on the CPU with --backend cpu", size(c.requestedBytes()), size(c.freeBytes()),
                        size(c.totalBytes()), smaller(command));
            if (t instanceof OutOfMemoryError)
                return String.format(Locale.ROOT, "out of memory: the Java heap (at most %s) is too small for this (%s); "
                        + "give Java more memory, e.g. RNN4J_JAVA_OPTS=-Xmx8g rnn4j %s ..., or %s",
                        size(Runtime.getRuntime().maxMemory()), t.getMessage() == null ? "no detail" : t.getMessage(),
                        command, smaller(command));
        }
        return null;
    }

    private static String smaller(String command) {
        return command.equals("train") ? "use a smaller model or chunk (--hidden, --embed, --batch, --seq-len)"
                : "train a smaller model";
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        return bytes + " bytes";
    }
}
