package org.rnn4j;

import org.junit.jupiter.api.Test;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.extension.Extension;

/** {@link Soak} on the CPU backend, its buffers counted by a {@link CountingCompute}; then a closed one refuses work. */
class CpuSoakTest {
    @Test
    void tenThousandCallsLeaveAllocationsAndHeapAtTheirBaseline() {
        CountingCompute counting = new CountingCompute(new CpuCompute(2));
        try (Backend b = Extension.backend(counting, "counting cpu")) {
            Soak.run(b, counting::live);
        }
    }

    @Test
    void aClosedBackendRefusesWork() {
        Soak.checkRefusals(Backend.cpu());
    }
}
