package org.trialfhir.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG of a report's latency percentiles: one group of bars per operation type (and overall), one
 * bar per percentile, on a logarithmic milliseconds axis. Drawn with java.awt in headless mode.
 */
final class LatencyPlot {
  private static final Color[] COLORS = {
    new Color(0x4C78A8), new Color(0xF58518), new Color(0xE45756), new Color(0x72B7B2)
  };
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 560;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 70;
  private static final int BOTTOM = 90;

  private LatencyPlot() {}

  static void write(BenchReport report, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<BenchReport.Row> rows = new ArrayList<>(report.rows());
    rows.add(report.overall());
    List<Double> percentiles = report.percentiles();
    double low = Double.MAX_VALUE;
    double high = 0;
    for (BenchReport.Row row : rows) {
      for (double percentile : percentiles) {
        double ms = row.latency().percentile(percentile) / 1e6;
        if (ms > 0) {
          low = Math.min(low, ms);
          high = Math.max(high, ms);
        }
      }
    }
    if (high == 0) {
      low = 0.1;
      high = 1;
    }
    int minDecade = (int) Math.floor(Math.log10(low));
    int maxDecade = Math.max(minDecade + 1, (int) Math.ceil(Math.log10(high)));

    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      int plotWidth = WIDTH - LEFT - RIGHT;
      int plotHeight = HEIGHT - TOP - BOTTOM;
      int bottom = TOP + plotHeight;

      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString(report.heading(), LEFT, 28);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.drawString(
          String.format(
              Locale.ROOT,
              "latency percentiles (nearest rank) per type, %d samples in %.1f s, log scale",
              report.overall().samples(),
              report.elapsedSeconds()),
          LEFT,
          48);

      // Gridlines and labels at 1, 2 and 5 of every decade.
      for (int decade = minDecade; decade <= maxDecade; decade++) {
        for (int step : new int[] {1, 2, 5}) {
          double value = step * Math.pow(10, decade);
          if (decade == maxDecade && step > 1) {
            continue;
          }
          int y = y(value, minDecade, maxDecade, plotHeight);
          g.setColor(step == 1 ? new Color(0xBBBBBB) : new Color(0xE6E6E6));
          g.drawLine(LEFT, y, LEFT + plotWidth, y);
          g.setColor(Color.DARK_GRAY);
          String label = millisLabel(value);
          FontMetrics metrics = g.getFontMetrics();
          g.drawString(label, LEFT - 6 - metrics.stringWidth(label), y + 4);
        }
      }
      g.setColor(Color.BLACK);
      g.drawLine(LEFT, TOP, LEFT, bottom);
      g.drawLine(LEFT, bottom, LEFT + plotWidth, bottom);
      Graphics2D vertical = (Graphics2D) g.create();
      vertical.rotate(-Math.PI / 2);
      vertical.drawString("latency (ms, log scale)", -(TOP + plotHeight / 2 + 60), 18);
      vertical.dispose();

      // One group of bars per type.
      double group = plotWidth / (double) rows.size();
      double bar = Math.min(28, group * 0.8 / percentiles.size());
      for (int i = 0; i < rows.size(); i++) {
        BenchReport.Row row = rows.get(i);
        double start = LEFT + i * group + (group - bar * percentiles.size()) / 2;
        for (int p = 0; p < percentiles.size(); p++) {
          double ms = row.latency().percentile(percentiles.get(p)) / 1e6;
          if (ms <= 0) {
            continue;
          }
          int y = Math.min(bottom, y(ms, minDecade, maxDecade, plotHeight));
          g.setColor(COLORS[p % COLORS.length]);
          g.fillRect((int) (start + p * bar), y, Math.max(1, (int) bar - 2), bottom - y);
        }
        g.setColor(Color.BLACK);
        String name = row.name();
        FontMetrics metrics = g.getFontMetrics();
        int x = (int) (LEFT + i * group + group / 2);
        g.drawString(name, x - metrics.stringWidth(name) / 2, bottom + 18);
        String count = row.samples() + " samples";
        g.setColor(Color.GRAY);
        g.drawString(count, x - metrics.stringWidth(count) / 2, bottom + 34);
        if (row.errorCount() > 0) {
          g.setColor(Color.RED);
          String errors = row.errorCount() + " errors";
          g.drawString(errors, x - metrics.stringWidth(errors) / 2, bottom + 50);
        }
      }

      // Legend.
      int legendX = WIDTH - RIGHT - 70 * percentiles.size();
      for (int p = 0; p < percentiles.size(); p++) {
        g.setColor(COLORS[p % COLORS.length]);
        g.fillRect(legendX + p * 70, 40, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString(BenchReport.label(percentiles.get(p)), legendX + p * 70 + 16, 51);
      }
      g.setStroke(new BasicStroke(1));
    } finally {
      g.dispose();
    }
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }

  private static int y(double ms, int minDecade, int maxDecade, int plotHeight) {
    double fraction = (Math.log10(ms) - minDecade) / (maxDecade - minDecade);
    return TOP + (int) Math.round(plotHeight * (1 - fraction));
  }

  private static String millisLabel(double ms) {
    if (ms >= 1) {
      return String.format(Locale.ROOT, "%,.0f", ms);
    }
    return String.format(
        Locale.ROOT,
        "%s",
        new java.math.BigDecimal(ms)
            .round(new java.math.MathContext(1))
            .stripTrailingZeros()
            .toPlainString());
  }
}
