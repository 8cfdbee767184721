package org.rnn4j.nn;

import org.rnn4j.Backend;

/** The PyTorch recurrent cases on the CPU backend. */
class RecurrentGoldenTest extends RecurrentGoldenContract {
    @Override
    protected Backend openBackend() { return Backend.cpu(); }
}
