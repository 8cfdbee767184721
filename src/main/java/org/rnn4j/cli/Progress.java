package org.rnn4j.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress: on a terminal, one line redrawn in place (bar, step, loss, characters per second, time
 * left); otherwise plain lines every {@code every} steps, so logs and CI output stay readable.
 */
final class Progress {
    private final PrintWriter out;
    private final boolean terminal;
    private final int every, total, first;
    private final long charsPerStep, start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    Progress(PrintWriter out, boolean terminal, int first, int total, long charsPerStep) {
        this.out = out;
        this.terminal = terminal;
        this.first = first;
        this.total = total;
        this.charsPerStep = charsPerStep;
        this.every = Math.max(1, Math.min(50, (total - first) / 10));
    }

    void step(int step, double smoothedLoss) {
        double secs = (System.nanoTime() - start) / 1e9;
        int done = step - first;
        double cps = done * charsPerStep / Math.max(secs, 1e-9);
        double eta = done == 0 ? 0 : secs / done * (total - step);
        String stats = String.format(Locale.ROOT, "step %d/%d  loss %.3f  %s chars/s  ETA %s", step, total,
                smoothedLoss,
                human(cps), clock(eta));
        if (terminal) {
            long now = System.nanoTime();
            if (step != total && now - lastDraw < 100_000_000L) return;   // at most 10 redraws a second
            lastDraw = now;
            int width = 24, filled = (int) ((long) width * step / Math.max(1, total));
            out.print("\r[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + stats + "   ");
            out.flush();
            drawn = true;
        } else if (done % every == 0 || step == total) {
            out.println(stats);
            out.flush();
        }
    }

    /** Prints a full line (a sample, an evaluation), keeping the bar intact below it. */
    void println(String line) {
        if (terminal && drawn) { out.print("\r\033[K"); drawn = false; }
        out.println(line);
    }

    void finish() {
        if (terminal && drawn) out.println();
        drawn = false;
    }

    double elapsedSeconds() { return (System.nanoTime() - start) / 1e9; }

    static String human(double v) {
        return v >= 1e6 ? String.format(Locale.ROOT, "%.1fM", v / 1e6) : v >= 1e3
                ? String.format(Locale.ROOT, "%.1fk", v / 1e3)
                : String.format(Locale.ROOT, "%.0f", v);
    }

    static String clock(double secs) {
        long s = Math.round(secs);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
