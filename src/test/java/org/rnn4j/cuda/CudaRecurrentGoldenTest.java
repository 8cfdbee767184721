package org.rnn4j.cuda;

import org.rnn4j.Backend;
import org.rnn4j.nn.RecurrentGoldenContract;

/** The PyTorch recurrent cases on a real GPU; skipped without one unless -Drnn4j.requireGpu=true. */
class CudaRecurrentGoldenTest extends RecurrentGoldenContract {
    @Override
    protected Backend openBackend() { return RealGpu.openOrSkip("GPU recurrent cases"); }
}
