package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rnn4j.extension.Shapes;

/**
 * Bad input: the right exception type, a message naming the argument with the expected and the actual shape,
 * and nothing half-done: the backend runs on a {@link CountingCompute}, and a rejected call must not have
 * allocated a single buffer (so no output exists and nothing leaked), nor changed any input.
 */
class BadInputTest extends BadInputFixture {
    @Test
    void wrongRankNamesTheArgumentAndBothShapes() {
        Tensor x3 = bad(N, T, D), x2 = bad(N, D), h1 = bad(H), h3 = bad(N, T, H), w3 = bad(D, H, 1), b2 = bad(1, H);
        rejects(IllegalArgumentException.class, () -> be.rnnStepForward(x3, h, rwx, rwh, rb), "rnnStepForward: x",
                "(N, D)", "(2, 3, 4)");
        rejects(IllegalArgumentException.class, () -> be.rnnForward(x2, h, rwx, rwh, rb), "rnnForward: x", "(N, T, D)",
                "(2, 4)");
        rejects(IllegalArgumentException.class, () -> be.lstmStepForward(x1, h1, c, lwx, lwh, lb),
                "lstmStepForward: prevH", "(N, H)", "(5)");
        rejects(IllegalArgumentException.class, () -> be.lstmForward(x, h3, c, lwx, lwh, lb), "lstmForward: h0",
                "(N, H)", "(2, 3, 5)");
        rejects(IllegalArgumentException.class, () -> be.rnnForward(x, h, w3, rwh, rb), "rnnForward: Wx", "(D=4, H=5)",
                "(4, 5, 1)");
        rejects(IllegalArgumentException.class, () -> be.rnnStepForward(x1, h, rwx, rwh, b2), "rnnStepForward: b",
                "(H=5)", "(1, 5)");
        try (Rnn.Output o = be.rnnForward(x, h, rwx, rwh, rb);
             Rnn.StepOutput s = be.rnnStepForward(x1, h, rwx, rwh, rb)) {
            rejects(IllegalArgumentException.class, () -> be.rnnBackward(dn, o.cache()), "rnnBackward: dh",
                    "(N=2, T=3, H=5)", "(2, 5)");
            rejects(IllegalArgumentException.class, () -> be.rnnStepBackward(dh, s.cache()), "rnnStepBackward: dNextH",
                    "(N=2, H=5)", "(2, 3, 5)");
        }
    }

