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
    @CsvSource({"lstm,16,25,512,512", "lstm,128,25,2048,2048", "lstm,3,7,5,11", "rnn,64,25,1024,1024", "rnn,3,7,5,11",
            "rnn,128,25,2048,2048", "lstm,2,2,1,1", "gru,16,25,512,512", "gru,3,7,5,11", "gru,2,2,1,1"})
    void countsEqualTheClosedForms(String cell, int n, int t, int d, int h) {
        CellCost c = CellCost.count(cell, n, t, d, h);
        assertEquals(CellCost.fwdFlopFormula(cell, n, t, d, h), c.fwdFlop(), "forward FLOP");
        assertEquals(CellCost.bwdFlopFormula(cell, n, t, d, h), c.bwdFlop(), "backward FLOP");
        assertEquals(CellCost.fwdBytesFormula(cell, n, t, d, h), c.fwdBytes(), "forward bytes");
        assertEquals(CellCost.bwdBytesFormula(cell, n, t, d, h), c.bwdBytes(), "backward bytes");
        assertEquals(CellCost.fwdCellBytesFormula(cell, n, t, h), c.fwdCellBytes(), "forward cell-kernel bytes");
        assertEquals(CellCost.bwdCellBytesFormula(cell, n, t, h), c.bwdCellBytes(), "backward cell-kernel bytes");
        assertTrue(c.fwdAllocs() > 0 && c.bwdAllocs() > 0, "allocations counted");
    }

    /** The numbers in the docs: LSTM H=512, N=16 is 1.678 GFLOP forward; backward exactly twice that. */
    @ParameterizedTest
    @CsvSource({"16,512,1677721600", "128,2048,214748364800"})
    void deepBenchLstmFlopsByHand(int n, int h, long forwardFlop) {
        // 4H gates: x·Wx is (T·N × D)·(D × 4H), h·Wh per step (N × H)·(H × 4H); 2 FLOP per multiply-add.
        long byHand = 2L * 25 * n * h * 4L * h + 25L * 2 * n * h * 4L * h;
        assertEquals(forwardFlop, byHand);
        CellCost c = CellCost.count("lstm", n, 25, h, h);
        assertEquals(forwardFlop, c.fwdFlop());
        assertEquals(2 * forwardFlop, c.bwdFlop());
    }

    /**
     * A sequence with N = 1 or T = 1 moves less (copies instead of transposes, no dx transpose): not the closed form.
     */
    @ParameterizedTest
    @CsvSource({"lstm,1,5,8,8", "lstm,4,1,8,8", "rnn,1,5,8,8", "gru,1,5,8,8", "gru,4,1,8,8"})
    void degenerateShapesSkipTheBackwardTranspose(String cell, int n, int t, int d, int h) {
        CellCost c = CellCost.count(cell, n, t, d, h);
        assertEquals(CellCost.fwdFlopFormula(cell, n, t, d, h), c.fwdFlop(), "FLOPs do not depend on the layout");
        assertEquals(CellCost.bwdBytesFormula(cell, n, t, d, h) - 4L * 2 * n * t * d, c.bwdBytes(),
                "no dx transpose when N or T is 1");
    }
}
