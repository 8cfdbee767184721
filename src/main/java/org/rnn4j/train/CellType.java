package org.rnn4j.train;

import java.util.Locale;

/**
 * The recurrent cell of a {@link CharModel}'s layers: its parameters per layer (in checkpoint order, named
 * {@code <cell><layer>.<name>}) and whether it carries a cell state c besides h.
 */
public enum CellType {
    /** Wx (D,4H), Wh (H,4H), b (4H), gates i, f, o, g; carries h and c. */
    LSTM(4, true, "b"),
    /** Wx (D,3H), Wh (H,3H), bx, bh (3H), gates r, z, n (PyTorch's); carries h. */
    GRU(3, false, "bx", "bh"),
    /** Wx (D,H), Wh (H,H), b (H), tanh; carries h. */
    RNN(1, false, "b");

    /** Gate blocks of H along the parameters' last axis. */
    public final int gates;
    /** Whether the cell carries a cell state c (saved as state.cL.npy) besides h. */
    public final boolean hasC;
    private final String[] biases;

    CellType(int gates, boolean hasC, String... biases) {
        this.gates = gates;
        this.hasC = hasC;
        this.biases = biases;
    }

    /** "lstm", "gru", "rnn": the --cell value, the manifest's cell entry and the parameter-name prefix. */
    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** Parameter names of one layer without the prefix: Wx, Wh, then the biases. */
    String[] paramNames() {
        String[] n = new String[2 + biases.length];
        n[0] = "Wx";
        n[1] = "Wh";
        System.arraycopy(biases, 0, n, 2, biases.length);
        return n;
    }

    /** States carried per layer: h, and c for the LSTM. */
    int states() { return hasC ? 2 : 1; }

    /** The cell named {@code id} ("lstm", "gru", "rnn"); the message names {@code what} and the choices. */
    public static CellType of(String id, String what) {
        for (CellType c : values()) if (c.id().equals(id)) return c;
        throw new IllegalArgumentException(what + " must be lstm, gru or rnn but was '" + id + "'");
    }
}
