package io.engramstream.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import javax.imageio.ImageIO;

/**
 * A small headless chart: line series (optionally log2 x axis) or bars (stacked or grouped)
 * with axes, ticks, labels and a legend, rendered with Java2D to PNG. Enough for reports;
 * not a plotting library.
 */
public final class Chart {
    public enum Kind { LINE, STACKED_BARS, GROUPED_BARS }

    private record Series(String name, double[] x, double[] y) {}

    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private final Kind kind;
    private final String title;
    private String xLabel = "", yLabel = "";
    private boolean logX;
    private Double yMin, yMax;
    private String[] categories = new String[0];
    private DoubleFunction<String> xFormat = Chart::number;
    private DoubleFunction<String> yFormat = Chart::number;
    private final List<Series> series = new ArrayList<>();

    private Chart(Kind kind, String title) { this.kind = kind; this.title = title; }

    public static Chart line(String title) { return new Chart(Kind.LINE, title); }

    /** Bars over categories; {@code stacked} piles series on each other, else they stand side by side. */
    public static Chart bars(String title, boolean stacked, String... categories) {
        Chart c = new Chart(stacked ? Kind.STACKED_BARS : Kind.GROUPED_BARS, title);
        c.categories = categories.clone();
        return c;
    }

    public Chart xLabel(String s) { xLabel = s; return this; }
    public Chart yLabel(String s) { yLabel = s; return this; }
    /** Log2 x axis with ticks at powers of two (line charts; x must be positive). */
    public Chart logX() { logX = true; return this; }
    public Chart yRange(double min, double max) { yMin = min; yMax = max; return this; }
    public Chart xFormat(DoubleFunction<String> f) { xFormat = f; return this; }
    public Chart yFormat(DoubleFunction<String> f) { yFormat = f; return this; }

    public Chart series(String name, double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException("x and y lengths differ");
        series.add(new Series(name, x.clone(), y.clone()));
        return this;
    }

    /** A bar series: one value per category. */
    public Chart series(String name, double[] values) {
        if (values.length != categories.length) throw new IllegalArgumentException("one value per category expected");
        double[] x = new double[values.length];
        for (int i = 0; i < x.length; i++) x[i] = i;
        return series(name, x, values);
    }

    public void writePng(Path file, int width, int height) throws IOException {
        ImageIO.write(render(width, height), "png", file.toFile());
    }

