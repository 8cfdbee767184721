package org.rnn4j.nn;

import java.util.List;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.cell.LstmCell;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;
import org.rnn4j.compute.Scope;
import org.rnn4j.extension.Extension;

/**
 * A stack of LSTM layers run one step at a time on a batch of one (generating a sequence element by element), in
 * buffers allocated once: a step allocates nothing. The state starts at zero and is kept between steps. The
 * weights are read at every step but Wh is packed once, so they must not change while this is open.
 */
public final class SteppedLstm implements AutoCloseable {
    private final Compute c;
    private final int hidden;
    private final int[] inputs;
    private final Memory[] wx, b;
    private final PackedOperand[] whp;
    private final Scope buffers;
    private final Memory gates;
    /** Per layer, two (1,H) buffers each for h and c: a step reads one and writes the other. */
    private final Memory[][] h, cell;
    private int current;

    /**
     * {@code layers}: per layer {Wx (D,4H), Wh (H,4H), b (4H)}, D = {@code inputSize} for the first layer and H
     * for the others; all on {@code backend}.
     */
    public SteppedLstm(Backend backend, int inputSize, int hidden, List<Tensor[]> layers) {
        this.c = Extension.compute(backend);
        this.hidden = hidden;
        int L = layers.size(), G = 4 * hidden;
        this.inputs = new int[L];
        this.wx = new Memory[L];
        this.b = new Memory[L];
        for (int l = 0; l < L; l++) {
            inputs[l] = l == 0 ? inputSize : hidden;
            Tensor[] w = layers.get(l);
            requireShape(w[0], inputs[l], G);
            requireShape(w[1], hidden, G);
            requireShape(w[2], G);
            wx[l] = Extension.memoryToRead(w[0]);
            b[l] = Extension.memoryToRead(w[2]);
        }
        this.whp = new PackedOperand[L];
        this.h = new Memory[L][2];
        this.cell = new Memory[L][2];
        Scope s = new Scope(c);
        try {
            this.gates = c.exclusive(() -> {
                for (int l = 0; l < L; l++)
                    for (int k = 0; k < 2; k++) {
                        h[l][k] = zeros(s);
                        cell[l][k] = zeros(s);
                    }
                for (int l = 0; l < L; l++) whp[l] = c.packB(false, hidden, G, Extension.memoryToRead(layers.get(l)[1]), 0, G);
                return s.alloc(G);
            });
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
        if (!java.util.Arrays.equals(t.shape(), shape))
            throw new IllegalArgumentException("SteppedLstm: expected a weight of shape " + java.util.Arrays.toString(shape)
                    + " but got " + java.util.Arrays.toString(t.shape()));
    }

    /**
     * One step: x (D floats at {@code xOff}) through every layer. Returns the top layer's new h (H floats at offset
     * 0), valid until the next step. Call inside the backend's {@code Compute.exclusive}.
     */
    public Memory step(Memory x, long xOff) {
        int prev = current, next = 1 - current;
        Memory in = x;
        long off = xOff;
        for (int l = 0; l < inputs.length; l++) {
            LstmCell.step(c, 1, inputs[l], hidden, in, off, wx[l], whp[l], b[l], gates, h[l][prev], cell[l][prev], h[l][next], cell[l][next]);
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
