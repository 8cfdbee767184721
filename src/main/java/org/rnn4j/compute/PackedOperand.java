package org.rnn4j.compute;

/**
 * The B operand of a GEMM, op(B) (k,n), prepared once by {@link Compute#packB} for many products
 * ({@link Compute#gemm(boolean, int, int, int, float, Memory, long, int, PackedOperand, float, Memory, long, int)})
 * within one operation. Why: a cell multiplies by the same recurrent weight Wh (Whᵀ backward) at each of its T
 * steps, and the CPU GEMM would otherwise lay it out again (pack it) at every step.
 *
 * <p>A backend may copy B (the CPU packs it) or only remember where it is (cuBLAS reads B in place), so B must
 * not change while the operand is open. Operands live within one operation and are closed at its end: nothing
 * is cached across calls, so weights updated in place between calls (an optimizer step) are always read afresh.
 */
public interface PackedOperand extends AutoCloseable {
    /** The Compute that made it; only that one accepts it. */
    Compute owner();

    /** Rows of op(B): the inner dimension of the products it takes part in. */
    int k();

    /** Columns of op(B) (and of C). */
    int n();

    boolean isClosed();

    /** Releases the copy, if any (idempotent); a closed operand is refused by gemm. */
    @Override
    void close();

    /** Throws unless {@code b} belongs to {@code owner}, is open and is (k, n). */
    static void check(Compute owner, PackedOperand b, int k, int n) {
        if (b == null) throw new IllegalArgumentException("gemm: packed B is null");
        if (b.owner() != owner)
            throw new IllegalArgumentException("gemm: packed B belongs to another backend: " + b.owner().name());
        if (b.isClosed()) throw new IllegalStateException("gemm: packed B was used after close()");
        if (b.k() != k || b.n() != n)
            throw new IllegalArgumentException("gemm: packed B must be (k, n) = (" + k + ", " + n + ") but is ("
                    + b.k() + ", " + b.n() + ")");
    }

    /**
     * An operand that only records where B is, for backends whose GEMM reads B in place: nothing is copied. A
     * backend may subclass it to act when the operand closes ({@link #onClose()}, called once).
     */
    class InPlace implements PackedOperand {
        public final boolean transB;
        public final Memory b;
        public final long offB;
        public final int ldb;
        private final Compute owner;
        private final int k, n;
        private volatile boolean closed;

        public InPlace(Compute owner, boolean transB, int k, int n, Memory b, long offB, int ldb) {
            this.owner = owner;
            this.transB = transB;
            this.k = k;
            this.n = n;
            this.b = b;
            this.offB = offB;
            this.ldb = ldb;
        }

        @Override public Compute owner() { return owner; }
        @Override public int k() { return k; }
        @Override public int n() { return n; }
        @Override public boolean isClosed() { return closed; }

        @Override
        public final void close() {
            if (closed) return;
            closed = true;
            onClose();
        }

        /** Called once, by the first {@link #close()}. */
        protected void onClose() {}
    }
}
