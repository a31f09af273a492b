package org.poevi.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.poevi.family.ProductOfExperts;
import org.poevi.fit.TraceRow;
import org.poevi.math.SampleMoments;

/**
 * The pictures of a fit, as images (XChart, and Java2D for the contours), which notebooks show
 * and {@code poevi fit} writes into {@code DIR/plots/} ({@link #png} encodes one for a file):
 *
 * <ul>
 *   <li>{@link #trace}: the sample Fisher divergence, the ESS fraction, the active experts and
 *       log Ĉ_α against iteration;
 *   <li>{@link #marginals}: a histogram of each coordinate's draws, over the reference draws'
 *       when given;
 *   <li>{@link #contours}: for D = 2, filled contours of log q next to log p, with draws on top;
 *   <li>{@link #alpha}: the final α of every expert that kept a positive weight.
 * </ul>
 *
 * Rendering needs no display (the JVM runs headless).
 */
public final class FitPlots {
  /** Size of one panel, pixels. */
  private static final int PANEL_WIDTH = 480;
  private static final int PANEL_HEIGHT = 320;
  /** Coordinates shown by {@link #marginals} at most (the first ones). */
  public static final int MAX_MARGINALS = 16;
  private static final int BINS = 40;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private FitPlots() {}

  /** The trace: four panels against iteration. */
  public static BufferedImage trace(List<TraceRow> rows) {
    List<XYChart> charts = new ArrayList<>();
    charts.add(traceChart(rows, "sample Fisher divergence", r -> r.step().fisher(), true));
    charts.add(traceChart(rows, "ESS fraction", r -> r.batch().essFraction(), false));
    charts.add(traceChart(rows, "active experts", r -> r.step().activeExperts(), false));
    charts.add(traceChart(rows, "log C (running estimate)", TraceRow::logNormalizer, false));
    return grid(charts, 2, 2, null);
  }

  private static XYChart traceChart(List<TraceRow> rows, String title,
      ToDoubleFunction<TraceRow> value, boolean logarithmic) {
    XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
        .xAxisTitle("iteration").build();
    style(chart.getStyler());
    chart.getStyler().setLegendVisible(false);
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (TraceRow r : rows) {
      double v = value.applyAsDouble(r);
      if (Double.isFinite(v) && (!logarithmic || v > 0)) {
        x.add((double) r.iteration());
        y.add(v);
      }
    }
    if (x.isEmpty()) {
      x.add(0.0);
      y.add(logarithmic ? 1.0 : 0.0);
    }
    // A log axis only over more than a decade (XChart labels no ticks on a narrower one).
    double lo = y.stream().mapToDouble(Double::doubleValue).min().orElse(1);
    double hi = y.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    chart.getStyler().setYAxisLogarithmic(logarithmic && hi > 10 * lo);
    chart.addSeries(title, x, y).setMarker(SeriesMarkers.CIRCLE);
    return chart;
  }

  /**
   * Histograms (as densities) of the first {@value #MAX_MARGINALS} coordinates of the draws, each
   * over the reference draws' when {@code reference} is given (the same columns).
   *
   * @param draws n×D row-major
   * @param reference m×D row-major, or null
   */
  public static BufferedImage marginals(double[] draws, int dim, List<String> names, double[] reference) {
    return marginals(draws, dim, names, reference, "q", "reference");
  }

  /** As above, with the legend's names of the draws and of the reference draws. */
  public static BufferedImage marginals(double[] draws, int dim, List<String> names, double[] reference,
      String drawsLabel, String referenceLabel) {
    int shown = Math.min(dim, MAX_MARGINALS);
    int columns = (int) Math.ceil(Math.sqrt(shown));
    int rows = (shown + columns - 1) / columns;
    List<XYChart> charts = new ArrayList<>();
    for (int d = 0; d < shown; d++) {
      double[] q = SampleMoments.column(draws, dim, d);
      double[] p = reference == null ? null : SampleMoments.column(reference, dim, d);
      double[] range = range(q, p);
      XYChart chart = new XYChartBuilder().width(PANEL_WIDTH * 3 / 4).height(PANEL_HEIGHT * 3 / 4)
          .title(names.get(d)).build();
      style(chart.getStyler());
      chart.getStyler().setXAxisDecimalPattern("#.##");
      chart.getStyler().setXAxisTickMarkSpacingHint(90);
      chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
      chart.getStyler().setLegendVisible(d == 0);
      chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
      if (p != null) {
        addHistogram(chart, referenceLabel, p, range, new Color(120, 120, 120));
      }
      addHistogram(chart, drawsLabel, q, range, new Color(31, 119, 180));
      charts.add(chart);
    }
    return grid(charts, rows, columns, dim > shown ? "the first " + shown + " of " + dim
        + " parameters (draws.csv and summary.json hold them all)" : null);
  }

