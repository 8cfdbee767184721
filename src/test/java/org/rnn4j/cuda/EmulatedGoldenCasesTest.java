package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.rnn4j.Backend;
import org.rnn4j.cuda.emu.EmulatedDeviceApi;
import org.rnn4j.cuda.emu.Executors;
import org.rnn4j.golden.GoldenCasesContract;

/**
 * The golden cases (numpy/PyTorch float64) through the CUDA backend's host code on the emulated device, with
 * the real kernels compiled as host C++ where g++ exists: the same bar as the CPU backend, without a GPU.
 */
class EmulatedGoldenCasesTest extends GoldenCasesContract {
    private EmulatedDeviceApi device;

    @Override
    protected Backend openBackend() {
        device = new EmulatedDeviceApi(Executors.best());
        return Backend.of(new CudaCompute(device), "emulated");
    }

    @Override
    protected void close() {
        super.close();
        assertEquals(0, device.liveAllocations(), "closing the backend frees every allocation");
        assertEquals(List.of(), device.violations(), "device contract violations");
    }
}
