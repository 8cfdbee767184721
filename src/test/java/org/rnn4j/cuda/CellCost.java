package org.rnn4j.cuda;

import org.rnn4j.Backend;
import org.rnn4j.Gru;
import org.rnn4j.Lstm;
import org.rnn4j.Rnn;
import org.rnn4j.Tensor;
import org.rnn4j.extension.Extension;

/**
 * FLOPs and non-GEMM bytes of one sequence forward and one backward of a cell at (N, T, D, H), counted by running
 * the real Backend code on a dry {@link CostCounter} (see there for what counts). The closed forms below are what
 * the counts come to for N > 1 and T > 1 (then x, dh, h and dx go through the layout transposes); CostCounterTest
 * holds the two equal, so the formulas printed with the benchmark are the ones the code performs.
 */
record CellCost(long fwdFlop, long bwdFlop, long fwdBytes, long bwdBytes, long fwdCellBytes, long bwdCellBytes,
                long fwdAllocs, long bwdAllocs) {

    static final String FLOP_FORMULA = "GEMM FLOPs only, 2·m·n·k each, G = 4H (LSTM), 3H (GRU) or H (RNN): forward "
            + "2·T·N·G·(D+H) (x·Wx over all T·N rows, then h·Wh per step); backward 4·T·N·G·(D+H), exactly twice the "
            + "forward (dPrevH = da·Whᵀ per step, then dWx = xᵀ·da, dWh = hᵀ·da, dx = da·Wxᵀ over all steps)";
    static final String BYTES_FORMULA = "device bytes read + written by everything but the GEMMs (fused cell kernels, "
            + "layout transposes, copies, fills, the bias column sums), 4 B a float, each element once: "
            + "LSTM forward 4·(2NTD + 2NTH + T·(11NH + 4H) + 5NH), backward 4·(2NTD + 20NTH + 2NH + 4H); "
            + "GRU forward 4·(2NTD + 2NTH + T·(12NH + 6H) + 2NH), backward 4·(2NTD + 22NTH + NH + 6H); "
            + "RNN forward 4·(2NTD + 4NTH + TH + 2NH), backward 4·(2NTD + 7NTH + NH + H); of which the fused cell "
            + "kernels alone: LSTM forward 4·T·(11NH + 4H), backward 4·14·NTH; GRU forward 4·T·(12NH + 6H), backward "
            + "4·14·NTH; RNN forward 4·T·(2NH + H), backward 4·4·NTH";

    /** Gate blocks of H: "lstm" 4, "gru" 3, "rnn" 1. */
    static int gates(String cell) {
        return switch (cell) {
            case "lstm" -> 4;
            case "gru" -> 3;
            case "rnn" -> 1;
            default -> throw new IllegalArgumentException("unknown cell " + cell);
        };
    }

    /** Counts by running Backend.{lstm,gru,rnn}{Forward,Backward} on the dry counter. */
    static CellCost count(String cell, int n, int t, int d, int h) {
        int g = gates(cell) * h;
        CostCounter c = new CostCounter();
        try (Backend be = Extension.backend(c, "cost count");
             Tensor x = Extension.tensor(be, c.input((long) n * t * d), n, t, d);
             Tensor h0 = Extension.tensor(be, c.input((long) n * h), n, h);
             Tensor wx = Extension.tensor(be, c.input((long) d * g), d, g);
             Tensor wh = Extension.tensor(be, c.input((long) h * g), h, g);
             Tensor b = Extension.tensor(be, c.input(g), g); Tensor b2 = Extension.tensor(be, c.input(g), g);
             Tensor dh = Extension.tensor(be, c.input((long) n * t * h), n, t, h)) {
            long[] f, bw;
            switch (cell) {
                case "lstm" -> {
                    try (Lstm.Output out = be.lstmForward(x, h0, wx, wh, b)) {
                        f = snapshot(c);
                        be.lstmBackward(dh, out.cache()).close();
                        bw = snapshot(c);
                    }
                }
                case "gru" -> {
                    try (Gru.Output out = be.gruForward(x, h0, wx, wh, b, b2)) {
                        f = snapshot(c);
                        be.gruBackward(dh, out.cache()).close();
                        bw = snapshot(c);
                    }
                }
                default -> {
                    try (Rnn.Output out = be.rnnForward(x, h0, wx, wh, b)) {
                        f = snapshot(c);
                        be.rnnBackward(dh, out.cache()).close();
                        bw = snapshot(c);
                    }
                }
            }
            return new CellCost(f[0], bw[0], f[1], bw[1], f[2], bw[2], f[3], bw[3]);
        }
    }

    /**
     * {flop, bytes, cell-kernel bytes, allocs} so far, then resets; a host transfer inside an operation is a defect.
     */
    private static long[] snapshot(CostCounter c) {
        if (c.hostTransfers != 0) throw new IllegalStateException("an operation made " + c.hostTransfers
                + " host transfers");
        long[] f = {c.flop, c.bytes, c.cellBytes, c.allocs};
        c.reset();
        return f;
    }

    static long fwdFlopFormula(String cell, long n, long t, long d, long h) {
        return 2 * t * n * gates(cell) * h * (d + h);
    }

    static long bwdFlopFormula(String cell, long n, long t, long d, long h) {
        return 2 * fwdFlopFormula(cell, n, t, d, h);
    }

    static long fwdBytesFormula(String cell, long n, long t, long d, long h) {
        return 4 * switch (cell) {
            case "lstm" -> 2 * n * t * d + 2 * n * t * h + t * (11 * n * h + 4 * h) + 5 * n * h;
            case "gru" -> 2 * n * t * d + 2 * n * t * h + t * (12 * n * h + 6 * h) + 2 * n * h;
            default -> 2 * n * t * d + 4 * n * t * h + t * h + 2 * n * h;
        };
    }

    static long fwdCellBytesFormula(String cell, long n, long t, long h) {
        return 4 * t * switch (cell) {
            case "lstm" -> 11 * n * h + 4 * h;
            case "gru" -> 12 * n * h + 6 * h;
            default -> 2 * n * h + h;
        };
    }

    static long bwdCellBytesFormula(String cell, long n, long t, long h) {
        return 4 * (cell.equals("rnn") ? 4 : 14) * n * t * h;
    }

    static long bwdBytesFormula(String cell, long n, long t, long d, long h) {
        return 4 * switch (cell) {
            case "lstm" -> 2 * n * t * d + 20 * n * t * h + 2 * n * h + 4 * h;
            case "gru" -> 2 * n * t * d + 22 * n * t * h + n * h + 6 * h;
            default -> 2 * n * t * d + 7 * n * t * h + n * h + h;
        };
    }
}
