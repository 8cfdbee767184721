package org.rnn4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.CountingCompute;
import org.rnn4j.Numerics;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;

/**
 * CpuCompute's one-pass {@link Compute#weightGradients} gives the bits of the two products and the column sum it
 * replaces (the interface's default), on 1-4 threads: row counts around the 64-row chunks and the 256-row k blocks
 * (one chunk, several, more than 64 chunks), widths that leave partial panels, outputs poisoned with NaN first.
 */
class WeightGradientsTest {

    @ParameterizedTest(name = "rows={0} n={1} ma={2} mb={3}")
    @CsvSource({"1,5,3,2", "63,40,8,16", "64,32,1,9", "65,33,12,4", "300,100,7,30", "2048,1024,32,256",
            "4160,70,3,5", "513,1100,17,2"})
    void matchesTheSeparateProductsAndColumnSum(int rows, int n, int ma, int mb) {
        SplittableRandom r = Numerics.random();
        float[] g = Numerics.uniform(r, rows * n, 1), a = Numerics.uniform(r, rows * ma, 1);
        float[] b = Numerics.uniform(r, rows * mb, 1);
        float[][] want = null;
        for (int threads = 1; threads <= 4; threads++) {
            CpuCompute cpu = new CpuCompute(threads);
            try {
                float[][] fused = run(cpu, true, rows, n, g, a, ma, b, mb);
                if (want == null) {
                    want = run(cpu, false, rows, n, g, a, ma, b, mb);
                    for (float[] w : want) for (float v : w) assertFalse(Float.isNaN(v), "reference has NaN");
                }
                for (int i = 0; i < 3; i++)
                    assertArrayEquals(want[i], fused[i], "output " + i + " on " + threads + " threads");
            } finally {
                cpu.shutdown();
            }
        }
    }

    /** dA, dB and the sums: CpuCompute's fused pass, or the Compute interface's default (three separate calls). */
    private static float[][] run(CpuCompute cpu, boolean fused, int rows, int n, float[] g, float[] a, int ma,
                                 float[] b, int mb) {
        Compute c = fused ? cpu : new CountingCompute(cpu);   // a plain delegate: the interface's default
        Memory mg = cpu.upload(g), mA = cpu.upload(a), mB = cpu.upload(b);
        float[] nan = new float[Math.max(ma, mb) * n];
        java.util.Arrays.fill(nan, Float.NaN);
        Memory dA = cpu.upload(java.util.Arrays.copyOf(nan, ma * n)), dB = cpu.upload(java.util.Arrays.copyOf(nan,
                mb * n));
        Memory sum = cpu.upload(java.util.Arrays.copyOf(nan, n));
        try {
            c.weightGradients(rows, n, mg, 0, mA, 0, ma, dA, 0, mB, 0, mb, dB, 0, sum, 0);
            float[][] out = {new float[ma * n], new float[mb * n], new float[n]};
            cpu.download(dA, 0, out[0], 0, out[0].length);
            cpu.download(dB, 0, out[1], 0, out[1].length);
            cpu.download(sum, 0, out[2], 0, n);
            return out;
        } finally {
            for (Memory m : new Memory[]{mg, mA, mB, dA, dB, sum}) m.close();
        }
    }
}