    public BufferedImage render(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(font.deriveFont(Font.BOLD, 14f));
        g.setColor(Color.BLACK);
        FontMetrics tm = g.getFontMetrics();
        g.drawString(title, (width - tm.stringWidth(title)) / 2, 20);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();

        int left = 70, right = width - 20, top = 34, bottom = height - 70;
        // Data ranges.
        double x0, x1, y0, y1;
        if (kind == Kind.LINE) {
            x0 = Double.POSITIVE_INFINITY; x1 = Double.NEGATIVE_INFINITY;
            y0 = Double.POSITIVE_INFINITY; y1 = Double.NEGATIVE_INFINITY;
            for (Series s : series) for (int i = 0; i < s.x.length; i++) {
                double x = logX ? log2(s.x[i]) : s.x[i];
                x0 = Math.min(x0, x); x1 = Math.max(x1, x);
                y0 = Math.min(y0, s.y[i]); y1 = Math.max(y1, s.y[i]);
            }
            if (!(x1 > x0)) { x0 = x0 == Double.POSITIVE_INFINITY ? 0 : x0 - 1; x1 = x0 + 2; }
        } else {
            x0 = -0.5; x1 = categories.length - 0.5;
            y0 = 0; y1 = 0;
            for (int c = 0; c < categories.length; c++) {
                double stack = 0;
                for (Series s : series) {
                    if (kind == Kind.STACKED_BARS) stack += Math.max(0, s.y[c]); else stack = Math.max(stack, s.y[c]);
                }
                y1 = Math.max(y1, stack);
            }
        }
        if (yMin != null) y0 = yMin;
        if (yMax != null) y1 = yMax;
        if (!(y1 > y0)) { y1 = y0 + 1; }
        if (kind != Kind.LINE || yMin == null) {
            double[] nice = niceRange(y0, y1);
            if (yMin == null) y0 = nice[0];
            if (yMax == null) y1 = nice[1];
        }
        final double fx0 = x0, fx1 = x1, fy0 = y0, fy1 = y1;
        java.util.function.DoubleUnaryOperator px = x -> left + (x - fx0) / (fx1 - fx0) * (right - left);
        java.util.function.DoubleUnaryOperator py = y -> bottom - (y - fy0) / (fy1 - fy0) * (bottom - top);

        // Grid and y ticks.
        g.setStroke(new BasicStroke(1f));
        for (double t : ticks(y0, y1)) {
            int yy = (int) py.applyAsDouble(t);
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(left, yy, right, yy);
            g.setColor(Color.DARK_GRAY);
            String s = yFormat.apply(t);
            g.drawString(s, left - 6 - fm.stringWidth(s), yy + fm.getAscent() / 2 - 1);
        }
        // x ticks.
        g.setColor(Color.DARK_GRAY);
        if (kind == Kind.LINE) {
            List<Double> xt = new ArrayList<>();
            if (logX) {
                int step = Math.max(1, (int) Math.ceil((x1 - x0) / 10));
                for (int e = (int) Math.ceil(x0); e <= x1; e += step) xt.add((double) e);
            } else {
                xt.addAll(ticks(x0, x1));
            }
            for (double t : xt) {
                int xx = (int) px.applyAsDouble(t);
                g.setColor(new Color(0xF0F0F0));
                g.drawLine(xx, top, xx, bottom);
                g.setColor(Color.DARK_GRAY);
                String s = xFormat.apply(logX ? Math.pow(2, t) : t);
                g.drawString(s, xx - fm.stringWidth(s) / 2, bottom + fm.getAscent() + 4);
            }
        } else {
            int every = Math.max(1, (int) Math.ceil(categories.length * 60.0 / (right - left)));
            for (int c = 0; c < categories.length; c += every) {
                int xx = (int) px.applyAsDouble(c);
                g.drawString(categories[c], xx - fm.stringWidth(categories[c]) / 2, bottom + fm.getAscent() + 4);
            }
        }
        // Axes.
        g.setColor(Color.BLACK);
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        g.drawString(xLabel, (left + right - fm.stringWidth(xLabel)) / 2, bottom + 2 * fm.getHeight() + 6);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + bottom + fm.stringWidth(yLabel)) / 2, 16);
        g.setTransform(saved);

        // Data.
        if (kind == Kind.LINE) {
            g.setStroke(new BasicStroke(2f));
            for (int si = 0; si < series.size(); si++) {
                Series s = series.get(si);
                g.setColor(PALETTE[si % PALETTE.length]);
                int[] xs = new int[s.x.length], ys = new int[s.x.length];
                for (int i = 0; i < s.x.length; i++) {
                    xs[i] = (int) px.applyAsDouble(logX ? log2(s.x[i]) : s.x[i]);
                    ys[i] = (int) py.applyAsDouble(Math.max(y0, Math.min(y1, s.y[i])));
                    g.fillOval(xs[i] - 2, ys[i] - 2, 5, 5);
                }
                g.drawPolyline(xs, ys, xs.length);
            }
        } else {
            double slot = (right - left) / (double) categories.length;
            double barW = slot * 0.7;
            for (int c = 0; c < categories.length; c++) {
                double base = 0;
                for (int si = 0; si < series.size(); si++) {
                    double v = Math.max(0, series.get(si).y[c]);
                    g.setColor(PALETTE[si % PALETTE.length]);
                    double cx = px.applyAsDouble(c);
                    if (kind == Kind.STACKED_BARS) {
                        int yTop = (int) py.applyAsDouble(base + v), yBot = (int) py.applyAsDouble(base);
                        g.fillRect((int) (cx - barW / 2), yTop, (int) Math.max(1, barW), Math.max(0, yBot - yTop));
                        base += v;
                    } else {
                        double w = barW / series.size();
                        int yTop = (int) py.applyAsDouble(v);
                        g.fillRect((int) (cx - barW / 2 + si * w), yTop, (int) Math.max(1, w), Math.max(0, bottom - yTop));
                    }
                }
            }
        }
        // Legend (top left inside the plot).
        int ly = top + 8;
        for (int si = 0; si < series.size(); si++) {
            String name = series.get(si).name;
            g.setColor(new Color(255, 255, 255, 220));
            g.fillRect(left + 8, ly - 2, fm.stringWidth(name) + 28, fm.getHeight());
            g.setColor(PALETTE[si % PALETTE.length]);
            g.fillRect(left + 12, ly + 2, 12, 8);
            g.setColor(Color.BLACK);
            g.drawString(name, left + 30, ly + fm.getAscent() - 2);
            ly += fm.getHeight();
        }
        g.dispose();
        return img;
    }

    private static double log2(double v) { return Math.log(v) / Math.log(2); }

    static double[] niceRange(double lo, double hi) {
        double step = niceStep((hi - lo) / 5);
        return new double[]{Math.floor(lo / step) * step, Math.ceil(hi / step) * step};
    }

    /** The smallest of 1, 2 or 5 times a power of ten that is at least {@code raw} (1 when raw is not positive). */
    public static double niceStep(double raw) {
        if (!(raw > 0)) return 1;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double r = raw / mag;
        return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
    }

    /** About five ticks at round values ({@link #niceStep}) from {@code lo} to {@code hi}. */
    public static List<Double> ticks(double lo, double hi) {
        double step = niceStep((hi - lo) / 5);
        List<Double> t = new ArrayList<>();
        for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        return t;
    }

    /** Compact number: 1.5k, 2M, 0.25. */
    public static String number(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) return trim(v / 1e9) + "G";
        if (a >= 1e6) return trim(v / 1e6) + "M";
        if (a >= 1e4) return trim(v / 1e3) + "k";
        return trim(v);
    }

    /** Bytes in binary units: 512 B, 4 KiB, 1.5 GiB. */
    public static String bytes(double v) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u++; }
        return trim(v) + " " + units[u];
    }

    private static String trim(double v) {
        if (v == Math.rint(v)) return String.format(Locale.ROOT, "%d", (long) v);
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
