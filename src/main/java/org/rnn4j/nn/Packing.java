package org.rnn4j.nn;

import java.util.Arrays;

/**
 * The host-side plan of a variable-length batch: the examples sorted by length, longest first (stable, so equal
 * lengths keep their order), the rows each step runs, and the row indices the layer gathers with. Indices are
 * float32 integers (gatherRows), exact below 2^24, so N, and for the two directions' joins 2·N·T, stay below that.
 */
final class Packing {
    final int n, t;
    /** lengths[m] of original example m; sorted[p] of sorted position p. */
    final int[] lengths, sorted;
    /** perm[p] = original example at sorted position p; inv[m] = sorted position of example m. */
    final int[] perm, inv;
    /** Rows running at each step (non-increasing), or null when every example runs all T steps. */
    final int[] batch;
    /** True when sorting moves nothing (no gathers needed to sort or unsort). */
    final boolean identity;

    Packing(String op, int[] lengths, int n, int t, boolean bidirectional) {
        this.n = n;
        this.t = t;
        if (bidirectional && 2L * n * t >= 1 << 24)
            throw new IllegalArgumentException(op + ": a bidirectional layer needs N·T below 2^23 (its row indices are"
                    + " float32) but N = " + n + ", T = " + t);
        if (n >= 1 << 24) throw new IllegalArgumentException(op + ": N must be below 2^24 but was " + n);
        if (lengths == null) {
            lengths = new int[n];
            Arrays.fill(lengths, t);
        } else {
            if (lengths.length != n)
                throw new IllegalArgumentException(op + ": lengths must have N = " + n + " entries but has "
                        + lengths.length);
            for (int m = 0; m < n; m++)
                if (lengths[m] < 1 || lengths[m] > t)
                    throw new IllegalArgumentException(op + ": lengths[" + m + "] must be in [1, T = " + t
                            + "] but was "
                            + lengths[m]);
            lengths = lengths.clone();
        }
        this.lengths = lengths;
        final int[] len = lengths;
        Integer[] order = new Integer[n];
        for (int m = 0; m < n; m++) order[m] = m;
        Arrays.sort(order, (a, b) -> Integer.compare(len[b], len[a]));   // stable: ties keep their order
        perm = new int[n];
        inv = new int[n];
        sorted = new int[n];
        boolean same = true;
        for (int p = 0; p < n; p++) {
            perm[p] = order[p];
            inv[order[p]] = p;
            sorted[p] = len[order[p]];
            same &= order[p] == p;
        }
        identity = same;
        boolean full = sorted.length == 0 || sorted[n - 1] == t;
        if (full) {
            batch = null;
        } else {
            batch = new int[t];
            for (int s = 0, p = n; s < t; s++) {
                while (p > 0 && sorted[p - 1] <= s) p--;
                batch[s] = p;
            }
        }
    }

    static float[] floats(int[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = a[i];
        return f;
    }

    /**
     * Row p·T + s of the time-reversed batch reads row p·T + (len_p − 1 − s): each example reversed within its own
     * length; padded steps map to themselves. Its own inverse.
     */
    int[] reverse() {
        int[] r = new int[n * t];
        for (int p = 0; p < n; p++)
            for (int s = 0; s < t; s++)
                r[p * t + s] = p * t + (s < sorted[p] ? sorted[p] - 1 - s : s);
        return r;
    }

    /**
     * Joins the forward output F and the time-reversed backward output B, stacked as one (2R,H) table (R = N·T),
     * into (R,2H) viewed as (2R,H): row 2r = F[r], row 2r+1 = B[rev[r]].
     */
    int[] join(int[] rev) {
        int rows = n * t;
        int[] j = new int[2 * rows];
        for (int r = 0; r < rows; r++) {
            j[2 * r] = r;
            j[2 * r + 1] = rows + rev[r];
        }
        return j;
    }

    /** The inverse of {@link #join}: dF = rows 0..R-1, dB = rows R..2R-1 of the (2R,H) result. */
    int[] split(int[] rev) {
        int rows = n * t;
        int[] j = new int[2 * rows];
        for (int r = 0; r < rows; r++) {
            j[r] = 2 * r;
            j[rows + r] = 2 * rev[r] + 1;
        }
        return j;
    }
}
