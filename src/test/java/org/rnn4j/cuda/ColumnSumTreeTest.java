package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.compute.Compute;
import org.rnn4j.Numerics;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.cuda.emu.EmulatedDeviceApi;
import org.rnn4j.cuda.emu.Executors;
import org.rnn4j.compute.Memory;

/**
 * The bias-gradient reduction through CudaCompute (one launch per level of the chunk tree) equals the CPU
 * backend's bit for bit, at sizes with one, two and three levels, and is within float32 rounding of float64.
 */
class ColumnSumTreeTest {
    @ParameterizedTest(name = "rows={0} cols={1}")
    @CsvSource({"1,9", "64,33", "65,8", "640,17", "3200,40", "4097,12", "300000,3"})
    void cudaTreeEqualsCpuBitForBitAndFloat64Closely(int rows, int cols) {
        float[] a = Numerics.uniform(Numerics.random(), rows * cols, 1);
        EmulatedDeviceApi device = new EmulatedDeviceApi(Executors.best());
        CudaCompute cuda = new CudaCompute(device);
        CpuCompute cpu = new CpuCompute(3);
        try {
            float[] gpuOut = new float[cols], cpuOut = new float[cols];
            cuda.exclusive(() -> {
                try (Memory x = cuda.upload(a); Memory out = cuda.alloc(cols)) {
                    cuda.columnSum(x, 0, rows, cols, out, 0);
                    cuda.download(out, 0, gpuOut, 0, cols);
                }
                return null;
            });
            try (Memory x = cpu.upload(a); Memory out = cpu.alloc(cols)) {
                cpu.columnSum(x, 0, rows, cols, out, 0);
                cpu.download(out, 0, cpuOut, 0, cols);
            }
            assertArrayEquals(cpuOut, gpuOut, "CUDA and CPU add the same floats in the same tree order");
            double err = 0, norm = 0;
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int r = 0; r < rows; r++) s += a[r * cols + j];
                err += (gpuOut[j] - s) * (gpuOut[j] - s);
                norm += s * s;
            }
            assertTrue(Math.sqrt(err / norm) < 1e-5, "relative error vs float64 " + Math.sqrt(err / norm));
            int levels = 1;
            for (int n = rows; n > Compute.COLUMN_SUM_CHUNK; n = Compute.columnSumPartials(n)) levels++;
            assertEquals(levels, device.launches().get(Kernel.COLUMN_SUM), "one launch per level of the tree");
        } finally {
            cuda.shutdown();
            cpu.shutdown();
        }
        assertEquals(0, device.liveAllocations(), "scratch freed");
        assertEquals(List.of(), device.violations());
    }
}