    @Test
    void mismatchedDimensionNamesTheArgumentAndBothShapes() {
        Tensor xD3 = bad(N, 3), xN3 = bad(3, T, D), hN = bad(3, H), h6 = bad(N, 6), h4 = bad(N, 4);
        Tensor lwx16 = bad(D, 16), rwx5 = bad(5, H), lwh5 = bad(H, H), rwh4 = bad(H, 4), lb5 = bad(H), rb4 = bad(4);
        Tensor dhT4 = bad(N, 4, H), dhN1 = bad(1, T, H);
        // x is where N, T and D are read from, so a wrong x is reported on the argument it disagrees with;
        // the message then shows x's shape too.
        rejects(IllegalArgumentException.class, () -> be.rnnStepForward(xD3, h, rwx, rwh, rb),
                "rnnStepForward: Wx must have shape (D=3, H=5) but has shape (4, 5)", "from x (2, 3)");
        rejects(IllegalArgumentException.class, () -> be.lstmForward(xN3, h, c, lwx, lwh, lb),
                "lstmForward: h0 must have shape (N=3, H=5) but has shape (2, 5)", "from x (3, 3, 4)");
        rejects(IllegalArgumentException.class, () -> be.rnnForward(x, hN, rwx, rwh, rb),
                "rnnForward: h0 must have shape (N=2, H=5) but has shape (3, 5)");
        rejects(IllegalArgumentException.class, () -> be.rnnStepForward(x1, hN, rwx, rwh, rb),
                "rnnStepForward: prevH must have shape (N=2, H=5) but has shape (3, 5)");
        rejects(IllegalArgumentException.class, () -> be.rnnStepForward(x1, h6, rwx, rwh, rb),
                "rnnStepForward: Wx must have shape (D=4, H=6) but has shape (4, 5)", "H from prevH (2, 6)");
        rejects(IllegalArgumentException.class, () -> be.lstmForward(x, h, h6, lwx, lwh, lb),
                "lstmForward: c0 must have shape (N=2, H=5) but has shape (2, 6)");
        rejects(IllegalArgumentException.class, () -> be.lstmStepForward(x1, h, hN, lwx, lwh, lb),
                "lstmStepForward: prevC must have shape (N=2, H=5) but has shape (3, 5)");
        rejects(IllegalArgumentException.class, () -> be.lstmStepForward(x1, h, c, lwx16, lwh, lb),
                "lstmStepForward: Wx must have shape (D=4, 4H=20) but has shape (4, 16)");
        rejects(IllegalArgumentException.class, () -> be.rnnForward(x, h, rwx5, rwh, rb),
                "rnnForward: Wx must have shape (D=4, H=5) but has shape (5, 5)");
        rejects(IllegalArgumentException.class, () -> be.lstmForward(x, h, c, lwx, lwh5, lb),
                "lstmForward: Wh must have shape (H=5, 4H=20) but has shape (5, 5)");
        rejects(IllegalArgumentException.class, () -> be.rnnStepForward(x1, h, rwx, rwh4, rb),
                "rnnStepForward: Wh must have shape (H=5, H=5) but has shape (5, 4)");
        rejects(IllegalArgumentException.class, () -> be.lstmStepForward(x1, h, c, lwx, lwh, lb5),
                "lstmStepForward: b must have shape (4H=20) but has shape (5)");
        rejects(IllegalArgumentException.class, () -> be.rnnForward(x, h, rwx, rwh, rb4),
                "rnnForward: b must have shape (H=5) but has shape (4)");

        Rnn.StepOutput rs = keep(be.rnnStepForward(x1, h, rwx, rwh, rb));
        Rnn.Output rq = keep(be.rnnForward(x, h, rwx, rwh, rb));
        Lstm.StepOutput ls = keep(be.lstmStepForward(x1, h, c, lwx, lwh, lb));
        Lstm.Output lq = keep(be.lstmForward(x, h, c, lwx, lwh, lb));
        rejects(IllegalArgumentException.class, () -> be.rnnBackward(dhT4, rq.cache()),
                "rnnBackward: dh must have shape (N=2, T=3, H=5) but has shape (2, 4, 5)",
                "forward pass with N=2, T=3");
        rejects(IllegalArgumentException.class, () -> be.lstmBackward(dhN1, dc, lq.cache()),
                "lstmBackward: dh must have shape (N=2, T=3, H=5) but has shape (1, 3, 5)");
        rejects(IllegalArgumentException.class, () -> be.lstmBackward(dh, h4, lq.cache()),
                "lstmBackward: dcT must have shape (N=2, H=5) but has shape (2, 4)");
        rejects(IllegalArgumentException.class, () -> be.rnnStepBackward(h4, rs.cache()),
                "rnnStepBackward: dNextH must have shape (N=2, H=5) but has shape (2, 4)");
        rejects(IllegalArgumentException.class, () -> be.lstmStepBackward(hN, dc, ls.cache()),
                "lstmStepBackward: dNextH must have shape (N=2, H=5) but has shape (3, 5)");
        rejects(IllegalArgumentException.class, () -> be.lstmStepBackward(dn, h6, ls.cache()),
                "lstmStepBackward: dNextC must have shape (N=2, H=5) but has shape (2, 6)");
    }