  private static void addHistogram(XYChart chart, String name, double[] v, double[] range,
      Color color) {
    double width = (range[1] - range[0]) / BINS;
    double[] x = new double[BINS + 2];
    double[] y = new double[BINS + 2];
    for (double value : v) {
      int bin = (int) Math.floor((value - range[0]) / width);
      if (bin >= 0 && bin < BINS) {
        y[bin + 1] += 1 / (v.length * width);
      }
    }
    for (int i = 0; i < BINS + 2; i++) {
      x[i] = range[0] + (i - 1) * width;
    }
    XYSeries series = chart.addSeries(name, x, y);
    series.setMarker(SeriesMarkers.NONE);
    series.setLineColor(color);
    series.setLineStyle(new BasicStroke(2f));
  }

  /** The 0.5% to 99.5% quantile range of q's (and p's) values, widened by 5%. */
  private static double[] range(double[] q, double[] p) {
    double lo = quantile(q, 0.005);
    double hi = quantile(q, 0.995);
    if (p != null) {
      lo = Math.min(lo, quantile(p, 0.005));
      hi = Math.max(hi, quantile(p, 0.995));
    }
    double pad = hi > lo ? 0.05 * (hi - lo) : Math.max(1e-9, Math.abs(lo) * 0.1 + 1e-9);
    return new double[] {lo - pad, hi + pad};
  }

