package org.rnn4j.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Backend;
import org.rnn4j.Gru;
import org.rnn4j.Lstm;
import org.rnn4j.Numerics;
import org.rnn4j.Rnn;
import org.rnn4j.Tensor;
import org.rnn4j.io.Npy;
import org.rnn4j.io.NpyArray;

/**
 * Loads the golden cases from the test classpath and runs one of them on any {@link Backend}: the same
 * cases serve the CPU test ({@link GoldenCasesTest}) and any later backend (extend {@link GoldenCasesContract}).
 */
public final class GoldenCases {
    private static final String ROOT = "/golden/";
    private static volatile List<GoldenCase> all;

    private GoldenCases() {}

    /** Every case listed in golden/index.txt, loaded once. */
    public static List<GoldenCase> all() {
        if (all == null) {
            synchronized (GoldenCases.class) {
                if (all == null) all = Collections.unmodifiableList(load());
            }
        }
        return all;
    }

    private static List<GoldenCase> load() {
        List<GoldenCase> cases = new ArrayList<>();
        for (String line : resource("index.txt").split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\\s+");
            if (f.length != 6) throw new IllegalStateException("golden/index.txt: bad line '" + line + "'");
            String name = f[0], kind = f[1];
            Set<String> outputs = GoldenCase.OUTPUTS.get(kind);
            if (outputs == null) throw new IllegalStateException("golden/index.txt: unknown kind " + kind);
            Map<String, NpyArray> arrays = new LinkedHashMap<>();
            for (String a : arrayNames(kind)) {
                NpyArray arr = npy(name + "/" + a + ".npy", !optional(a));
                if (arr != null) arrays.put(a, arr);
            }
            cases.add(new GoldenCase(name, kind, Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Integer.parseInt(f[5]), arrays));
        }
        return cases;
    }

    /** Inputs then outputs of a kind, as the generator names its files. */
    static List<String> arrayNames(String kind) {
        List<String> in = switch (kind) {
            case "rnn_step" -> List.of("x", "prevH", "Wx", "Wh", "b", "dNextH");
            case "rnn" -> List.of("x", "h0", "Wx", "Wh", "b", "dh");
            case "lstm_step" -> List.of("x", "prevH", "prevC", "Wx", "Wh", "b", "dNextH", "dNextC");
            case "lstm" -> List.of("x", "h0", "c0", "Wx", "Wh", "b", "dh", "dcT");
            case "gru_step" -> List.of("x", "prevH", "Wx", "Wh", "bx", "bh", "dNextH");
            case "gru" -> List.of("x", "h0", "Wx", "Wh", "bx", "bh", "dh");
            default -> throw new IllegalArgumentException(kind);
        };
        List<String> names = new ArrayList<>(in);
        names.addAll(GoldenCase.OUTPUTS.get(kind));
        return names;
    }

    /** c0 and dcT are optional in the API (null means zeros); a case may leave them out. */
    static boolean optional(String array) { return array.equals("c0") || array.equals("dcT"); }

