package org.rnn4j.cuda;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.rnn4j.cuda.BenchTiming.Samples;
import org.rnn4j.cuda.GpuBenchmark.Ceilings;
import org.rnn4j.cuda.GpuBenchmark.Row;

/** GpuBenchmark's outputs: the Markdown table and the JSON that bench/gpu_report.py reads (schema "rnn4j-bench/1"). */
final class BenchReport {
    static final String SCHEMA = "rnn4j-bench/1";

    private BenchReport() {}

    /** The lines above the table: device, timing, the measured ceilings, the formulas. */
    static void header(PrintStream out, BenchOptions o, String device, String timing, Ceilings c) {
        out.println("## rnn4j " + o.backend() + " benchmark (GpuBenchmark)");
        out.println();
        out.println("- device: " + device);
        out.println("- timing: " + timing + "; " + o.jitWarmupS() + " s of JIT warm-up first, then per size "
                + o.warmup()
                + " warm-up calls, median of " + o.repeats() + "; backward from one kept forward cache (forward not in "
                + "backward time)");
        if (c.peakN() > 0) {
            out.println(f("- FP32 SGEMM peak, measured: %.0f GFLOP/s (%s, n = %d; median %.3f ms of %d)",
                    c.peakGflops(),
                    peakWhat(o), c.peakN(), c.sgemm().median(), c.sgemm().ms().length));
            out.println(f("- device copy bandwidth, measured: %.0f GB/s (copy of %d² floats, bytes read + written; "
                    + "median %.3f ms of %d)", c.copyGbps(), c.peakN(), c.copy().median(), c.copy().ms().length));
        }
        out.println("- FLOP: " + CellCost.FLOP_FORMULA);
        out.println("- MB: " + CellCost.BYTES_FORMULA);
        out.println("- floor ms: FLOP at the measured SGEMM peak + MB at the measured copy bandwidth");
        out.println();
        out.println("| cell | N | T | D | H | fwd ms | bwd ms | fwd GFLOP | bwd GFLOP | fwd GFLOP/s | bwd GFLOP/s "
                + "| fwd % peak | bwd % peak | fwd MB | bwd MB | fwd floor ms | bwd floor ms |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        out.flush();
    }

    /** One table row, printed as soon as it is measured (a run stopped at its time limit keeps what it had). */
    static void row(PrintStream out, Ceilings c, Row r) {
        double fm = r.fwd().median(), bm = r.bwd().median();
        CellCost k = r.cost();
        out.println(f("| %s | %d | %d | %d | %d | %s | %s | %s | %s | %.0f | %.0f | %s | %s | %.1f | %.1f | %s | %s |",
                r.cell(), r.n(), r.t(), r.d(), r.h(), ms(fm), ms(bm), sig3(k.fwdFlop() / 1e9), sig3(k.bwdFlop() / 1e9),
                gflops(k.fwdFlop(), fm), gflops(k.bwdFlop(), bm),
                pct(gflops(k.fwdFlop(), fm) / c.peakGflops()), pct(gflops(k.bwdFlop(), bm) / c.peakGflops()),
                k.fwdBytes() / 1e6, k.bwdBytes() / 1e6,
                ms(floor(c, k.fwdFlop(), k.fwdBytes())), ms(floor(c, k.bwdFlop(), k.bwdBytes()))));
        out.flush();
    }

    /** complete = false while rows are still being measured: gpu_report.py then says the run was cut short. */
    static String json(BenchOptions o, String device, String timing, Ceilings c, List<Row> rows, double seconds,
                       boolean complete) {
        StringJoiner results = new StringJoiner(",\n    ", "[\n    ", "\n  ]");
        for (Row r : rows) {
            CellCost k = r.cost();
            double fm = r.fwd().median(), bm = r.bwd().median();
            results.add("{" + String.join(", ",
                    str("cell", r.cell()), num("N", r.n()), num("T", r.t()), num("D", r.d()), num("H", r.h()),
                    num("fwd_ms", fm), num("bwd_ms", bm), num("fwd_flop", k.fwdFlop()), num("bwd_flop", k.bwdFlop()),
                    num("fwd_bytes", k.fwdBytes()), num("bwd_bytes", k.bwdBytes()),
                    num("fwd_cell_kernel_bytes", k.fwdCellBytes()), num("bwd_cell_kernel_bytes", k.bwdCellBytes()),
                    num("fwd_allocs", k.fwdAllocs()), num("bwd_allocs", k.bwdAllocs()),
                    num("fwd_gflops", gflops(k.fwdFlop(), fm)), num("bwd_gflops", gflops(k.bwdFlop(), bm)),
                    num("fwd_peak_frac", gflops(k.fwdFlop(), fm) / c.peakGflops()),
                    num("bwd_peak_frac", gflops(k.bwdFlop(), bm) / c.peakGflops()),
                    num("fwd_floor_ms", floor(c, k.fwdFlop(), k.fwdBytes())),
                    num("bwd_floor_ms", floor(c, k.bwdFlop(), k.bwdBytes())),
                    arr("fwd_samples_ms", r.fwd()), arr("bwd_samples_ms", r.bwd())) + "}");
        }
        StringJoiner cells = new StringJoiner(", ", "[", "]");
        o.cells().forEach(x -> cells.add(quote(x)));
        return "{\n  " + String.join(",\n  ",
                str("schema", SCHEMA), str("tool", "org.rnn4j.cuda.GpuBenchmark"), str("backend", o.backend()),
                str("device", device), str("timing", timing), str("sizes", o.sizesName()), "\"cells\": " + cells,
                num("warmup", o.warmup()), num("repeats", o.repeats()), num("jit_warmup_s", o.jitWarmupS()),
                "\"peak\": {" + String.join(", ", num("n", c.peakN()), num("gflops", c.peakGflops()),
                        num("median_ms", c.sgemm().median()), arr("samples_ms", c.sgemm()),
                        str("what", peakWhat(o))) + "}",
                "\"copy\": {" + String.join(", ", num("floats", (long) c.peakN() * c.peakN()),
                num("gbps", c.copyGbps()),
                        num("median_ms", c.copy().median()), arr("samples_ms", c.copy()),
                        str("what", "device-to-device copy, bytes read + written")) + "}",
                str("flop_formula", CellCost.FLOP_FORMULA), str("bytes_formula", CellCost.BYTES_FORMULA),
                num("wall_s", seconds), "\"complete\": " + complete, "\"results\": " + results) + "\n}\n";
    }

    /** What the peak measures: on a GPU cuBLAS itself, through the same handle and math mode the cells use. */
    static String peakWhat(BenchOptions o) {
        return o.cuda() ? "cuBLAS SGEMM n³ (A·A) through the backend's Compute, CUBLAS_DEFAULT_MATH: no TF32"
                : "the CPU backend's SGEMM n³ (A·A) through its Compute";
    }

    static double gflops(long flop, double ms) { return flop / ms / 1e6; }

    /** The time the FLOPs take at the measured peak plus the bytes at the measured copy bandwidth. */
    static double floor(Ceilings c, long flop, long bytes) {
        return flop / c.peakGflops() / 1e6 + bytes / c.copyGbps() / 1e6;
    }

    private static String ms(double v) {
        if (!Double.isFinite(v)) return "-";
        return v >= 100 ? f("%.1f", v) : v >= 1 ? f("%.2f", v) : f("%.3f", v);
    }

    /** Three significant digits without an exponent for the GFLOP counts of real sizes (1.68, 13.4, 215). */
    private static String sig3(double v) {
        if (v == 0 || !Double.isFinite(v)) return "0";
        int digits = Math.max(0, 2 - (int) Math.floor(Math.log10(Math.abs(v))));
        return f("%." + Math.min(digits, 9) + "f", v);
    }

    private static String pct(double frac) { return Double.isFinite(frac) ? f("%.1f", 100 * frac) : "-"; }

    private static String f(String format, Object... a) { return String.format(Locale.ROOT, format, a); }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') b.append('\\').append(ch);
            else if (ch < 0x20) b.append(f("\\u%04x", (int) ch));
            else b.append(ch);
        }
        return b.append('"').toString();
    }

    private static String str(String k, String v) { return quote(k) + ": " + (v == null ? "null" : quote(v)); }

    private static String num(String k, long v) { return quote(k) + ": " + v; }

    /** JSON has no NaN: a quantity not measured (no peak, say) is null. */
    private static String num(String k, double v) { return quote(k) + ": "
            + (Double.isFinite(v) ? Double.toString(v) : "null"); }

    private static String arr(String k, Samples s) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (double v : s.ms()) j.add(Double.toString(v));
        return quote(k) + ": " + j;
    }
}
