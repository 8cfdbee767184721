package org.rnn4j.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** GpuBenchmark's command line; see GpuBenchmark's javadoc. Bad options raise an exception naming them. */
record BenchOptions(String backend, String sizesName, int[][] sizes, List<String> cells, int warmup, int repeats,
                    int peakN, int peakRepeats, int jitWarmupS, String json) {

    static final String USAGE = "usage: GpuBenchmark [--sizes deepbench|classic|small|N,T,D,H;...] [--cells "
            + "lstm,rnn,gru]"
            + " [--warmup 3] [--repeats 11] [--peak-n 8192 (0 = skip)] [--peak-repeats 7] [--jit-warmup-s 3]"
            + " [--backend cuda|cpu]"
            + " [--json FILE]   (a bare number is --repeats)";

    boolean cuda() { return backend.equals("cuda"); }

    static BenchOptions parse(String... args) {
        String backend = "cuda", sizesName = "deepbench", json = null;
        int[][] sizes = GpuBenchmark.DEEPBENCH;
        List<String> cells = List.of("lstm", "rnn");
        int warmup = 3, repeats = 11, peakN = 8192, peakRepeats = 7, jitWarmupS = 3;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.matches("\\d+")) {
                repeats = positive("repeats", a);
                continue;
            }
            if (a.equals("--help") || a.equals("-h")) throw new IllegalArgumentException(USAGE);
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value; " + USAGE);
            String v = args[++i];
            switch (a) {
                case "--backend" -> {
                    if (!v.equals("cuda") && !v.equals("cpu"))
                        throw new IllegalArgumentException("--backend must be cuda or cpu but was " + v);
                    backend = v;
                }
                case "--sizes" -> {
                    sizesName = v;
                    sizes = sizes(v);
                }
                case "--cells" -> {
                    cells = Arrays.asList(v.split(","));
                    for (String c : cells)
                        if (!c.equals("lstm") && !c.equals("rnn") && !c.equals("gru"))
                            throw new IllegalArgumentException("--cells takes lstm, rnn and/or gru but got " + c);
                }
                case "--warmup" -> warmup = nonNegative("warmup", v);
                case "--repeats" -> repeats = positive("repeats", v);
                case "--peak-n" -> peakN = nonNegative("peak-n", v);
                case "--peak-repeats" -> peakRepeats = positive("peak-repeats", v);
                case "--jit-warmup-s" -> jitWarmupS = nonNegative("jit-warmup-s", v);
                case "--json" -> json = v;
                default -> throw new IllegalArgumentException("unknown option " + a + "; " + USAGE);
            }
        }
        return new BenchOptions(backend, sizesName, sizes, cells, warmup, repeats, peakN, peakRepeats, jitWarmupS,
                json);
    }

    /** A named set, or explicit sizes "N,T,D,H;N,T,D,H". */
    static int[][] sizes(String v) {
        switch (v) {
            case "deepbench": return GpuBenchmark.DEEPBENCH;
            case "classic": return GpuBenchmark.CLASSIC;
            case "small": return GpuBenchmark.SMALL;
            default: break;
        }
        List<int[]> out = new ArrayList<>();
        for (String s : v.split(";")) {
            String[] p = s.trim().split(",");
            if (p.length != 4)
                throw new IllegalArgumentException("--sizes: expected deepbench, classic, small or N,T,D,H;... but "
                        + "got " + s);
            int[] size = new int[4];
            for (int k = 0; k < 4; k++) size[k] = positive("sizes " + "NTDH".charAt(k), p[k].trim());
            out.add(size);
        }
        return out.toArray(new int[0][]);
    }

    private static int positive(String what, String v) {
        int n = nonNegative(what, v);
        if (n == 0) throw new IllegalArgumentException("--" + what + " must be > 0 but was " + v);
        return n;
    }

    private static int nonNegative(String what, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < 0) throw new IllegalArgumentException("--" + what + " must be >= 0 but was " + v);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + what + " must be an integer but was " + v, e);
        }
    }
}