    private static String resource(String path) {
        try (InputStream in = GoldenCases.class.getResourceAsStream(ROOT + path)) {
            if (in == null) throw new IllegalStateException("missing test resource " + ROOT + path
                    + " (regenerate with /usr/bin/python3 tools/golden/make_golden.py)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NpyArray npy(String path, boolean required) {
        try (InputStream in = GoldenCases.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                if (required) throw new IllegalStateException("missing golden array " + ROOT + path);
                return null;
            }
            return Npy.read(in, ROOT + path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the case's forward and backward on {@code backend} and asserts every result (shape, then relative
     * norm error against the float64 reference at most {@code tol}; NaN fails). Returns the worst error seen.
     */
    public static double verify(Backend backend, GoldenCase c, double tol) {
        Checker k = new Checker(c, tol);
        switch (c.kind()) {
            case "rnn_step" -> {
                try (Tensor x = c.tensor(backend, "x"); Tensor h = c.tensor(backend, "prevH");
                     Tensor wx = c.tensor(backend, "Wx"); Tensor wh = c.tensor(backend, "Wh");
                     Tensor b = c.tensor(backend, "b");
                     Tensor dn = c.tensor(backend, "dNextH");
                     Rnn.StepOutput out = backend.rnnStepForward(x, h, wx, wh, b);
                     Rnn.StepGradients g = backend.rnnStepBackward(dn, out.cache())) {
                    k.check("nextH", out.nextH());
                    k.check("dx", g.dx()); k.check("dPrevH", g.dPrevH());
                    k.check("dWx", g.dWx()); k.check("dWh", g.dWh()); k.check("db", g.db());
                }
            }
            case "rnn" -> {
                try (Tensor x = c.tensor(backend, "x"); Tensor h0 = c.tensor(backend, "h0");
                     Tensor wx = c.tensor(backend, "Wx"); Tensor wh = c.tensor(backend, "Wh");
                     Tensor b = c.tensor(backend, "b");
                     Tensor dh = c.tensor(backend, "dh");
                     Rnn.Output out = backend.rnnForward(x, h0, wx, wh, b);
                     Rnn.Gradients g = backend.rnnBackward(dh, out.cache())) {
                    k.check("h", out.h());
                    k.check("dx", g.dx()); k.check("dh0", g.dh0());
                    k.check("dWx", g.dWx()); k.check("dWh", g.dWh()); k.check("db", g.db());
                }
            }
            case "lstm_step" -> {
                try (Tensor x = c.tensor(backend, "x"); Tensor h = c.tensor(backend, "prevH");
                     Tensor cc = c.tensor(backend, "prevC");
                     Tensor wx = c.tensor(backend, "Wx"); Tensor wh = c.tensor(backend, "Wh");
                     Tensor b = c.tensor(backend, "b");
                     Tensor dnh = c.tensor(backend, "dNextH"); Tensor dnc = c.tensor(backend, "dNextC");
                     Lstm.StepOutput out = backend.lstmStepForward(x, h, cc, wx, wh, b);
                     Lstm.StepGradients g = backend.lstmStepBackward(dnh, dnc, out.cache())) {
                    k.check("nextH", out.nextH()); k.check("nextC", out.nextC());
                    k.check("dx", g.dx()); k.check("dPrevH", g.dPrevH()); k.check("dPrevC", g.dPrevC());
                    k.check("dWx", g.dWx()); k.check("dWh", g.dWh()); k.check("db", g.db());
                }
            }
            case "lstm" -> {
                // c0 and dcT are null when the case leaves them out: the API's "zeros" path.
                try (Tensor x = c.tensor(backend, "x"); Tensor h0 = c.tensor(backend, "h0");
                     Tensor c0 = c.tensor(backend, "c0");
                     Tensor wx = c.tensor(backend, "Wx"); Tensor wh = c.tensor(backend, "Wh");
                     Tensor b = c.tensor(backend, "b");
                     Tensor dh = c.tensor(backend, "dh"); Tensor dcT = c.tensor(backend, "dcT");
                     Lstm.Output out = backend.lstmForward(x, h0, c0, wx, wh, b);
                     Lstm.Gradients g = backend.lstmBackward(dh, dcT, out.cache())) {
                    k.check("h", out.h()); k.check("cT", out.cT());
                    k.check("dx", g.dx()); k.check("dh0", g.dh0()); k.check("dc0", g.dc0());
                    k.check("dWx", g.dWx()); k.check("dWh", g.dWh()); k.check("db", g.db());
                }
            }
            case "gru_step" -> {
                try (Tensor x = c.tensor(backend, "x"); Tensor h = c.tensor(backend, "prevH");
                     Tensor wx = c.tensor(backend, "Wx"); Tensor wh = c.tensor(backend, "Wh");
                     Tensor bx = c.tensor(backend, "bx"); Tensor bh = c.tensor(backend, "bh");
                     Tensor dn = c.tensor(backend, "dNextH");
                     Gru.StepOutput out = backend.gruStepForward(x, h, wx, wh, bx, bh);
                     Gru.StepGradients g = backend.gruStepBackward(dn, out.cache())) {
                    k.check("nextH", out.nextH());
                    k.check("dx", g.dx()); k.check("dPrevH", g.dPrevH());
                    k.check("dWx", g.dWx()); k.check("dWh", g.dWh()); k.check("dbx", g.dbx()); k.check("dbh", g.dbh());
                }
            }
            case "gru" -> {
                try (Tensor x = c.tensor(backend, "x"); Tensor h0 = c.tensor(backend, "h0");
                     Tensor wx = c.tensor(backend, "Wx"); Tensor wh = c.tensor(backend, "Wh");
                     Tensor bx = c.tensor(backend, "bx"); Tensor bh = c.tensor(backend, "bh");
                     Tensor dh = c.tensor(backend, "dh");
                     Gru.Output out = backend.gruForward(x, h0, wx, wh, bx, bh);
                     Gru.Gradients g = backend.gruBackward(dh, out.cache())) {
                    k.check("h", out.h());
                    k.check("dx", g.dx()); k.check("dh0", g.dh0());
                    k.check("dWx", g.dWx()); k.check("dWh", g.dWh()); k.check("dbx", g.dbx()); k.check("dbh", g.dbh());
                }
            }
            default -> throw new IllegalArgumentException("unknown kind " + c.kind());
        }
        // A result the generator wrote but nobody compared would be a silent hole.
        assertEquals(GoldenCase.OUTPUTS.get(c.kind()), k.checked, c.name() + ": results compared");
        return k.worst;
    }

    private static final class Checker {
        final GoldenCase c;
        final double tol;
        final Set<String> checked = new HashSet<>();
        double worst;

        Checker(GoldenCase c, double tol) { this.c = c; this.tol = tol; }

        void check(String array, Tensor got) {
            c.assertShape(array, got);
            float[] out = got.toArray();
            double[] ref = c.doubles(array);
            double e = Numerics.relErr(out, ref);   // infinite when any element is NaN or infinite
            worst = Math.max(worst, e);
            if (!(e <= tol)) fail(c.name() + "/" + array + ": relative error " + e + " > " + tol
                    + " against the golden reference");
            checked.add(array);
        }
    }
}
