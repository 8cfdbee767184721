package org.rnn4j.cuda;

import org.junit.jupiter.api.Test;
import org.rnn4j.Soak;

/** {@link Soak} on the CUDA backend's host code over the emulated device, which counts its live allocations. */
class EmulatedSoakTest {
    @Test
    void tenThousandCallsLeaveDeviceAllocationsAndHeapAtTheirBaseline() {
        try (EmulatedBackend e = new EmulatedBackend()) {   // close() also checks that everything was freed
            Soak.run(e.backend, e.device::liveAllocations);
        }
    }
}