  private static double quantile(double[] v, double u) {
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(u * sorted.length))];
  }

  /**
   * A divergence against score evaluations, one line per method, both axes logarithmic.
   *
   * @param series method → {evaluations[], divergence[]}
   */
  public static BufferedImage againstEvaluations(String title, String metric,
      java.util.Map<String, double[][]> series) {
    return series(title, "score evaluations", true, metric, series);
  }

  /**
   * Series {x[], y[]} by name on a logarithmic y axis (x logarithmic too when {@code logX}); the
   * points with x or y not positive are left out.
   */
  public static BufferedImage series(String title, String xTitle, boolean logX, String metric,
      java.util.Map<String, double[][]> series) {
    XYChart chart = new XYChartBuilder().width(2 * PANEL_WIDTH).height(PANEL_HEIGHT + 80)
        .title(title).xAxisTitle(xTitle).yAxisTitle(metric).build();
    style(chart.getStyler());
    chart.getStyler().setXAxisLogarithmic(logX);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    for (java.util.Map.Entry<String, double[][]> e : series.entrySet()) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int i = 0; i < e.getValue()[0].length; i++) {
        double xi = e.getValue()[0][i];
        double yi = e.getValue()[1][i];
        if (xi > 0 && yi > 0 && Double.isFinite(yi)) {
          x.add(xi);
          y.add(yi);
        }
      }
      if (!x.isEmpty()) {
        chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
      }
    }
    return grid(List.of(chart), 1, 1, null);
  }

  /** Bars of the final α of every expert with α &gt; 0, labelled by index and kind. */
  public static BufferedImage alpha(double[] alpha, List<String> kinds) {
    List<String> labels = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (int k = 0; k < alpha.length; k++) {
      if (alpha[k] > 0) {
        labels.add(k + (kinds == null ? "" : " " + kinds.get(k)));
        values.add(alpha[k]);
      }
    }
    if (labels.isEmpty()) {
      labels.add("none");
      values.add(0.0);
    }
    CategoryChart chart = new CategoryChartBuilder().width(2 * PANEL_WIDTH)
        .height(PANEL_HEIGHT + 80).title("alpha of the " + values.size() + " active experts (of "
            + alpha.length + ")").xAxisTitle("expert").yAxisTitle("alpha").build();
    style(chart.getStyler());
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(90);
    chart.getStyler().setXAxisTicksVisible(labels.size() <= 60);
    chart.addSeries("alpha", labels, values);
    return grid(List.of(chart), 1, 1, null);
  }

  /** log p̃ at a batch of points (n×2 row-major) into {@code out}. */
  @FunctionalInterface
  public interface LogDensities {
    void evaluate(double[] points, int n, double[] out);
  }

  /**
   * For D = 2: filled contours of log q (left) and log p̃ (right) over the draws' range, each
   * relative to its maximum on the grid, with up to 1000 draws of q on both.
   *
   * @param draws n×2 row-major draws of q
   */
  public static BufferedImage contours(ProductOfExperts family, LogDensities target, double[] draws,
      List<String> names) {
    return contours(family::logDensityUnnormalized, target, draws, names);
  }

  /** As above, with log q (up to a constant) given as a function of a point. */
  public static BufferedImage contours(java.util.function.ToDoubleFunction<double[]> logQ,
      LogDensities target, double[] draws, List<String> names) {
    int grid = 160;
    double[] x = SampleMoments.column(draws, 2, 0);
    double[] y = SampleMoments.column(draws, 2, 1);
    double[] xr = range(x, null);
    double[] yr = range(y, null);
    double[] points = new double[grid * grid * 2];
    for (int i = 0; i < grid; i++) {
      for (int j = 0; j < grid; j++) {
        int at = (i * grid + j) * 2;
        points[at] = xr[0] + (j + 0.5) * (xr[1] - xr[0]) / grid;
        points[at + 1] = yr[1] - (i + 0.5) * (yr[1] - yr[0]) / grid;
      }
    }
    double[] q = new double[grid * grid];
    double[] z = new double[2];
    for (int p = 0; p < q.length; p++) {
      z[0] = points[2 * p];
      z[1] = points[2 * p + 1];
      q[p] = logQ.applyAsDouble(z);
    }
    double[] logP = new double[grid * grid];
    target.evaluate(points, grid * grid, logP);
    int size = 400;
    int margin = 40;
    BufferedImage image = new BufferedImage(2 * size + 3 * margin, size + 2 * margin + 20,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    panel(g, q, grid, margin, margin, size, "log q", x, y, xr, yr, names);
    panel(g, logP, grid, 2 * margin + size, margin, size, "log p", x, y, xr, yr, names);
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString("bands: 0.5, 1, 2, 3, 4.5, 6, 8, 11 and 15 below each panel's maximum (white:"
        + " lower)", margin, size + margin + 48);
    g.dispose();
    return image;
  }

  /** Levels below the maximum at which the filled bands change colour. */
  private static final double[] LEVELS = {0.5, 1, 2, 3, 4.5, 6, 8, 11, 15};

  private static void panel(Graphics2D g, double[] values, int grid, int left, int top, int size,
      String title, double[] x, double[] y, double[] xr, double[] yr, List<String> names) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        max = Math.max(max, v);
      }
    }
    double cell = (double) size / grid;
    for (int i = 0; i < grid; i++) {
      for (int j = 0; j < grid; j++) {
        double drop = max - values[i * grid + j];
        int band = LEVELS.length;
        for (int l = 0; l < LEVELS.length; l++) {
          if (drop <= LEVELS[l]) {
            band = l;
            break;
          }
        }
        float shade = 1f - (float) (LEVELS.length - band) / (LEVELS.length + 1);
        g.setColor(Double.isFinite(drop) ? new Color(shade * 0.9f + 0.1f, shade * 0.95f + 0.05f,
            1f) : Color.WHITE);
        g.fillRect(left + (int) Math.floor(j * cell), top + (int) Math.floor(i * cell),
            (int) Math.ceil(cell), (int) Math.ceil(cell));
      }
    }
    g.setColor(new Color(200, 30, 30));
    int shown = Math.min(x.length, 1000);
    for (int n = 0; n < shown; n++) {
      int px = left + (int) ((x[n] - xr[0]) / (xr[1] - xr[0]) * size);
      int py = top + (int) ((yr[1] - y[n]) / (yr[1] - yr[0]) * size);
      if (px >= left && px < left + size && py >= top && py < top + size) {
        g.fillOval(px - 1, py - 1, 3, 3);
      }
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, size, size);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title + ", draws of q in red", left, top - 12);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(names.get(0) + ": " + format(xr[0]) + " to " + format(xr[1]), left,
        top + size + 16);
    g.drawString(names.get(1) + ": " + format(yr[0]) + " to " + format(yr[1]), left,
        top + size + 30);
  }

  private static String format(double v) {
    return String.format("%.3g", v);
  }

  private static void style(Styler styler) {
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
  }

  /**
   * The charts in a grid, row by row (cells past the last chart stay white), with a caption line
   * below when {@code caption} is not null.
   */
  private static <T extends Chart<?, ?>> BufferedImage grid(List<T> charts, int rows,
      int columns,
      String caption) {
    int width = charts.get(0).getWidth();
    int height = charts.get(0).getHeight();
    int captionHeight = caption == null ? 0 : 24;
    BufferedImage image = new BufferedImage(columns * width, rows * height + captionHeight,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    for (int i = 0; i < charts.size(); i++) {
      g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % columns) * width,
          (i / columns) * height, null);
    }
    if (caption != null) {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.DARK_GRAY);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.drawString(caption, 10, rows * height + 17);
    }
    g.dispose();
    return image;
  }

  /** A picture of this class as PNG bytes, for a file. */
  public static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
