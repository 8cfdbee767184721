package org.rnn4j.cuda;

import org.rnn4j.Backend;
import org.rnn4j.golden.GoldenCasesContract;

/**
 * The golden cases (numpy/PyTorch float64) through the CUDA backend's host code on the emulated device, with
 * the real kernels compiled as host C++ where g++ exists: the same bar as the CPU backend, without a GPU.
 */
class EmulatedGoldenCasesTest extends GoldenCasesContract {
    private EmulatedBackend emulated;

    @Override
    protected Backend openBackend() {
        emulated = new EmulatedBackend();
        return emulated.backend;
    }

    @Override
    protected void close() {
        super.close();       // reports and closes the backend
        emulated.close();    // then: every allocation freed, no contract violations
    }
}