    @Test
    void nullArgumentsAreNamed() {
        rejectsEachNull("rnnStepForward", new String[]{"x", "prevH", "Wx", "Wh", "b"},
                new Tensor[]{x1, h, rwx, rwh, rb},
                a -> be.rnnStepForward(a[0], a[1], a[2], a[3], a[4]));
        rejectsEachNull("rnnForward", new String[]{"x", "h0", "Wx", "Wh", "b"}, new Tensor[]{x, h, rwx, rwh, rb},
                a -> be.rnnForward(a[0], a[1], a[2], a[3], a[4]));
        rejectsEachNull("lstmStepForward", new String[]{"x", "prevH", "prevC", "Wx", "Wh", "b"},
                new Tensor[]{x1, h, c, lwx, lwh, lb},
                a -> be.lstmStepForward(a[0], a[1], a[2], a[3], a[4], a[5]));
        rejectsEachNull("lstmForward", new String[]{"x", "h0", "Wx", "Wh", "b"}, new Tensor[]{x, h, lwx, lwh, lb},
                a -> be.lstmForward(a[0], a[1], c, a[2], a[3], a[4]));
        Rnn.StepOutput rs = keep(be.rnnStepForward(x1, h, rwx, rwh, rb));
        Lstm.StepOutput ls = keep(be.lstmStepForward(x1, h, c, lwx, lwh, lb));
        Lstm.Output lq = keep(be.lstmForward(x, h, c, lwx, lwh, lb));
        Rnn.Output rq = keep(be.rnnForward(x, h, rwx, rwh, rb));
        rejects(NullPointerException.class, () -> be.rnnStepBackward(null, rs.cache()),
                "rnnStepBackward: dNextH must not be null");
        rejects(NullPointerException.class, () -> be.rnnBackward(null, rq.cache()), "rnnBackward: dh must not be null");
        rejects(NullPointerException.class, () -> be.lstmStepBackward(null, dc, ls.cache()),
                "lstmStepBackward: dNextH must not be null");
        rejects(NullPointerException.class, () -> be.lstmStepBackward(dn, null, ls.cache()),
                "lstmStepBackward: dNextC must not be null");
        rejects(NullPointerException.class, () -> be.lstmBackward(null, dc, lq.cache()),
                "lstmBackward: dh must not be null");
        rejects(NullPointerException.class, () -> be.rnnStepBackward(dn, null),
                "rnnStepBackward: cache must not be null");
        rejects(NullPointerException.class, () -> be.rnnBackward(dh, null), "rnnBackward: cache must not be null");
        rejects(NullPointerException.class, () -> be.lstmStepBackward(dn, dc, null),
                "lstmStepBackward: cache must not be null");
        rejects(NullPointerException.class, () -> be.lstmBackward(dh, dc, null),
                "lstmBackward: cache must not be null");
        // c0 and dcT are optional: null means zeros, which is not an error.
        assertDoesNotThrow(() -> {
            try (Lstm.Output o = be.lstmForward(x, h, null, lwx, lwh, lb);
                 Lstm.Gradients g = be.lstmBackward(dh, null, o.cache())) {
                Numerics.assertAllFinite("dc0", g.dc0().toArray());
            }
        });
    }

    @Test
    void closedOrForeignCachesAreRefused() {
        Rnn.StepOutput rs = keep(be.rnnStepForward(x1, h, rwx, rwh, rb));
        Rnn.Output rq = keep(be.rnnForward(x, h, rwx, rwh, rb));
        Lstm.StepOutput ls = keep(be.lstmStepForward(x1, h, c, lwx, lwh, lb));
        Lstm.Output lq = keep(be.lstmForward(x, h, c, lwx, lwh, lb));
        // A step cache is not a sequence cache, and the other way round.
        rejects(IllegalArgumentException.class, () -> be.rnnBackward(dh, rs.cache()), "rnnBackward: cache",
                "step forward", "pass it to rnnStepBackward");
        rejects(IllegalArgumentException.class, () -> be.lstmBackward(dh, dc, ls.cache()), "lstmBackward: cache",
                "step forward");
        rejects(IllegalArgumentException.class, () -> be.rnnStepBackward(dn, rq.cache()), "rnnStepBackward: cache",
                "sequence forward");
        rejects(IllegalArgumentException.class, () -> be.lstmStepBackward(dn, dc, lq.cache()),
                "lstmStepBackward: cache", "sequence forward");

        try (Backend other = Backend.cpu(); Tensor ox = other.tensor(x.toArray(), N, T, D);
             Tensor oh = other.tensor(h.toArray(), N, H);
             Tensor owx = other.tensor(rwx.toArray(), D, H); Tensor owh = other.tensor(rwh.toArray(), H, H);
             Tensor ob = other.tensor(rb.toArray(), H);
             Rnn.Output foreign = other.rnnForward(ox, oh, owx, owh, ob)) {
            rejects(IllegalArgumentException.class, () -> be.rnnBackward(dh, foreign.cache()),
                    "rnnBackward: cache belongs to another backend");
            rejects(IllegalArgumentException.class, () -> be.rnnForward(x, h, owx, rwh, rb),
                    "rnnForward: Wx belongs to another backend");
            rejects(IllegalArgumentException.class, () -> be.lstmForward(ox, h, c, lwx, lwh, lb),
                    "lstmForward: x belongs to another backend");
            rejects(IllegalArgumentException.class, () -> other.rnnBackward(dh, foreign.cache()),
                    "rnnBackward: dh belongs to another backend");
        }

        rs.cache().close();
        rq.cache().close();
        ls.cache().close();
        lq.cache().close();
        rejects(IllegalStateException.class, () -> be.rnnStepBackward(dn, rs.cache()),
                "rnnStepBackward: cache was used after close()");
        rejects(IllegalStateException.class, () -> be.rnnBackward(dh, rq.cache()),
                "rnnBackward: cache was used after close()");
        rejects(IllegalStateException.class, () -> be.lstmStepBackward(dn, dc, ls.cache()),
                "lstmStepBackward: cache was used after close()");
        rejects(IllegalStateException.class, () -> be.lstmBackward(dh, dc, lq.cache()),
                "lstmBackward: cache was used after close()");
    }

