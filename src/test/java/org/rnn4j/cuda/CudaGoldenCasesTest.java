package org.rnn4j.cuda;

import org.rnn4j.Backend;
import org.rnn4j.golden.GoldenCasesContract;

/** The golden cases on a real GPU; skipped without one unless -Drnn4j.requireGpu=true. */
class CudaGoldenCasesTest extends GoldenCasesContract {
    @Override
    protected Backend openBackend() { return RealGpu.openOrSkip("GPU golden cases"); }
}
