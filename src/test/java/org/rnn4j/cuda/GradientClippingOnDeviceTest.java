package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backend;
import org.rnn4j.Numerics;
import org.rnn4j.Tensor;
import org.rnn4j.nn.GradientClipping;

/**
 * The global gradient norm costs one read from the device per call, whatever the number of tensors, and equals the
 * CPU's.
 */
class GradientClippingOnDeviceTest {
    @Test
    void oneDownloadForAllTensorsAndTheCpusBits() {
        int[] sizes = {7, 4096 * 3 + 5, 130, 1, 64 * 64};
        List<float[]> data = new ArrayList<>();
        for (int n : sizes) data.add(Numerics.uniform(Numerics.random(), n, 1));
        double cpuNorm;
        try (Backend cpu = Backend.cpu()) {
            List<Tensor> grads = new ArrayList<>();
            for (float[] d : data) grads.add(cpu.tensor(d, d.length));
            cpuNorm = GradientClipping.globalNorm(grads);
            grads.forEach(Tensor::close);
        }
        try (EmulatedBackend emu = new EmulatedBackend()) {
            List<Tensor> grads = new ArrayList<>();
            for (float[] d : data) grads.add(emu.backend.tensor(d, d.length));
            int before = emu.device.hostReads();
            double norm = GradientClipping.globalNorm(grads);
            assertEquals(1, emu.device.hostReads() - before, "one download for " + sizes.length + " gradients");
            assertEquals(cpuNorm, norm, 0.0, "same sums in the same order as the CPU backend");
            double ref = 0;
            for (float[] d : data) for (float v : d) ref += (double) v * v;
            assertEquals(Math.sqrt(ref), norm, 1e-5 * Math.sqrt(ref));
            grads.forEach(Tensor::close);
        }
    }
}
