package org.rnn4j.nn;

import java.util.Arrays;
import java.util.List;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.cell.GruCell;
import org.rnn4j.cell.LstmCell;
import org.rnn4j.cell.RnnCell;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;
import org.rnn4j.compute.Scope;
import org.rnn4j.extension.Extension;

/**
 * A stack of recurrent layers run one step at a time on a batch of one (generating a sequence element by element),
 * in buffers allocated once: a step allocates nothing. Each step makes the calls of a T = 1 step of the cell's
 * sequence forward. The state starts at zero and is kept between steps. Wh is packed once per layer, so the
 * weights must not change while this is open.
 */
public final class SteppedCells implements AutoCloseable {
    /** The cell of every layer, with its gate blocks of H along the weights' last axis and its biases. */
    public enum Kind {
        RNN(1, 1), LSTM(4, 1), GRU(3, 2);

        final int gates, biases;

        Kind(int gates, int biases) {
            this.gates = gates;
            this.biases = biases;
        }
    }

    private final Compute c;
    private final Kind kind;
    private final int hidden;
    private final int[] inputs;
    /** Per layer: Wx, then the biases. */
    private final Memory[][] weights;
    private final PackedOperand[] whp;
    private final Scope buffers;
    /** Scratch of one step: the gates' pre-activations, and for the GRU hPrev·Wh and n. */
    private final Memory gates, gh, hn;
    /** Per layer, two (1,H) buffers each for h and (LSTM) c: a step reads one and writes the other. */
    private final Memory[][] h, cell;
    private int current;

    /**
     * {@code layers}: per layer {Wx (D,G·H), Wh (H,G·H), the biases (G·H each)}, G the kind's gate count, D =
     * {@code inputSize} for the first layer and H for the others; all on {@code backend}.
     */
    public SteppedCells(Backend backend, Kind kind, int inputSize, int hidden, List<Tensor[]> layers) {
        this.c = Extension.compute(backend);
        this.kind = kind;
        this.hidden = hidden;
        int L = layers.size(), G = kind.gates * hidden;
        this.inputs = new int[L];
        this.weights = new Memory[L][];
        for (int l = 0; l < L; l++) {
            inputs[l] = l == 0 ? inputSize : hidden;
            Tensor[] w = layers.get(l);
            if (w.length != 2 + kind.biases)
                throw new IllegalArgumentException("SteppedCells: a " + kind + " layer has " + (2 + kind.biases)
                        + " weights but layer " + l + " has " + w.length);
            requireShape(w[0], inputs[l], G);
            requireShape(w[1], hidden, G);
            weights[l] = new Memory[1 + kind.biases];
            weights[l][0] = Extension.memoryToRead(w[0]);
            for (int k = 0; k < kind.biases; k++) {
                requireShape(w[2 + k], G);
                weights[l][1 + k] = Extension.memoryToRead(w[2 + k]);
            }
        }
        this.whp = new PackedOperand[L];
        this.h = new Memory[L][2];
        this.cell = new Memory[L][2];
        Scope s = new Scope(c);
        try {
            Memory[] scratch = c.exclusive(() -> {
                for (int l = 0; l < L; l++)
                    for (int k = 0; k < 2; k++) {
                        h[l][k] = zeros(s);
                        if (kind == Kind.LSTM) cell[l][k] = zeros(s);
                    }
                for (int l = 0; l < L; l++)
                    whp[l] = c.packB(false, hidden, G, Extension.memoryToRead(layers.get(l)[1]), 0, G);
                boolean gru = kind == Kind.GRU;
                return new Memory[]{s.alloc(G), gru ? s.alloc(G) : null, gru ? s.alloc(hidden) : null};
            });
            this.gates = scratch[0];
            this.gh = scratch[1];
            this.hn = scratch[2];
            this.buffers = s;
        } catch (RuntimeException e) {
            closePacked();
            s.close();
            throw e;
        }
    }

    private Memory zeros(Scope s) {
        Memory m = s.alloc(hidden);
        c.fill(m, 0, hidden, 0f);
        return m;
    }

    private static void requireShape(Tensor t, int... shape) {
        if (!Arrays.equals(t.shape(), shape))
            throw new IllegalArgumentException("SteppedCells: expected a weight of shape " + Arrays.toString(shape)
                    + " but got " + Arrays.toString(t.shape()));
    }

    /**
     * One step: x (D floats at {@code xOff}) through every layer. Returns the top layer's new h (H floats at offset
     * 0), valid until the next step. Call inside the backend's {@code Compute.exclusive}.
     */
    public Memory step(Memory x, long xOff) {
        int prev = current, next = 1 - current, H = hidden;
        Memory in = x;
        long off = xOff;
        for (int l = 0; l < inputs.length; l++) {
            Memory[] w = weights[l];
            switch (kind) {
                case LSTM -> LstmCell.step(c, 1, inputs[l], H, in, off, w[0], whp[l], w[1], gates,
                        h[l][prev], cell[l][prev], h[l][next], cell[l][next]);
                case GRU -> GruCell.step(c, 1, inputs[l], H, in, off, w[0], whp[l], w[1], w[2], gates, gh, hn,
                        h[l][prev], h[l][next]);
                case RNN -> RnnCell.step(c, 1, inputs[l], H, in, off, w[0], whp[l], w[1], gates,
                        h[l][prev], h[l][next]);
            }
            in = h[l][next];
            off = 0;
        }
        current = next;
        return in;
    }

    private void closePacked() {
        for (PackedOperand p : whp) if (p != null) p.close();
    }

    @Override
    public void close() {
        c.exclusive(() -> {
            closePacked();
            buffers.close();
            return null;
        });
    }
}
