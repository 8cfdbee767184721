package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.cpu.CpuKernels;

/**
 * The host side of a steady-state LSTM sequence forward and backward, counted on the real host code (a dry
 * device): one context switch per operation, no cuMemAlloc, cuMemFree or synchronisation (the block cache serves
 * every buffer after the first pass), one launch per step plus the layout transposes and the bias-gradient levels,
 * one SGEMM per step plus the whole-sequence ones. These are what the cost model in docs/benchmarks.md rests on.
 */
class HostCallsTest {
    @ParameterizedTest(name = "N={0} T={1} D={2} H={3}")
    @CsvSource({"16,25,512,512", "2,3,5,7", "128,25,64,32"})
    void steadyStateOperationsMakeOnlyTheirLaunchesAndGemms(int n, int t, int d, int h) {
        HostCostModel.OpCost c = HostCostModel.count(n, t, d, h, false);
        for (DryDeviceApi.HostCalls op : new DryDeviceApi.HostCalls[]{c.fwd(), c.bwd()}) {
            assertEquals(1, op.makeCurrent(), "context made current once per operation");
            assertEquals(0, op.malloc(), "every buffer from the block cache");
            assertEquals(0, op.free(), "no cuMemFree (each one synchronises the device)");
            assertEquals(0, op.syncs(), "nothing waits for the device");
        }
        int levels = 1;
        for (int rows = n * t; rows > CpuKernels.COLUMN_SUM_CHUNK; rows = CpuKernels.columnSumPartials(rows)) levels++;
        assertEquals(t + 1, c.fwd().sgemms(), "x·Wx over all steps, h·Wh per step");
        assertEquals(t + 2, c.fwd().launches(), "one fused kernel per step, x and h transposed");
        assertEquals(t + 3, c.bwd().sgemms(), "dh·Whᵀ per step, then dWx, dWh, dx");
        assertEquals(t + 2 + levels, c.bwd().launches(), "one fused kernel per step, two transposes, the column-sum levels");
        assertEquals(c.work().fwdFlop(), c.fwd().gemmFlop(), "the dry device sees the FLOPs the cost counter counts");
        assertEquals(c.work().bwdFlop(), c.bwd().gemmFlop());
        assertTrue(c.fwd().other() <= 3 && c.bwd().other() <= 3, "few copies or memsets: " + c);
    }
}
