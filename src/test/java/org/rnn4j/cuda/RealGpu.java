package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import org.rnn4j.Backend;

/** Opening the CUDA backend for tests that need a real GPU: skipped without one unless -Drnn4j.requireGpu=true. */
final class RealGpu {
    private RealGpu() {}

    /** The CUDA backend; aborts the test ({@code what} skipped, with the cause) or fails it under requireGpu. */
    static Backend openOrSkip(String what) {
        try {
            return Backend.cuda();
        } catch (CudaUnavailableException e) {
            if (Boolean.getBoolean("rnn4j.requireGpu")) fail("-Drnn4j.requireGpu=true but CUDA cannot run: "
                    + e.getMessage(), e);
            Assumptions.abort("CUDA unavailable, " + what + " skipped: " + e.getMessage());
            return null;
        }
    }
}
