package org.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rnn4j.cuda.CudaOutOfMemoryException;

/** Memory exhaustion becomes one line with the size asked for (when known) and what to change. */
class OutOfMemoryTest {
    @Test
    void gpuExhaustionSaysHowMuchWasAskedForAndWhatToChange() {
        var cuda = new CudaOutOfMemoryException("cuMemAlloc", 3L << 30, 1L << 20, 141L << 30);
        String m = OutOfMemory.message(new IllegalStateException("wrapped", cuda), "train");
        assertTrue(m.contains("asked for 3.0 GiB with 1.0 MiB free of 141.0 GiB") && m.contains("--batch") && m.contains("--backend cpu"), m);
        assertTrue(!m.contains("\n"), m);
    }

    @Test
    void heapExhaustionNamesTheHeapLimitAndTheOptions() {
        String m = OutOfMemory.message(new OutOfMemoryError("Java heap space"), "sample");
        assertTrue(m.contains("the Java heap (at most ") && m.contains("RNN4J_JAVA_OPTS=-Xmx8g rnn4j sample"), m);
        assertNull(OutOfMemory.message(new IllegalArgumentException("not memory"), "train"));
    }
}
