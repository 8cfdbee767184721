package org.rnn4j.cuda;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.rnn4j.Backend;
import org.rnn4j.cuda.emu.EmulatedDeviceApi;

/**
 * Base of the tests that run the CUDA backend on the emulated device: a fresh {@link EmulatedBackend} for every
 * test, closed after it with its checks (every allocation freed, no device contract broken).
 */
abstract class EmulatedDeviceTest {
    EmulatedBackend emulated;
    EmulatedDeviceApi device;
    CudaCompute compute;
    Backend cuda;

    @BeforeEach
    final void openEmulated() {
        emulated = new EmulatedBackend();
        device = emulated.device;
        compute = emulated.compute;
        cuda = emulated.backend;
    }

    @AfterEach
    final void closeAndCheck() { emulated.close(); }
}