    @Test
    void closedTensorsAreRefused() {
        Tensor closedWx = bad(D, H), closedX = bad(N, T, D), closedDh = bad(N, T, H);
        closedWx.close();
        closedX.close();
        closedDh.close();
        rejects(IllegalStateException.class, () -> be.rnnForward(x, h, closedWx, rwh, rb),
                "rnnForward: Wx (4, 5) was used after close()");
        rejects(IllegalStateException.class, () -> be.lstmForward(closedX, h, c, lwx, lwh, lb),
                "lstmForward: x (2, 3, 4) was used after close()");
        Rnn.Output rq = keep(be.rnnForward(x, h, rwx, rwh, rb));
        rejects(IllegalStateException.class, () -> be.rnnBackward(closedDh, rq.cache()),
                "rnnBackward: dh (2, 3, 5) was used after close()");

        // Wx / Wh are kept by reference in the cache: closing one before backward must be caught, not read.
        Tensor wx2 = in(D, H), lwh2 = in(H, G);
        Rnn.Output o = keep(be.rnnForward(x, h, wx2, rwh, rb));
        Lstm.StepOutput s = keep(be.lstmStepForward(x1, h, c, lwx, lwh2, lb));
        wx2.close();
        lwh2.close();
        rejects(IllegalStateException.class, () -> be.rnnBackward(dh, o.cache()),
                "rnnBackward: Wx (4, 5), which the cache refers to, was closed before backward");
        rejects(IllegalStateException.class, () -> be.lstmStepBackward(dn, dc, s.cache()),
                "lstmStepBackward: Wh (5, 20), which the cache refers to, was closed");
    }

    @Test
    void badTensorFactoryArguments() {
        rejects(IllegalArgumentException.class, () -> be.tensor(new float[5], 2, 3), "5 elements", "(2, 3)", "needs 6");
        rejects(NullPointerException.class, () -> be.tensor(null, 2), "data must not be null");
        rejects(IllegalArgumentException.class, () -> be.zeros(2, 0), "positive", "(2, 0)");
        rejects(IllegalArgumentException.class, () -> be.zeros(), "rank 1 to 4");
    }

    @Test
    void theCounterSeesValidCallsAndTheirRelease() {
        // Positive control: without it, "allocated nothing" above could come from a counter that never counts.
        int before = counting.allocations(), live = counting.live();
        try (Lstm.Output o = be.lstmForward(x, h, c, lwx, lwh, lb);
             Lstm.Gradients g = be.lstmBackward(dh, dc, o.cache())) {
            assertTrue(counting.allocations() > before, "forward and backward allocate");
            assertTrue(counting.live() > live);
            Numerics.assertAllFinite("dx", g.dx().toArray());
        }
        assertEquals(live, counting.live(),
                "closing the results releases every buffer the calls kept (and scratch was freed)");
    }
}
