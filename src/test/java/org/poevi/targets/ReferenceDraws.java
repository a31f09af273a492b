package org.poevi.targets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.poevi.targets.posteriordb.ArTarget;
import org.poevi.targets.posteriordb.EightSchoolsTarget;
import org.poevi.targets.posteriordb.Garch11Target;
import org.poevi.targets.posteriordb.GpPoissonTarget;
import org.poevi.targets.posteriordb.NormalMixtureTarget;

/**
 * The posteriordb reference posteriors of conf/posteriordb: their targets, their unconstrained
 * reference draws (columns chain, draw, names) and index.csv. Paths are relative to the project
 * directory, where Maven runs the tests.
 */
public final class ReferenceDraws {
  static final Path ROOT = Path.of("conf/posteriordb");

  /** The six posteriors of index.csv, in its order. */
  public static final List<String> POSTERIORS = List.of("eight_schools-eight_schools_noncentered",
      "eight_schools-eight_schools_centered", "garch-garch11", "arK-arK",
      "gp_pois_regr-gp_pois_regr", "low_dim_gauss_mix-low_dim_gauss_mix");

  /** The posteriors, for {@code @MethodSource}. */
  static List<String> posteriors() {
    return POSTERIORS;
  }

  public final List<String> names;
  /** Chain of each draw (1-based, as in the file). */
  final int[] chains;
  /** n × d, row-major. */
  final double[] values;
  public final int count;
  final int dim;

  private ReferenceDraws(List<String> names, int[] chains, double[] values) {
    this.names = names;
    this.chains = chains;
    this.values = values;
    this.dim = names.size();
    this.count = chains.length;
  }

  public static Path data(String posterior) {
    return ROOT.resolve(posterior).resolve("data.json");
  }

  /** The target of a posterior, read from its data.json. */
  public static Target target(String posterior) {
    Path data = data(posterior);
    return switch (posterior) {
      case "eight_schools-eight_schools_noncentered" -> EightSchoolsTarget.read(data, false);
      case "eight_schools-eight_schools_centered" -> EightSchoolsTarget.read(data, true);
      case "garch-garch11" -> Garch11Target.read(data);
      case "arK-arK" -> ArTarget.read(data);
      case "gp_pois_regr-gp_pois_regr" -> GpPoissonTarget.read(data);
      case "low_dim_gauss_mix-low_dim_gauss_mix" -> NormalMixtureTarget.read(data);
      default -> throw new IllegalArgumentException(posterior);
    };
  }

  /** draws_unconstrained.csv.gz of a posterior. */
  public static ReferenceDraws read(String posterior) {
    return read(posterior, "draws_unconstrained.csv.gz");
  }

  /** draws_constrained.csv.gz of a posterior: the same draws on the model's own scale. */
  public static ReferenceDraws readConstrained(String posterior) {
    return read(posterior, "draws_constrained.csv.gz");
  }

  private static ReferenceDraws read(String posterior, String fileName) {
    Path file = ROOT.resolve(posterior).resolve(fileName);
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      String[] header = in.readLine().split(",", -1);
      if (!header[0].equals("chain") || !header[1].equals("draw")) {
        throw new IllegalStateException(file + ": header " + Arrays.toString(header));
      }
      List<String> names = List.of(Arrays.copyOfRange(header, 2, header.length));
      int dim = names.size();
      List<double[]> rows = new ArrayList<>();
      List<Integer> chains = new ArrayList<>();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] cells = line.split(",", -1);
        if (cells.length != dim + 2) {
          throw new IllegalStateException(file + ": row " + rows.size() + " has "
              + cells.length + " cells");
        }
        chains.add(Integer.parseInt(cells[0]));
        double[] row = new double[dim];
        for (int d = 0; d < dim; d++) {
          row[d] = Double.parseDouble(cells[d + 2]);
        }
        rows.add(row);
      }
      double[] values = new double[rows.size() * dim];
      for (int i = 0; i < rows.size(); i++) {
        System.arraycopy(rows.get(i), 0, values, i * dim, dim);
      }
      return new ReferenceDraws(names, chains.stream().mapToInt(Integer::intValue).toArray(),
          values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Draw i (0-based) as a fresh array. */
  public double[] draw(int i) {
    return Arrays.copyOfRange(values, i * dim, (i + 1) * dim);
  }

  /** index.csv: posterior → dim_unconstrained. */
  public static Map<String, Integer> indexDimensions() {
    try {
      List<String> lines = Files.readAllLines(ROOT.resolve("index.csv"));
      List<String> header = List.of(lines.get(0).split(","));
      int posterior = header.indexOf("posterior");
      int dim = header.indexOf("dim_unconstrained");
      Map<String, Integer> out = new LinkedHashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split(",");
        out.put(cells[posterior], Integer.parseInt(cells[dim]));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
