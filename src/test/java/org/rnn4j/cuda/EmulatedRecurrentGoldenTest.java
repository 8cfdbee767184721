package org.rnn4j.cuda;

import org.rnn4j.Backend;
import org.rnn4j.nn.RecurrentGoldenContract;

/**
 * The PyTorch recurrent cases through the CUDA backend's host code on the emulated device: the same bar as the
 * CPU backend, and every allocation freed, no device contract broken.
 */
class EmulatedRecurrentGoldenTest extends RecurrentGoldenContract {
    private EmulatedBackend emulated;

    @Override
    protected Backend openBackend() {
        emulated = new EmulatedBackend();
        return emulated.backend;
    }

    @Override
    protected void close() {
        emulated.close();
    }
}
