package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnn4j.compute.Compute;

/**
 * The host side of a steady-state LSTM sequence forward and backward, counted on the real host code (a dry
 * device): one context switch per operation, no cuMemAlloc, cuMemFree or synchronisation (the block cache serves
 * every buffer after the first pass). Without graphs: one launch per step plus the layout transposes and the
 * bias-gradient levels, one SGEMM per step plus the whole-sequence ones. With graphs (the default): the steps are
 * one cuGraphLaunch, the graph captured in the first pass and replayed in the second; the device runs the same
 * kernels and GEMMs either way. These counts are what the cost model in docs/benchmarks.md rests on.
 */
class HostCallsTest {
    @ParameterizedTest(name = "N={0} T={1} D={2} H={3} graphs={4}")
    @CsvSource({"16,25,512,512,false", "2,3,5,7,false", "128,25,64,32,false", "16,25,512,512,true", "2,3,5,7,true"})
    void steadyStateOperationsMakeOnlyTheirLaunchesAndGemms(int n, int t, int d, int h, boolean graphs) {
        HostCostModel.OpCost c = HostCostModel.count(n, t, d, h, false, graphs);
        for (DryDeviceApi.HostCalls op : new DryDeviceApi.HostCalls[]{c.fwd(), c.bwd()}) {
            assertEquals(1, op.makeCurrent(), "context made current once per operation");
            assertEquals(0, op.malloc(), "every buffer from the block cache");
            assertEquals(0, op.free(), "no cuMemFree (each one synchronises the device)");
            assertEquals(0, op.syncs(), "nothing waits for the device");
            assertEquals(0, op.captures(), "the first pass captured the graphs; the second replays them");
            assertTrue(op.other() <= 3, "few copies or memsets: " + op);
        }
        int levels = 1;
        for (int rows = n * t; rows > Compute.COLUMN_SUM_CHUNK; rows = Compute.columnSumPartials(rows)) levels++;
        // What the device runs is the same with or without graphs.
        assertEquals(t + 1, c.fwd().gemmsRun(), "x·Wx over all steps, h·Wh per step");
        assertEquals(t + 2, c.fwd().kernelsRun(), "one fused kernel per step, x and h transposed");
        assertEquals(t + 3, c.bwd().gemmsRun(), "dh·Whᵀ per step, then dWx, dWh, dx");
        assertEquals(t + 2 + levels, c.bwd().kernelsRun(),
                "one fused kernel per step, two transposes, the column-sum levels");
        assertEquals(c.work().fwdFlop(), c.fwd().gemmFlop(), "the dry device sees the FLOPs the cost counter counts");
        assertEquals(c.work().bwdFlop(), c.bwd().gemmFlop());
        if (graphs) {
            assertEquals(1, c.fwd().graphLaunches(), "the forward's time loop is one graph launch");
            assertEquals(1, c.bwd().graphLaunches());
            assertEquals(1, c.fwd().sgemms(), "only x·Wx outside the loop");
            assertEquals(2, c.fwd().launches(), "only the transposes outside the loop");
            assertEquals(3, c.bwd().sgemms());
            assertEquals(2 + levels, c.bwd().launches());
        } else {
            assertEquals(0, c.fwd().graphLaunches() + c.bwd().graphLaunches());
            assertEquals(c.fwd().gemmsRun(), c.fwd().sgemms());
            assertEquals(c.bwd().kernelsRun(), c.bwd().launches());
        }
    }
}
