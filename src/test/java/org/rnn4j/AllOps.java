package org.rnn4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs all eight operations on inputs drawn from one seed and returns every output and gradient by name,
 * copied to the host. For tests that compare whole runs bit for bit (determinism, concurrency).
 */
final class AllOps {
    private AllOps() {}

    static Map<String, float[]> run(Backend be, long seed, int N, int T, int D, int H) {
        SplittableRandom r = new SplittableRandom(seed);
        int G = 4 * H;
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Tensor x = be.tensor(Numerics.uniform(r, N * T * D, 1), N, T, D); Tensor x1 = be.tensor(Numerics.uniform(r, N * D, 1), N, D);
             Tensor h0 = be.tensor(Numerics.uniform(r, N * H, 1), N, H); Tensor c0 = be.tensor(Numerics.uniform(r, N * H, 1), N, H);
             Tensor rwx = be.tensor(Numerics.uniform(r, D * H, 0.3), D, H); Tensor rwh = be.tensor(Numerics.uniform(r, H * H, 0.3), H, H);
             Tensor rb = be.tensor(Numerics.uniform(r, H, 0.3), H);
             Tensor lwx = be.tensor(Numerics.uniform(r, D * G, 0.3), D, G); Tensor lwh = be.tensor(Numerics.uniform(r, H * G, 0.3), H, G);
             Tensor lb = be.tensor(Numerics.uniform(r, G, 0.3), G);
             Tensor dh = be.tensor(Numerics.uniform(r, N * T * H, 1), N, T, H); Tensor dcT = be.tensor(Numerics.uniform(r, N * H, 1), N, H);
             Tensor dn = be.tensor(Numerics.uniform(r, N * H, 1), N, H)) {
            try (RnnStepOutput o = be.rnnStepForward(x1, h0, rwx, rwh, rb); RnnStepGradients g = be.rnnStepBackward(dn, o.cache())) {
                put(out, "rnnStep.", new String[]{"nextH", "dx", "dPrevH", "dWx", "dWh", "db"}, o.nextH(), g.dx(), g.dPrevH(), g.dWx(), g.dWh(), g.db());
            }
            try (RnnOutput o = be.rnnForward(x, h0, rwx, rwh, rb); RnnGradients g = be.rnnBackward(dh, o.cache())) {
                put(out, "rnn.", new String[]{"h", "dx", "dh0", "dWx", "dWh", "db"}, o.h(), g.dx(), g.dh0(), g.dWx(), g.dWh(), g.db());
            }
            try (LstmStepOutput o = be.lstmStepForward(x1, h0, c0, lwx, lwh, lb); LstmStepGradients g = be.lstmStepBackward(dn, dcT, o.cache())) {
                put(out, "lstmStep.", new String[]{"nextH", "nextC", "dx", "dPrevH", "dPrevC", "dWx", "dWh", "db"},
                        o.nextH(), o.nextC(), g.dx(), g.dPrevH(), g.dPrevC(), g.dWx(), g.dWh(), g.db());
            }
            try (LstmOutput o = be.lstmForward(x, h0, c0, lwx, lwh, lb); LstmGradients g = be.lstmBackward(dh, dcT, o.cache())) {
                put(out, "lstm.", new String[]{"h", "cT", "dx", "dh0", "dc0", "dWx", "dWh", "db"},
                        o.h(), o.cT(), g.dx(), g.dh0(), g.dc0(), g.dWx(), g.dWh(), g.db());
            }
        }
        return out;
    }

    private static void put(Map<String, float[]> out, String prefix, String[] names, Tensor... ts) {
        for (int i = 0; i < ts.length; i++) {
            float[] a = ts[i].toArray();
            Numerics.assertAllFinite(prefix + names[i], a);
            out.put(prefix + names[i], a);
        }
    }

    /** Bit-for-bit equality of two runs, NaN payloads and signed zeros included. */
    static void assertBitIdentical(String what, Map<String, float[]> expected, Map<String, float[]> actual) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.keySet(), actual.keySet(), what + ": outputs");
        for (var e : expected.entrySet()) {
            float[] a = e.getValue(), b = actual.get(e.getKey());
            org.junit.jupiter.api.Assertions.assertEquals(a.length, b.length, what + ": " + e.getKey() + " length");
            for (int i = 0; i < a.length; i++)
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i]))
                    org.junit.jupiter.api.Assertions.fail(what + ": " + e.getKey() + "[" + i + "] = " + b[i] + " but alone it was " + a[i]);
        }
    }
}
