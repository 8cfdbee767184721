package org.rnn4j;

import static org.rnn4j.extension.Shapes.check;
import static org.rnn4j.extension.Shapes.dim;

import java.util.function.Supplier;
import org.rnn4j.cell.SavedState;
import org.rnn4j.extension.Shapes;

/**
 * The argument checks of {@link Backend}'s operations, run before anything is allocated: null, rank, shape (with
 * the dimension letters and where each expected size was read from), backend, closed, and a cache's kind.
 */
final class Arguments {
    /** Sizes of one call, read from x and the initial state; T = 1 for a step. */
    record Dims(int n, int t, int d, int h) {}

    private static final String[] ND = {"N", "D"}, NTD = {"N", "T", "D"}, NH = {"N", "H"}, NTH = {"N", "T", "H"};

    private Arguments() {}

    /** What the checks know of a cell: gates per hidden unit, whether it has a cell state c, its bias names. */
    enum Cell {
        RNN(1, false, "b"), LSTM(4, true, "b"), GRU(3, false, "bx", "bh");

        final int gates;
        final boolean hasC;
        final String[] biases;

        Cell(int gates, boolean hasC, String... biases) {
            this.gates = gates;
            this.hasC = hasC;
            this.biases = biases;
        }
    }

    /**
     * Checks a forward call's inputs. x is (N,D) for a step and (N,T,D) for a sequence; the state h (and c, for
     * the LSTM: may be null for a sequence, meaning zeros) is (N,H); Wx (D,G), Wh (H,G) and each bias (G) with
     * G = gates·H, the biases in the order of {@code cell.biases}.
     */
    static Dims forward(String op, Backend backend, Cell cell, boolean step, Tensor x, Tensor h, Tensor c,
                        Tensor wx, Tensor wh, Tensor... biases) {
        String[] xNames = step ? ND : NTD;
        String hName = step ? "prevH" : "h0", cName = step ? "prevC" : "c0";
        int n = dim(op, "x", x, xNames, 0), t = step ? 1 : x.dim(1), d = x.dim(xNames.length - 1);
        int hidden = dim(op, hName, h, NH, 1), g = cell.gates * hidden;
        String gName = cell.gates == 1 ? "H" : cell.gates + "H";
        Supplier<String> origin = () -> String.join(", ", xNames) + " are read from x " + Shapes.format(x.shape())
                + ", H from " + hName + " " + Shapes.format(h.shape());
        check(op, "x", x, backend, xNames, step ? new int[]{n, d} : new int[]{n, t, d});
        check(op, hName, h, backend, NH, origin, n, hidden);
        if (cell.hasC && (step || c != null)) check(op, cName, c, backend, NH, origin, n, hidden);
        check(op, "Wx", wx, backend, new String[]{"D", gName}, origin, d, g);
        check(op, "Wh", wh, backend, new String[]{"H", gName}, origin, hidden, g);
        for (int i = 0; i < cell.biases.length; i++)
            check(op, cell.biases[i], biases[i], backend, new String[]{gName}, origin, g);
        return new Dims(n, t, d, hidden);
    }

    /**
     * Checks a backward call's cache (made by {@code producer} on this backend, open, its weights open) and
     * returns its saved state as the cell's own type.
     */
    static <S extends SavedState> S cache(String op, Backend backend, Cache cache, String producer, Class<S> kind) {
        if (cache == null) throw new NullPointerException(op + ": cache must not be null");
        if (cache.backend != backend)
            throw new IllegalArgumentException(op + ": cache belongs to another backend (" + cache.backend
                    + ") than the one running this operation (" + backend
                    + "); run backward on the backend that ran forward");
        if (cache.isClosed()) throw new IllegalStateException(op + ": cache was used after close()");
        if (!cache.producer.equals(producer) || !kind.isInstance(cache.saved))
            throw new IllegalArgumentException(op + ": cache comes from " + describe(cache.producer) + ", not "
                    + describe(producer) + "; pass it to " + cache.producer.replace("Forward", "Backward"));
        Tensor wx = cache.wx, wh = cache.wh;
        if (wx.isClosed() || wh.isClosed()) {
            String which = wx.isClosed() ? "Wx " + Shapes.format(wx.shape()) : "Wh " + Shapes.format(wh.shape());
            throw new IllegalStateException(op + ": " + which
                    + ", which the cache refers to, was closed before backward;"
                    + " keep Wx and Wh open until backward is done");
        }
        return kind.cast(cache.saved);
    }

    /** "rnnStepForward (a step forward)", "lstmForward (a sequence forward)". */
    private static String describe(String producer) {
        return producer + (producer.contains("Step") ? " (a step forward)" : " (a sequence forward)");
    }

    /**
     * Checks an upstream gradient against the sizes of the forward pass that made the cache: (N,T,H) for the
     * gradient of a sequence's h ({@code timeAxis}), else (N,H). {@code step}: the cache comes from a step.
     */
    static void upstream(String op, String arg, Tensor t, Backend backend, SavedState s, boolean step,
            boolean timeAxis) {
        Supplier<String> origin = () -> "the cache comes from a forward pass with N=" + s.n()
                + (step ? "" : ", T=" + s.t()) + ", D=" + s.d() + ", H=" + s.h();
        if (timeAxis) check(op, arg, t, backend, NTH, origin, s.n(), s.t(), s.h());
        else check(op, arg, t, backend, NH, origin, s.n(), s.h());
    }
}
