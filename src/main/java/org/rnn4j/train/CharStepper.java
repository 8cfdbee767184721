package org.rnn4j.train;

import org.rnn4j.cell.LstmCell;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.PackedOperand;
import org.rnn4j.compute.Scope;
import org.rnn4j.extension.Extension;

/**
 * Runs a {@link CharModel} one character at a time (a batch of one) for sampling, in buffers it allocates once:
 * feeding a character allocates nothing on the backend or the host, and reads back only the V scores. The state
 * starts at zero. The model's weights must not change while a stepper is open (Wh is packed once per layer).
 */
final class CharStepper implements AutoCloseable {
    private final CharModel model;
    private final Compute c;
    private final Scope buffers;
    private final Memory embedded, gates, scores;
    /** Per layer, two (1,H) buffers each for h and c: a step reads one and writes the other. */
    private final Memory[][] h, cell;
    private final PackedOperand[] whp;
    private final float[] hostScores;
    private int current;

    CharStepper(CharModel model) {
        this.model = model;
        this.c = Extension.compute(model.backend);
        int H = model.hidden, L = model.layers;
        this.hostScores = new float[model.vocab];
        this.h = new Memory[L][2];
        this.cell = new Memory[L][2];
        this.whp = new PackedOperand[L];
        Scope s = new Scope(c);
        try {
            Memory[] made = c.exclusive(() -> {
                Memory[] m = {s.alloc(model.embed), s.alloc(4L * H), s.alloc(model.vocab)};
                for (int l = 0; l < L; l++)
                    for (int k = 0; k < 2; k++) {
                        h[l][k] = s.alloc(H);
                        cell[l][k] = s.alloc(H);
                        c.fill(h[l][k], 0, H, 0f);
                        c.fill(cell[l][k], 0, H, 0f);
                    }
                for (int l = 0; l < L; l++)
                    whp[l] = c.packB(false, H, 4 * H, Extension.memoryToRead(model.wh(l)), 0, 4 * H);
                return m;
            });
            this.embedded = made[0];
            this.gates = made[1];
            this.scores = made[2];
            this.buffers = s;
        } catch (RuntimeException e) {
            closePacked();
            s.close();
            throw e;
        }
    }

    /**
     * Feeds character {@code ch} (an index into the vocabulary) and returns the scores (V) of the next one:
     * embedding row, the LSTM steps, then the affine of {@code Layers.temporalAffineForward} for one row. The
     * returned array is reused by the next call.
     */
    float[] next(int ch) {
        if (ch < 0 || ch >= model.vocab)
            throw new IllegalArgumentException("character index must be in [0, " + model.vocab + ") but was " + ch);
        int H = model.hidden, E = model.embed, V = model.vocab, prev = current, next = 1 - current;
        return c.exclusive(() -> {
            c.copy(Extension.memoryToRead(model.params.get(0)), (long) ch * E, embedded, 0, E);
            Memory in = embedded;
            int d = E;
            for (int l = 0; l < model.layers; l++) {
                LstmCell.step(c, 1, d, H, in, 0, Extension.memoryToRead(model.wx(l)), whp[l],
                        Extension.memoryToRead(model.b(l)), gates, h[l][prev], cell[l][prev], h[l][next], cell[l][next]);
                in = h[l][next];
                d = H;
            }
            // scores = b, then += h·W: temporalAffineForward's bias broadcast and product, for one row.
            c.copy(Extension.memoryToRead(model.outB()), 0, scores, 0, V);
            c.gemm(false, false, 1, V, H, 1f, in, 0, H, Extension.memoryToRead(model.outW()), 0, V, 1f, scores, 0, V);
            c.download(scores, 0, hostScores, 0, V);
            current = next;
            return hostScores;
        });
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
