package io.engramstream.model.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Loss curves as a PNG, drawn with Java2D (headless): lines per series, optional point markers, a legend. */
public final class LossPlot {
    /** How a curve is drawn. */
    public enum Style {
        /** A thick line with a filled dot at every point (sparse validation points). */
        DOTS,
        /** A thin line with a hollow ring at every point: stays readable when drawn over an identical DOTS curve. */
        RINGS,
        /** A thin dashed line (dense, noisy training losses). */
        DASHED
    }

    /** One curve. */
    public record Series(String name, Color color, double[] x, double[] y, Style style) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private double xMin = Double.NaN;

    public LossPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LossPlot add(Series s) {
        series.add(s);
        return this;
    }

    /** Leaves points left of {@code x} out of the axis range (e.g. the first steps' large losses). */
    public LossPlot from(double x) {
        xMin = x;
        return this;
    }

    public void write(Path png, int width, int height) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int left = 80, right = 20, top = 40, bottom = 55;
        int pw = width - left - right, ph = height - top - bottom;
        double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y0 = Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i]) || s.x()[i] < xMin) continue;
                x0 = Math.min(x0, s.x()[i]); x1 = Math.max(x1, s.x()[i]);
                y0 = Math.min(y0, s.y()[i]); y1 = Math.max(y1, s.y()[i]);
            }
        }
        if (x0 > x1) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
        double ypad = (y1 - y0) * 0.05 + 1e-9;
        y0 -= ypad; y1 += ypad;
        final double fx0 = x0, fx1 = x1 == x0 ? x0 + 1 : x1, fy0 = y0, fy1 = y1;
        java.util.function.DoubleUnaryOperator px = v -> left + (v - fx0) / (fx1 - fx0) * pw;
        java.util.function.DoubleUnaryOperator py = v -> top + ph - (v - fy0) / (fy1 - fy0) * ph;

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            double yv = fy0 + (fy1 - fy0) * i / 5;
            int yy = (int) py.applyAsDouble(yv);
            g.setColor(new Color(235, 235, 235));
            g.drawLine(left, yy, left + pw, yy);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.3f", yv), 30, yy + 4);
        }
        // x ticks at round values (steps are integers: a label must sit under its point).
        for (double xv : io.engramstream.plot.Chart.ticks(fx0, fx1)) {
            int xx = (int) px.applyAsDouble(xv);
            g.drawLine(xx, top + ph, xx, top + ph + 4);
            String label = io.engramstream.plot.Chart.number(xv);
            g.drawString(label, xx - 4 * label.length(), top + ph + 18);
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, top, pw, ph);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(xLabel, left + pw / 2 - 20, height - 15);
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + ph / 2 + 60), 16);
        g.rotate(Math.PI / 2);

        java.awt.Shape clip = g.getClip();
        g.clipRect(left, top, pw + 1, ph + 1);
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(switch (s.style()) {
                case DASHED -> new BasicStroke(1.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f);
                case DOTS -> new BasicStroke(3f);
                case RINGS -> new BasicStroke(1.2f);
            });
            Path2D.Double path = new Path2D.Double();
            boolean started = false;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) continue;
                double xx = px.applyAsDouble(s.x()[i]), yy = py.applyAsDouble(s.y()[i]);
                if (!started) { path.moveTo(xx, yy); started = true; } else path.lineTo(xx, yy);
                if (s.style() == Style.DOTS) g.fillOval((int) xx - 5, (int) yy - 5, 11, 11);
                if (s.style() == Style.RINGS) g.drawOval((int) xx - 8, (int) yy - 8, 16, 16);
            }
            g.draw(path);
        }
        g.setClip(clip);
        int ly = top + 12;
        g.setStroke(new BasicStroke(2f));
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(s.style() == Style.DASHED
                    ? new BasicStroke(1.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f) : new BasicStroke(2f));
            g.drawLine(left + pw - 300, ly - 4, left + pw - 272, ly - 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), left + pw - 265, ly);
            ly += 16;
        }
        g.dispose();
        if (png.getParent() != null) Files.createDirectories(png.getParent());
        ImageIO.write(img, "png", png.toFile());
    }

    /** Trailing moving average (for noisy per-step training losses). */
    public static double[] smooth(double[] y, int window) {
        double[] out = new double[y.length];
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i];
            if (i >= window) sum -= y[i - window];
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }
}
