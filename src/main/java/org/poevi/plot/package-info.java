/**
 * The pictures of a fit, drawn with XChart into images ({@link org.poevi.plot.FitPlots}): the
 * trace, marginals (over a reference or another fit), α by kind, contours of log q next to
 * log p, and metrics against score evaluations. The only package that uses XChart.
 *
 * <p>Depends on: {@code fit} (trace rows), {@code family}, {@code math}.
 *
 * <p>Add here: a new picture (a static method returning a {@code BufferedImage}).
 */
package org.poevi.plot;
