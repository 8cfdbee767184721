package org.rnn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The FLOPs and bytes GpuBenchmark reports are counted from the backend's own call sequence on a dry Compute;
 * here those counts must equal the closed forms printed with the table, so a change to the cells (a GEMM more,
 * a copy more) either updates the formulas or fails. Sizes include the DeepBench ones and odd, unequal D and H.
 */
class CostCounterTest {

    @ParameterizedTest
    @CsvSource({"true,16,25,512,512", "true,128,25,2048,2048", "true,3,7,5,11", "false,64,25,1024,1024", "false,3,7,5,11",
            "false,128,25,2048,2048", "true,2,2,1,1"})
    void countsEqualTheClosedForms(boolean lstm, int n, int t, int d, int h) {
        CellCost c = CellCost.count(lstm, n, t, d, h);
        assertEquals(CellCost.fwdFlopFormula(lstm, n, t, d, h), c.fwdFlop(), "forward FLOP");
        assertEquals(CellCost.bwdFlopFormula(lstm, n, t, d, h), c.bwdFlop(), "backward FLOP");
        assertEquals(CellCost.fwdBytesFormula(lstm, n, t, d, h), c.fwdBytes(), "forward bytes");
        assertEquals(CellCost.bwdBytesFormula(lstm, n, t, d, h), c.bwdBytes(), "backward bytes");
        assertEquals(CellCost.fwdCellBytesFormula(lstm, n, t, h), c.fwdCellBytes(), "forward cell-kernel bytes");
        assertEquals(CellCost.bwdCellBytesFormula(lstm, n, t, h), c.bwdCellBytes(), "backward cell-kernel bytes");
        assertTrue(c.fwdAllocs() > 0 && c.bwdAllocs() > 0, "allocations counted");
    }

    /** The numbers in the docs: LSTM H=512, N=16 is 1.678 GFLOP forward; backward exactly twice that. */
    @ParameterizedTest
    @CsvSource({"16,512,1677721600", "128,2048,214748364800"})
    void deepBenchLstmFlopsByHand(int n, int h, long forwardFlop) {
        // 4H gates: x·Wx is (T·N × D)·(D × 4H), h·Wh per step (N × H)·(H × 4H); 2 FLOP per multiply-add.
        long byHand = 2L * 25 * n * h * 4L * h + 25L * 2 * n * h * 4L * h;
        assertEquals(forwardFlop, byHand);
        CellCost c = CellCost.count(true, n, 25, h, h);
        assertEquals(forwardFlop, c.fwdFlop());
        assertEquals(2 * forwardFlop, c.bwdFlop());
    }

    /** A sequence with N = 1 or T = 1 moves less (copies instead of transposes, no dx transpose): not the closed form. */
    @ParameterizedTest
    @CsvSource({"true,1,5,8,8", "true,4,1,8,8", "false,1,5,8,8"})
    void degenerateShapesSkipTheBackwardTranspose(boolean lstm, int n, int t, int d, int h) {
        CellCost c = CellCost.count(lstm, n, t, d, h);
        assertEquals(CellCost.fwdFlopFormula(lstm, n, t, d, h), c.fwdFlop(), "FLOPs do not depend on the layout");
        assertEquals(CellCost.bwdBytesFormula(lstm, n, t, d, h) - 4L * 2 * n * t * d, c.bwdBytes(),
                "no dx transpose when N or T is 1");
    }
}
