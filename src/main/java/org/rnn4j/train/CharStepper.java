package org.rnn4j.train;

import java.util.ArrayList;
import java.util.List;
import org.rnn4j.Tensor;
import org.rnn4j.compute.Compute;
import org.rnn4j.compute.Memory;
import org.rnn4j.compute.Scope;
import org.rnn4j.extension.Extension;
import org.rnn4j.nn.SteppedCells;

/**
 * Runs a {@link CharModel} one character at a time (a batch of one) for sampling, in buffers allocated once:
 * feeding a character allocates nothing on the backend or the host, and reads back only the V scores. The state
 * starts at zero. The model's weights must not change while a stepper is open.
 */
final class CharStepper implements AutoCloseable {
    private final CharModel model;
    private final Compute c;
    private final SteppedCells cells;
    private final Memory embedded, scores;
    private final float[] hostScores;

    CharStepper(CharModel model) {
        this.model = model;
        this.c = Extension.compute(model.backend);
        this.hostScores = new float[model.vocab];
        List<Tensor[]> layers = new ArrayList<>();
        int perLayer = model.cell.paramNames().length;
        for (int l = 0; l < model.layers; l++) {
            Tensor[] w = new Tensor[perLayer];
            for (int k = 0; k < perLayer; k++) w[k] = model.param(l, k);
            layers.add(w);
        }
        SteppedCells.Kind kind = SteppedCells.Kind.valueOf(model.cell.name());
        this.cells = new SteppedCells(model.backend, kind, model.embed, model.hidden, layers);
        try {
            Memory[] m = c.exclusive(() -> {
                try (Scope s = new Scope(c)) {
                    Memory e = s.alloc(model.embed), v = s.alloc(model.vocab);
                    s.keep(e, v);
                    return new Memory[]{e, v};
                }
            });
            this.embedded = m[0];
            this.scores = m[1];
        } catch (RuntimeException e) {
            cells.close();
            throw e;
        }
    }

    /**
     * Feeds character {@code ch} (an index into the vocabulary) and returns the scores (V) of the next one:
     * embedding row, a step of every recurrent layer, then the affine of {@code Layers.temporalAffineForward} for
     * one row. The returned array is reused by the next call.
     */
    float[] next(int ch) { return run(ch, true); }

    /** Feeds character {@code ch} without computing or reading back scores (the prime, but for its last character). */
    void feed(int ch) { run(ch, false); }

    private float[] run(int ch, boolean scored) {
        if (ch < 0 || ch >= model.vocab)
            throw new IllegalArgumentException("character index must be in [0, " + model.vocab + ") but was " + ch);
        int H = model.hidden, E = model.embed, V = model.vocab;
        return c.exclusive(() -> {
            c.copy(Extension.memoryToRead(model.params.get(0)), (long) ch * E, embedded, 0, E);
            Memory top = cells.step(embedded, 0);
            if (!scored) return null;
            // scores = b, then += h·W: temporalAffineForward's bias broadcast and product, for one row.
            c.copy(Extension.memoryToRead(model.outB()), 0, scores, 0, V);
            c.gemm(false, false, 1, V, H, 1f, top, 0, H, Extension.memoryToRead(model.outW()), 0, V, 1f, scores, 0, V);
            c.download(scores, 0, hostScores, 0, V);
            return hostScores;
        });
    }

    @Override
    public void close() {
        c.exclusive(() -> {
            embedded.close();
            scores.close();
            return null;
        });
        cells.close();
    }
}
