package org.rnn4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backend;

/** The golden cases on the CPU backend, and a check that the committed cases still cover what they must. */
class GoldenCasesTest extends GoldenCasesContract {
    @Override
    protected Backend openBackend() { return Backend.cpu(); }

    @Test
    void casesCoverEveryOperationAndTheHardShapes() {
        List<GoldenCase> all = GoldenCases.all();
        Set<String> kinds = all.stream().map(GoldenCase::kind).collect(Collectors.toSet());
        assertEquals(Set.of("rnn_step", "rnn", "lstm_step", "lstm", "gru_step", "gru"), kinds,
                "every operation has cases");
        for (String kind : kinds) {
            List<GoldenCase> k = all.stream().filter(c -> c.kind().equals(kind)).toList();
            assertTrue(k.stream().anyMatch(c -> c.N() == 1 && c.T() == 1 && c.D() == 1 && c.H() == 1), kind
                    + ": N=T=D=H=1");
            assertTrue(k.stream().anyMatch(c -> c.D() == 33 && c.H() == 17), kind + ": odd sizes D=33, H=17");
            assertTrue(k.stream().anyMatch(c -> c.name().contains("saturated")), kind + ": saturated gates");
            if (!kind.endsWith("_step")) assertTrue(k.stream().anyMatch(c -> c.T() >= 64), kind + ": T >= 64");
        }
        List<GoldenCase> lstm = all.stream().filter(c -> c.kind().equals("lstm")).toList();
        assertTrue(lstm.stream().anyMatch(c -> c.has("c0") && c.has("dcT")), "lstm: non-zero c0 and dcT");
        assertTrue(lstm.stream().anyMatch(c -> !c.has("c0") && !c.has("dcT")), "lstm: c0 and dcT left out (null)");
        for (GoldenCase c : all) { // the sizes in index.txt are those of the arrays
            int[] x = c.array("x").shape();
            assertEquals(c.N(), x[0], c + " N");
            assertEquals(c.D(), x[x.length - 1], c + " D");
            assertEquals(c.kind().endsWith("_step") ? 1 : c.T(), x.length == 2 ? 1 : x[1], c + " T");
            int gates = c.kind().startsWith("lstm") ? 4 : c.kind().startsWith("gru") ? 3 : 1;
            for (String b : bias(c)) assertEquals(gates * c.H(), c.array(b).shape()[0], c + " G of " + b);
        }
    }

    /** The GRU has two biases (bx, bh), the others one (b). */
    private static List<String> bias(GoldenCase c) { return c.kind().startsWith("gru") ? List.of("bx", "bh")
            : List.of("b"); }

    @Test
    void saturatedCasesReallySaturate() {
        // Pre-activations of the first step, from the inputs: at least half must be beyond |15|. For the GRU,
        // x·Wx + bx + h·Wh + bh (exact for r and z; for n, r scales the small hidden part).
        for (GoldenCase c : GoldenCases.all()) {
            if (!c.name().contains("saturated")) continue;
            int N = c.N(), D = c.D(), H = c.H(), G = c.array(bias(c).get(0)).shape()[0];
            boolean step = c.kind().endsWith("_step");
            double[] x = c.doubles("x"), h = c.doubles(step ? "prevH" : "h0");
            double[] wx = c.doubles("Wx"), wh = c.doubles("Wh"), b = new double[G];
            for (String name : bias(c)) for (int j = 0; j < G; j++) b[j] += c.doubles(name)[j];
            int saturated = 0;
            for (int n = 0; n < N; n++)
                for (int j = 0; j < G; j++) {
                    double a = b[j];
                    for (int d = 0; d < D; d++) a += x[(step ? n * D : n * c.T() * D) + d] * wx[d * G + j];
                    for (int q = 0; q < H; q++) a += h[n * H + q] * wh[q * G + j];
                    if (Math.abs(a) >= 15) saturated++;
                }
            assertTrue(saturated * 2 >= N * G, c + ": only " + saturated + " of " + N * G
                    + " pre-activations saturate");
        }
    }
}
