package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import org.rnn4j.Backend;
import org.rnn4j.cuda.CudaUnavailableException;
import org.rnn4j.golden.GoldenCasesContract;

/** The golden cases on a real GPU; skipped without one unless -Drnn4j.requireGpu=true. */
class CudaGoldenCasesTest extends GoldenCasesContract {
    @Override
    protected Backend openBackend() {
        try {
            return Backend.cuda();
        } catch (CudaUnavailableException e) {
            if (Boolean.getBoolean("rnn4j.requireGpu")) fail("-Drnn4j.requireGpu=true but CUDA cannot run: "
                    + e.getMessage(), e);
            Assumptions.abort("CUDA unavailable, GPU golden cases skipped: " + e.getMessage());
            return null;
        }
    }
}
