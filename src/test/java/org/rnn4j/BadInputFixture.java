package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.rnn4j.compute.Closeables;
import org.rnn4j.cpu.CpuCompute;
import org.rnn4j.extension.Extension;
import org.rnn4j.extension.Shapes;

/**
 * What the bad-input tests share ({@link BadInputTest}, {@link GruBadInputTest}): a backend on a
 * {@link CountingCompute}, valid inputs whose contents are checked unchanged afterwards, and {@link #rejects}, which
 * asserts the exception type, the message fragments and that the rejected call allocated nothing.
 */
abstract class BadInputFixture {
    static final int N = 2, T = 3, D = 4, H = 5, G = 4 * H;

    CountingCompute counting;
    Backend be;
    SplittableRandom r;
    /** Every valid input, with its contents, to prove afterwards that no rejected call wrote into one. */
    final Map<Tensor, float[]> inputs = new LinkedHashMap<>();
    final List<AutoCloseable> toClose = new ArrayList<>();
    Tensor x1, x, h, c, rwx, rwh, rb, lwx, lwh, lb, dh, dn, dc;

    @BeforeEach
    void setUp() {
        counting = new CountingCompute(new CpuCompute(2));
        be = Extension.backend(counting, "counting");
        r = Numerics.random();
        x1 = in(N, D); x = in(N, T, D); h = in(N, H); c = in(N, H);
        rwx = in(D, H); rwh = in(H, H); rb = in(H);
        lwx = in(D, G); lwh = in(H, G); lb = in(G);
        dh = in(N, T, H); dn = in(N, H); dc = in(N, H);
    }

    @AfterEach
    void tearDown() {
        for (Map.Entry<Tensor, float[]> e : inputs.entrySet())
            if (!e.getKey().isClosed()) assertArrayEquals(e.getValue(), e.getKey().toArray(), "input " + e.getKey()
                    + " was written");
        Closeables.closeAll(toClose.toArray(new AutoCloseable[0]));
        Closeables.closeAll(inputs.keySet().toArray(new AutoCloseable[0]));
        assertEquals(0, counting.live(), "buffers leaked");
        be.close();
    }

    Tensor in(int... shape) {
        float[] v = Numerics.uniform(r, (int) Shapes.size(shape), 1);
        Tensor t = be.tensor(v, shape);
        inputs.put(t, v);
        return t;
    }

    /** A tensor of a wrong shape (its contents do not matter: it must be rejected before being read). */
    Tensor bad(int... shape) {
        Tensor t = be.tensor(new float[(int) Shapes.size(shape)], shape);
        toClose.add(t);
        return t;
    }

    <C extends AutoCloseable> C keep(C c) {
        toClose.add(c);
        return c;
    }

    /** Asserts the exception type, every message fragment, and that the call allocated nothing. */
    <E extends RuntimeException> E rejects(Class<E> type, Executable call, String... fragments) {
        int allocations = counting.allocations(), live = counting.live();
        E e = assertThrows(type, call);
        String m = e.getMessage();
        for (String f : fragments) assertTrue(m != null && m.contains(f), "message lacks '" + f + "': " + m);
        assertEquals(allocations, counting.allocations(), "a rejected call allocated: " + m);
        assertEquals(live, counting.live(), "a rejected call changed the live buffers: " + m);
        return e;
    }

    /** Calls op with each argument replaced by null in turn (except those where null means zeros). */
    void rejectsEachNull(String op, String[] names, Tensor[] args, Function<Tensor[], ?> call) {
        for (int i = 0; i < args.length; i++) {
            Tensor[] a = args.clone();
            a[i] = null;
            rejects(NullPointerException.class, () -> call.apply(a), op + ": " + names[i] + " must not be null");
        }
    }
}
