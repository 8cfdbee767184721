package org.rnn4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The loss curve as a PNG: training loss per step (light) and smoothed (dark), validation points, unigram line. */
final class LossPlot {
    private static final int W = 900, HT = 520, L = 70, R = 20, TOP = 40, B = 50;

    private LossPlot() {}

    static void write(Path file, List<double[]> history, double unigram) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, HT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, HT);
        double maxStep = Math.max(1, history.isEmpty() ? 1 : history.get(history.size() - 1)[0]);
        double lo = unigram, hi = unigram;
        for (double[] r : history) {
            lo = Math.min(lo, r[1]); hi = Math.max(hi, r[1]);
            if (!Double.isNaN(r[2])) { lo = Math.min(lo, r[2]); hi = Math.max(hi, r[2]); }
        }
        lo = Math.max(0, Math.floor(lo * 2) / 2);
        hi = Math.ceil(hi * 2) / 2 + 0.01;
        final double ymin = lo, ymax = hi;
        java.util.function.DoubleUnaryOperator x = s -> L + (W - L - R) * s / maxStep;
        java.util.function.DoubleUnaryOperator y = v -> TOP + (HT - TOP - B) * (ymax - v) / (ymax - ymin);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(225, 225, 225));
        for (double v = Math.ceil(ymin * 2) / 2; v <= ymax; v += 0.5) {
            int yy = (int) y.applyAsDouble(v);
            g.drawLine(L, yy, W - R, yy);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(L, TOP, W - L - R, HT - TOP - B);
        for (double v = Math.ceil(ymin * 2) / 2; v <= ymax; v += 0.5)
            g.drawString(String.format(Locale.ROOT, "%.1f", v), L - 35, (int) y.applyAsDouble(v) + 4);
        for (int i = 0; i <= 5; i++) {
            double s = maxStep * i / 5;
            g.drawString(String.format(Locale.ROOT, "%d", Math.round(s)), (int) x.applyAsDouble(s) - 10, HT - B + 18);
        }
        g.drawString("step", W / 2, HT - 12);
        g.drawString("loss (nats per character)", 8, 25);
        // unigram baseline
        g.setColor(new Color(200, 60, 60));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{8, 6}, 0));
        int yu = (int) y.applyAsDouble(unigram);
        g.drawLine(L, yu, W - R, yu);
        g.drawString(String.format(Locale.ROOT, "unigram %.3f", unigram), W - R - 110, yu - 6);
        // raw and smoothed training loss
        g.setStroke(new BasicStroke(1f));
        g.setColor(new Color(160, 190, 230));
        polyline(g, history, x, y, false);
        g.setColor(new Color(30, 80, 170));
        g.setStroke(new BasicStroke(2f));
        polyline(g, history, x, y, true);
        // validation
        g.setColor(new Color(230, 120, 0));
        for (double[] r : history)
            if (!Double.isNaN(r[2])) {
                int px = (int) x.applyAsDouble(r[0]), py = (int) y.applyAsDouble(r[2]);
                g.fillOval(px - 4, py - 4, 9, 9);
            }
        g.setColor(Color.DARK_GRAY);
        g.drawString("train (smoothed)", L + 10, TOP + 16);
        g.setColor(new Color(230, 120, 0));
        g.drawString("validation", L + 130, TOP + 16);
        g.dispose();
        // Written beside and renamed over the old plot: a crash never leaves a truncated PNG.
        java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer in this JVM");
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void polyline(Graphics2D g, List<double[]> h, java.util.function.DoubleUnaryOperator x,
                                 java.util.function.DoubleUnaryOperator y, boolean smooth) {
        Smoother avg = new Smoother();
        int px = -1, py = -1;
        for (double[] r : h) {
            double v = smooth ? avg.add(r[1]) : r[1];
            int cx = (int) x.applyAsDouble(r[0]), cy = (int) y.applyAsDouble(v);
            if (px >= 0) g.drawLine(px, py, cx, cy);
            px = cx; py = cy;
        }
    }
}
