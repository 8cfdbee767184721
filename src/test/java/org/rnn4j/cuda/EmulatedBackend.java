package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.rnn4j.Backend;
import org.rnn4j.cuda.emu.EmulatedDeviceApi;
import org.rnn4j.cuda.emu.Executors;
import org.rnn4j.extension.Extension;

/**
 * Test fixture: the CUDA backend's host code (CudaCompute) on a fresh emulated device with the best kernel
 * executor. {@code compute.liveBuffers()} counts the buffers in use; the device also holds the blocks CudaCompute
 * keeps cached for reuse until it is closed. {@link #close()} closes the backend and asserts that it freed every
 * allocation and that no call broke
 * the device's contracts (cuBLAS arguments, launch signatures, pointer ranges, current context).
 */
final class EmulatedBackend implements AutoCloseable {
    final EmulatedDeviceApi device = new EmulatedDeviceApi(Executors.best());
    final CudaCompute compute = new CudaCompute(device);
    final Backend backend = Extension.backend(compute, "emulated");

    @Override
    public void close() {
        backend.close();
        assertEquals(0, device.liveAllocations(), "closing the backend frees every allocation");
        assertEquals(List.of(), device.violations(), "device contract violations");
    }
}
