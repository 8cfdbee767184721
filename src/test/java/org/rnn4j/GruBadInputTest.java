package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input to the GRU operations, on {@link BadInputFixture}: a one-line message naming the operation, the
 * argument (bx and bh apart), the expected shape with its letters and the actual one; nothing allocated.
 */
class GruBadInputTest extends BadInputFixture {
    static final int G3 = 3 * H;
    Tensor gwx, gwh, gbx, gbh;

    @BeforeEach
    void gruInputs() {
        gwx = in(D, G3); gwh = in(H, G3); gbx = in(G3); gbh = in(G3);
    }

    @Test
    void wrongShapesNameTheArgumentAndBothShapes() {
        Tensor x3 = bad(N, T, D), x2 = bad(N, D), hN = bad(3, H), bh5 = bad(H), bx2 = bad(1, G3);
        rejects(IllegalArgumentException.class, () -> be.gruStepForward(x3, h, gwx, gwh, gbx, gbh), "gruStepForward: x",
                "(N, D)", "(2, 3, 4)");
        rejects(IllegalArgumentException.class, () -> be.gruForward(x2, h, gwx, gwh, gbx, gbh), "gruForward: x",
                "(N, T, D)", "(2, 4)");
        rejects(IllegalArgumentException.class, () -> be.gruForward(x, hN, gwx, gwh, gbx, gbh),
                "gruForward: h0 must have shape (N=2, H=5) but has shape (3, 5)");
        // LSTM-sized weights (4H) passed to the GRU (3H): the message says 3H.
        rejects(IllegalArgumentException.class, () -> be.gruStepForward(x1, h, lwx, gwh, gbx, gbh),
                "gruStepForward: Wx must have shape (D=4, 3H=15) but has shape (4, 20)", "H from prevH (2, 5)");
        rejects(IllegalArgumentException.class, () -> be.gruForward(x, h, gwx, lwh, gbx, gbh),
                "gruForward: Wh must have shape (H=5, 3H=15) but has shape (5, 20)");
        rejects(IllegalArgumentException.class, () -> be.gruForward(x, h, gwx, gwh, bx2, gbh),
                "gruForward: bx must have shape (3H=15) but has shape (1, 15)");
        rejects(IllegalArgumentException.class, () -> be.gruInference(x, h, gwx, gwh, gbx, bh5),
                "gruInference: bh must have shape (3H=15) but has shape (5)");

        Gru.StepOutput s = keep(be.gruStepForward(x1, h, gwx, gwh, gbx, gbh));
        Gru.Output q = keep(be.gruForward(x, h, gwx, gwh, gbx, gbh));
        rejects(IllegalArgumentException.class, () -> be.gruBackward(dn, q.cache()),
                "gruBackward: dh must have shape (N=2, T=3, H=5) but has shape (2, 5)", "forward pass with N=2, T=3");
        rejects(IllegalArgumentException.class, () -> be.gruStepBackward(hN, s.cache()),
                "gruStepBackward: dNextH must have shape (N=2, H=5) but has shape (3, 5)");
    }

    @Test
    void nullArgumentsAreNamed() {
        rejectsEachNull("gruStepForward", new String[]{"x", "prevH", "Wx", "Wh", "bx", "bh"},
                new Tensor[]{x1, h, gwx, gwh, gbx, gbh}, a -> be.gruStepForward(a[0], a[1], a[2], a[3], a[4], a[5]));
        rejectsEachNull("gruForward", new String[]{"x", "h0", "Wx", "Wh", "bx", "bh"},
                new Tensor[]{x, h, gwx, gwh, gbx, gbh}, a -> be.gruForward(a[0], a[1], a[2], a[3], a[4], a[5]));
        rejectsEachNull("gruInference", new String[]{"x", "h0", "Wx", "Wh", "bx", "bh"},
                new Tensor[]{x, h, gwx, gwh, gbx, gbh}, a -> be.gruInference(a[0], a[1], a[2], a[3], a[4], a[5]));
        Gru.StepOutput s = keep(be.gruStepForward(x1, h, gwx, gwh, gbx, gbh));
        Gru.Output q = keep(be.gruForward(x, h, gwx, gwh, gbx, gbh));
        rejects(NullPointerException.class, () -> be.gruStepBackward(null, s.cache()),
                "gruStepBackward: dNextH must not be null");
        rejects(NullPointerException.class, () -> be.gruBackward(null, q.cache()), "gruBackward: dh must not be null");
        rejects(NullPointerException.class, () -> be.gruStepBackward(dn, null),
                "gruStepBackward: cache must not be null");
        rejects(NullPointerException.class, () -> be.gruBackward(dh, null), "gruBackward: cache must not be null");
    }

    @Test
    void cachesOfOtherKindsOrClosedAreRefused() {
        Gru.StepOutput s = keep(be.gruStepForward(x1, h, gwx, gwh, gbx, gbh));
        Gru.Output q = keep(be.gruForward(x, h, gwx, gwh, gbx, gbh));
        Lstm.Output lq = keep(be.lstmForward(x, h, c, lwx, lwh, lb));
        Rnn.Output rq = keep(be.rnnForward(x, h, rwx, rwh, rb));
        rejects(IllegalArgumentException.class, () -> be.gruBackward(dh, s.cache()), "gruBackward: cache",
                "step forward",
                "pass it to gruStepBackward");
        rejects(IllegalArgumentException.class, () -> be.gruStepBackward(dn, q.cache()), "gruStepBackward: cache",
                "sequence forward");
        rejects(IllegalArgumentException.class, () -> be.gruBackward(dh, lq.cache()),
                "gruBackward: cache comes from lstmForward (a sequence forward), not gruForward",
                "pass it to lstmBackward");
        rejects(IllegalArgumentException.class, () -> be.rnnBackward(dh, q.cache()),
                "rnnBackward: cache comes from gruForward");
        rejects(IllegalArgumentException.class, () -> be.lstmBackward(dh, rq.cache()),
                "lstmBackward: cache comes from rnnForward");

        s.cache().close();
        rejects(IllegalStateException.class, () -> be.gruStepBackward(dn, s.cache()),
                "gruStepBackward: cache was used after close()");
        Tensor wh2 = in(H, G3);
        Gru.Output o = keep(be.gruForward(x, h, gwx, wh2, gbx, gbh));
        wh2.close();
        rejects(IllegalStateException.class, () -> be.gruBackward(dh, o.cache()),
                "gruBackward: Wh (5, 15), which the cache refers to, was closed before backward");

        try (Backend other = Backend.cpu(); Tensor obh = other.tensor(gbh.toArray(), G3)) {
            rejects(IllegalArgumentException.class, () -> be.gruForward(x, h, gwx, gwh, gbx, obh),
                    "gruForward: bh belongs to another backend");
        }
    }

    @Test
    void theCounterSeesValidGruCallsAndTheirRelease() {
        int before = counting.allocations(), live = counting.live();
        try (Gru.Output o = be.gruForward(x, h, gwx, gwh, gbx, gbh); Gru.Gradients g = be.gruBackward(dh, o.cache())) {
            assertEquals(before + 16, counting.allocations(),
                    "forward: 6 buffers (1 scratch); backward: 10 (4 scratch)");
            Numerics.assertAllFinite("dbh", g.dbh().toArray());
        }
        assertEquals(live, counting.live(),
                "closing the results releases every buffer the calls kept (and scratch was freed)");
    }
}
