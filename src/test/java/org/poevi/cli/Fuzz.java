package org.poevi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Fuzzing of poevi's input (issue #21): mutated HOCON configurations, model.json files, CSV data
 * and prior strings, each run through the command line in this JVM with a time limit. Every case
 * must end in success (exit 0, outputs without NaN or temporaries) or a user error (exit 2, one
 * line on stderr starting "error: ", no stack trace, no output directory) that names what is
 * wrong: the mutated configuration key, a target key for data and priors, the model file for a
 * model. Anything else is a finding.
 *
 * <p>{@code FuzzTest} runs a few hundred cases in CI; {@code jobs/fuzz N SEED} runs more by hand.
 */
public final class Fuzz {
  /** How a case ended. */
  enum Outcome { SUCCESS, USER_ERROR, UNNAMED, MULTI_LINE, STACK_TRACE, BAD_EXIT, HANG, NAN,
    LEFTOVERS }

  /** One finished case. */
  record Result(int index, String kind, String mutation, Outcome outcome, String detail) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SMALL = "init { mode-starts = 1, gaussian-rounds = 1,"
      + " gaussian-draws = 1000 }\nexperts { count = 4 }\nfit { iterations = 1, batch-size = 100"
      + " }\noutput { draws = 100, plots = false }\nspark.master = none\n";
  private static final String[] ODD_VALUES = {"-1", "0", "1e300", "-1e300", "2147483647",
      "9223372036854775807", "\"NaN\"", "\"Infinity\"", "NaN", "true", "\"\"", "\"x\"", "[]",
      "[1, 2]", "{}", "{ a = 1 }", "null", "0.5", "1e-300", "\"1\"", "3.7"};
  private static final String[] PRIORS = {"normal(0, 1)", "normal(0, -1)", "normal(NaN, 1)",
      "normal(0, Infinity)", "normal(0, 1e309)", "normal(0)", "normal(0, 1, 2)", "normal(0,1",
      "normal 0 1", "Normal(0, 1)", "student_t(0, 0, 1)", "student_t(3, 0, 0)", "cauchy(0, 1)",
      "cauchy(0)", "flat", "flat()", "auto", "", " ", "exponential(-1)", "half_normal(1)",
      "normal(0, 1) extra", "normal(1e308, 1e308)", "normal(-0, 1e-320)", "student_t(1e9, 0, 1)"};

  private final Path work;
  private final SplittableRandom random;
  private final long limitSeconds;
  private final Map<String, String> baseConfigs = new LinkedHashMap<>();
  private Path baseModel;
  private final List<Path> parquets = new ArrayList<>();
  private ExecutorService runner = Executors.newSingleThreadExecutor(Fuzz::daemon);

  Fuzz(Path work, long seed, long limitSeconds) {
    this.work = work;
    this.random = new SplittableRandom(seed);
    this.limitSeconds = limitSeconds;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "fuzz-case");
    t.setDaemon(true);
    return t;
  }

  /** The valid inputs the cases mutate: configurations, a CSV, a model.json. */
  void setUp() throws IOException {
    // Data files are read by Spark's data sources on the context running in this JVM (a
    // throwaway one per read would cost seconds a case).
    org.poevi.spark.SparkTestContext.get();
    Files.createDirectories(work);
    Path csv = work.resolve("base.csv");
    Files.writeString(csv, baseCsv());
    baseConfigs.put("banana", "target { type = banana }\n" + SMALL);
    baseConfigs.put("logistic", "target { type = logistic-regression, data { path = \"" + csv
        + "\", response = y, predictors = [x1, x2] } }\n" + SMALL);
    baseConfigs.put("linear", "target { type = linear-regression, data { path = \"" + csv
        + "\", response = x2, predictors = [x1] }, prior { coefficients = \"normal(0, 1)\" } }\n"
        + SMALL);
    Path conf = work.resolve("base.conf");
    Files.writeString(conf, baseConfigs.get("banana"));
    Path fit = work.resolve("base-fit");
    Result r = run(0, "setup", "none", List.of("fit", conf.toString(), "--out", fit.toString()),
        fit, null);
    if (r.outcome() != Outcome.SUCCESS) {
        throw new IllegalStateException("the base fit failed: " + r);
    }
    baseModel = fit.resolve("model.json");
    writeParquets(csv);
  }

  /**
   * Parquet files with the wrong types and values, written once from the base CSV with Spark SQL:
   * a string, boolean, array, decimal or timestamp column where a number belongs, a missing
   * column, nulls, NaN and infinities, and integer columns (valid).
   */
  private void writeParquets(Path csv) {
    org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder()
        .sparkContext(org.poevi.spark.SparkTestContext.get().sc()).getOrCreate();
    spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString())
        .createOrReplaceTempView("base");
    Map<String, String> variants = new LinkedHashMap<>();
    variants.put("valid", "SELECT y, x1, x2 FROM base");
    variants.put("integer-columns", "SELECT CAST(y AS INT) y, CAST(x1 * 10 AS BIGINT) x1,"
        + " CAST(x2 AS INT) x2 FROM base");
    variants.put("string-column", "SELECT y, CAST(x1 AS STRING) x1, x2 FROM base");
    variants.put("boolean-label", "SELECT y = 1 y, x1, x2 FROM base");
    variants.put("array-column", "SELECT y, array(x1, x1) x1, x2 FROM base");
    variants.put("decimal-column", "SELECT y, CAST(x1 AS DECIMAL(10, 3)) x1, x2 FROM base");
    variants.put("timestamp-column", "SELECT y, x1, TIMESTAMP_SECONDS(CAST(x2 * 1e6 AS BIGINT))"
        + " x2 FROM base");
    variants.put("missing-column", "SELECT y, x1 FROM base");
    variants.put("nulls", "SELECT y, IF(x1 > 1, NULL, x1) x1, x2 FROM base");
    variants.put("nan", "SELECT y, IF(x1 > 1, DOUBLE('NaN'), x1) x1, x2 FROM base");
    variants.put("infinity", "SELECT y, x1, IF(x2 > 9, DOUBLE('Infinity'), x2) x2 FROM base");
    variants.put("empty", "SELECT y, x1, x2 FROM base WHERE y > 5");
    variants.put("huge", "SELECT y, x1 * 1e305 x1, x2 FROM base");
    variants.forEach((name, sql) -> {
      Path path = work.resolve("parquet").resolve(name + ".parquet");
      spark.sql(sql).coalesce(1).write().parquet(path.toString());
      parquets.add(path);
    });
  }

  /** 40 rows of (y, x1, x2): y in {0, 1} from a logistic model of x1 and x2. */
  private String baseCsv() {
    StringBuilder b = new StringBuilder("y,x1,x2\n");
    SplittableRandom rows = new SplittableRandom(7);
    for (int i = 0; i < 40; i++) {
      double x1 = rows.nextDouble() * 4 - 2;
      double x2 = rows.nextDouble() * 10;
      double p = 1 / (1 + Math.exp(-(0.5 * x1 - 0.1 * x2)));
      b.append(rows.nextDouble() < p ? 1 : 0).append(',').append(x1).append(',').append(x2)
          .append('\n');
    }
    return b.toString();
  }

  /** Runs {@code count} cases and returns them in order. */
  List<Result> run(int count) throws IOException {
    List<Result> results = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      results.add(switch (random.nextInt(4)) {
        case 0 -> configCase(i);
        case 1 -> modelCase(i);
        case 2 -> dataCase(i);
        default -> priorCase(i);
      });
    }
    runner.shutdownNow();
    return results;
  }

  // ------------------------------------------------------------------ configurations

  private Result configCase(int i) throws IOException {
    List<String> names = new ArrayList<>(baseConfigs.keySet());
    String base = baseConfigs.get(names.get(random.nextInt(names.size())));
    Map<String, String> flat = flatten(base);
    List<String> keys = new ArrayList<>(flat.keySet());
    String key = keys.get(random.nextInt(keys.size()));
    String text;
    String mutation;
    String expect = null;
    switch (random.nextInt(6)) {
      case 0 -> {
        String value = ODD_VALUES[random.nextInt(ODD_VALUES.length)];
        flat.put(key, value);
        text = render(flat);
        mutation = key + " = " + value;
        expect = key;
      }
      case 1 -> {
        flat.remove(key);
        text = render(flat);
        mutation = "without " + key;
      }
      case 2 -> {
        String unknown = key.substring(0, key.lastIndexOf('.') + 1) + "bogus-" + random.nextInt(9);
        flat.put(unknown, "1");
        text = render(flat);
        mutation = "unknown " + unknown;
        expect = unknown;
      }
      case 3 -> {
        String misspelt = misspell(key);
        flat.put(misspelt, flat.remove(key));
        text = render(flat);
        mutation = "misspelt " + key + " -> " + misspelt;
      }
      case 4 -> {
        String parent = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
        text = render(flat) + parent + " = " + ODD_VALUES[random.nextInt(ODD_VALUES.length)]
            + "\n";
        mutation = "replaced block " + parent;
      }
      default -> {
        text = corrupt(render(flat));
        mutation = "corrupted text";
      }
    }
    Path conf = work.resolve("case-" + i + ".conf");
    Files.writeString(conf, text);
    Path out = work.resolve("out-" + i);
    return run(i, "config", mutation, List.of("fit", conf.toString(), "--out", out.toString()),
        out, expect);
  }

  /** The leaves of a HOCON text as dotted keys and their rendered values. */
  private static Map<String, String> flatten(String hocon) {
    Map<String, String> flat = new TreeMap<>();
    com.typesafe.config.Config config = com.typesafe.config.ConfigFactory.parseString(hocon);
    config.entrySet().forEach(e -> flat.put(e.getKey(),
        e.getValue().render(com.typesafe.config.ConfigRenderOptions.concise())));
    return flat;
  }

  private static String render(Map<String, String> flat) {
    StringBuilder b = new StringBuilder();
    flat.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
    return b.toString();
  }

  private String misspell(String key) {
    int at = key.lastIndexOf('.') + 1 + random.nextInt(key.length() - key.lastIndexOf('.') - 1);
    char c = (char) ('a' + random.nextInt(26));
    return key.substring(0, at) + c + key.substring(at + 1);
  }

  /** One random character deleted, doubled or replaced by HOCON punctuation. */
  private String corrupt(String text) {
    int at = random.nextInt(text.length());
    String punctuation = "{}[]=:\",$#";
    char c = punctuation.charAt(random.nextInt(punctuation.length()));
    return switch (random.nextInt(3)) {
      case 0 -> text.substring(0, at) + text.substring(at + 1);
      case 1 -> text.substring(0, at) + c + text.substring(at);
      default -> text.substring(0, at) + c + text.substring(at + 1);
    };
  }

  // ------------------------------------------------------------------ model.json

  private Result modelCase(int i) throws IOException {
    JsonNode model = JSON.readTree(baseModel.toFile());
    List<String> paths = new ArrayList<>();
    collect(model, "", paths);
    String path = paths.get(random.nextInt(paths.size()));
    String mutation;
    String text;
    if (random.nextInt(8) == 0) {
      String full = JSON.writeValueAsString(model);
      text = full.substring(0, random.nextInt(full.length()));
      mutation = "truncated";
    } else {
      mutation = mutateJson(model, path);
      text = JSON.writeValueAsString(model).replace("\"@NaN@\"", "NaN")
          .replace("\"@INF@\"", "Infinity");
    }
    Path file = work.resolve("case-" + i + ".json");
    Files.writeString(file, text);
    Path out = work.resolve("out-" + i);
    return run(i, "model.json", mutation, List.of("sample", "--model", file.toString(),
        "--draws", "100", "--seed", "1", "--out", out.toString()), out, "model file");
  }

  private static void collect(JsonNode node, String path, List<String> paths) {
    paths.add(path);
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(f -> collect(node.get(f), path + "/" + f, paths));
    } else if (node.isArray()) {
      for (int k = 0; k < node.size(); k++) {
        collect(node.get(k), path + "/" + k, paths);
      }
    }
  }

  /** Changes the node at {@code path} (a JSON pointer) and says how. */
  private String mutateJson(JsonNode root, String path) {
    if (path.isEmpty()) {
      return "unchanged";
    }
    String parentPath = path.substring(0, path.lastIndexOf('/'));
    String field = path.substring(path.lastIndexOf('/') + 1);
    JsonNode parent = root.at(parentPath);
    JsonNode value = root.at(path);
    String[] replacements = {"@NaN@", "@INF@", "1e308", "-1", "0", "1000000000", "\"text\"",
        "[]", "{}", "null", "true", "-0.0"};
    int choice = random.nextInt(replacements.length + 3);
    if (choice == replacements.length && parent.isObject()) {
      ((ObjectNode) parent).remove(field);
      return "removed " + path;
    }
    if (choice == replacements.length + 1 && value.isArray() && value.size() > 0) {
      ((ArrayNode) value).remove(random.nextInt(value.size()));
      return "dropped an element of " + path;
    }
    if (choice == replacements.length + 2 && value.isNumber()) {
      JsonNode negated = JSON.getNodeFactory().numberNode(-value.asDouble() - 1);
      set(parent, field, negated);
      return "negated " + path;
    }
    String r = replacements[choice % replacements.length];
    JsonNode replacement = r.startsWith("@") ? JSON.getNodeFactory().textNode(r) : parse(r);
    set(parent, field, replacement);
    return path + " = " + r;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void set(JsonNode parent, String field, JsonNode value) {
    if (parent.isObject()) {
      ((ObjectNode) parent).set(field, value);
    } else if (parent.isArray()) {
      ((ArrayNode) parent).set(Integer.parseInt(field), value);
    }
  }

  // ------------------------------------------------------------------ data files

  private Result dataCase(int i) throws IOException {
    if (random.nextInt(4) == 0) {
      return parquetCase(i);
    }
    List<String> lines = new ArrayList<>(List.of(baseCsv().split("\n")));
    int row = 1 + random.nextInt(lines.size() - 1);
    String[] odd = {"NaN", "Infinity", "-Infinity", "", "abc", "1e308", "2", "-1", "0.5", "1,2",
        "\"\"", "null", "1e400"};
    String mutation;
    switch (random.nextInt(7)) {
      case 0 -> {
        int column = random.nextInt(3);
        String[] cells = lines.get(row).split(",");
        String v = odd[random.nextInt(odd.length)];
        cells[column] = v;
        lines.set(row, String.join(",", cells));
        mutation = "row " + row + " column " + column + " = " + v;
      }
      case 1 -> {
        lines.set(0, lines.get(0).replace(new String[] {"y", "x1", "x2"}[random.nextInt(3)],
            "z"));
        mutation = "a column renamed";
      }
      case 2 -> {
        lines.set(row, lines.get(row).substring(0, lines.get(row).lastIndexOf(',')));
        mutation = "ragged row " + row;
      }
      case 3 -> {
        lines.set(row, lines.get(row) + ",7");
        mutation = "extra cell in row " + row;
      }
      case 4 -> {
        lines = random.nextBoolean() ? List.of() : List.of(lines.get(0));
        mutation = lines.isEmpty() ? "empty file" : "header only";
      }
      case 5 -> {
        lines = lines.subList(0, 1 + random.nextInt(3));
        mutation = "only " + (lines.size() - 1) + " rows";
      }
      default -> {
        String line = lines.get(row);
        lines.set(row, line.substring(0, random.nextInt(line.length())));
        mutation = "row " + row + " cut";
      }
    }
    Path csv = work.resolve("case-" + i + ".csv");
    Files.writeString(csv, lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    String type = random.nextBoolean() ? "logistic-regression" : "poisson-regression";
    Path conf = work.resolve("case-" + i + ".conf");
    Files.writeString(conf, "target { type = " + type + ", data { path = \"" + csv
        + "\", response = y, predictors = [x1, x2] } }\n" + SMALL);
    Path out = work.resolve("out-" + i);
    return run(i, "data", type + ": " + mutation, List.of("fit", conf.toString(), "--out",
        out.toString()), out, "target.");
  }

  private Result parquetCase(int i) throws IOException {
    Path parquet = parquets.get(random.nextInt(parquets.size()));
    String type = random.nextBoolean() ? "logistic-regression" : "poisson-regression";
    Path conf = work.resolve("case-" + i + ".conf");
    Files.writeString(conf, "target { type = " + type + ", data { path = \"" + parquet
        + "\", response = y, predictors = [x1, x2] } }\n" + SMALL);
    Path out = work.resolve("out-" + i);
    return run(i, "data", type + ": parquet " + parquet.getFileName(), List.of("fit",
        conf.toString(), "--out", out.toString()), out, "target.");
  }

  // ------------------------------------------------------------------ prior strings

  private Result priorCase(int i) throws IOException {
    String prior = PRIORS[random.nextInt(PRIORS.length)];
    if (random.nextBoolean() && !prior.isEmpty()) {
      prior = corrupt(prior);
    }
    String[] keys = {"coefficients", "intercept", "sigma"};
    String key = "target.prior." + keys[random.nextInt(keys.length)];
    String quoted = "\"" + prior.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    Path conf = work.resolve("case-" + i + ".conf");
    Files.writeString(conf, baseConfigs.get("linear") + key + " = " + quoted + "\n");
    Path out = work.resolve("out-" + i);
    return run(i, "prior", key + " = " + quoted, List.of("fit", conf.toString(), "--out",
        out.toString()), out, "target.prior.");
  }

  // ------------------------------------------------------------------ running and judging

  private Result run(int i, String kind, String mutation, List<String> args, Path out,
      String expectKey) {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    Future<Integer> future = runner.submit(() -> Main.execute(Main.commandLine()
        .setOut(new PrintWriter(stdout)).setErr(new PrintWriter(stderr)),
        args.toArray(new String[0])));
    int code;
    try {
      code = future.get(limitSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      runner.shutdownNow();
      runner = Executors.newSingleThreadExecutor(Fuzz::daemon);
      return new Result(i, kind, mutation, Outcome.HANG, "over " + limitSeconds + " s");
    } catch (Exception e) {
      return new Result(i, kind, mutation, Outcome.BAD_EXIT, "harness: " + e);
    }
    Result result = judge(i, kind, mutation, code, stdout.toString(), stderr.toString(), out,
        expectKey);
    if (result.outcome() == Outcome.SUCCESS && i > 0) {
      delete(out); // thousands of cases: keep only what a finding needs
    }
    return result;
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Result judge(int i, String kind, String mutation, int code, String stdout,
      String stderr, Path out, String expectKey) {
    String err = stderr.strip();
    if (stdout.contains("\tat ") || stderr.contains("\tat ") || err.contains("Exception:")) {
      return new Result(i, kind, mutation, Outcome.STACK_TRACE, firstLines(err));
    }
    if (code == Main.EXIT_OK) {
      String problem = checkOutputs(out);
      return new Result(i, kind, mutation, problem == null ? Outcome.SUCCESS
          : problem.startsWith("NaN") ? Outcome.NAN : Outcome.LEFTOVERS, problem);
    }
    if (code != Main.EXIT_USAGE) {
      return new Result(i, kind, mutation, Outcome.BAD_EXIT, "exit " + code + ": "
          + firstLines(err));
    }
    if (err.lines().count() != 1 || !err.startsWith("error: ")) {
      return new Result(i, kind, mutation, Outcome.MULTI_LINE, firstLines(err));
    }
    if (Files.exists(out)) {
      return new Result(i, kind, mutation, Outcome.LEFTOVERS, "an output directory: " + err);
    }
    String last = expectKey == null ? "" : expectKey.substring(expectKey.lastIndexOf('.') + 1);
    if (expectKey != null && !err.contains(expectKey) && (last.isEmpty() || !err.contains(last))) {
      return new Result(i, kind, mutation, Outcome.UNNAMED, err);
    }
    return new Result(i, kind, mutation, Outcome.USER_ERROR, err);
  }

  private static String firstLines(String text) {
    return String.join(" | ", text.lines().limit(3).toList());
  }

  /** null when a successful run's outputs are complete and finite, else what is wrong. */
  private static String checkOutputs(Path out) {
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".tmp") || name.startsWith(".")) {
          return "temporary file " + f;
        }
        String nonFinite = name.equals("draws.csv") ? nonFiniteCell(f)
            : name.endsWith(".json") ? nonFiniteJson(JSON.readTree(f.toFile()), "") : null;
        if (nonFinite != null) {
          return "NaN in " + name + ": " + nonFinite;
        }
      }
      return null;
    } catch (IOException e) {
      return "unreadable outputs: " + e;
    }
  }

  /** The first cell of a draws.csv (after its header) that is not a finite number, or null. */
  private static String nonFiniteCell(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    for (String line : lines.subList(1, lines.size())) {
      for (String cell : line.split(",", -1)) {
        try {
          if (!Double.isFinite(Double.parseDouble(cell))) {
            return cell;
          }
        } catch (NumberFormatException e) {
          return "\"" + cell + "\"";
        }
      }
    }
    return null;
  }

  /**
   * The path of a non-finite number in a JSON output (a NaN or infinite number, or the text
   * "NaN" or "Infinity" where a number belongs), or null; the echoed configuration is the
   * user's text and is skipped.
   */
  private static String nonFiniteJson(JsonNode node, String path) {
    if (node.isNumber() && !Double.isFinite(node.asDouble())
        || node.isTextual() && node.asText().matches("-?(NaN|Infinity)")) {
      return path;
    }
    for (var fields = node.fields(); fields.hasNext(); ) {
      var field = fields.next();
      String found = field.getKey().equals("config") ? null
          : nonFiniteJson(field.getValue(), path + "/" + field.getKey());
      if (found != null) {
        return found;
      }
    }
    for (int k = 0; node.isArray() && k < node.size(); k++) {
      String found = nonFiniteJson(node.get(k), path + "/" + k);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** Counts by kind and outcome, then every finding, as Markdown. */
  static String report(List<Result> results) {
    Map<String, Map<Outcome, Integer>> counts = new TreeMap<>();
    for (Result r : results) {
      counts.computeIfAbsent(r.kind(), k -> new TreeMap<>()).merge(r.outcome(), 1, Integer::sum);
    }
    StringBuilder b = new StringBuilder("| input | cases |");
    for (Outcome o : Outcome.values()) {
      b.append(' ').append(o.name().toLowerCase().replace('_', ' ')).append(" |");
    }
    b.append("\n|---|---:|").append("---:|".repeat(Outcome.values().length)).append('\n');
    counts.forEach((kind, byOutcome) -> {
      b.append("| ").append(kind).append(" | ")
          .append(byOutcome.values().stream().mapToInt(Integer::intValue).sum()).append(" |");
      for (Outcome o : Outcome.values()) {
        b.append(' ').append(byOutcome.getOrDefault(o, 0)).append(" |");
      }
      b.append('\n');
    });
    results.stream().filter(Fuzz::isFinding).forEach(r -> b.append("\n- case ")
        .append(r.index()).append(" (").append(r.kind()).append(", ").append(r.mutation())
        .append("): ").append(r.outcome()).append(": ").append(r.detail()));
    return b.append('\n').toString();
  }

  static boolean isFinding(Result r) {
    return r.outcome() != Outcome.SUCCESS && r.outcome() != Outcome.USER_ERROR;
  }

  /** {@code Fuzz CASES SEED WORKDIR [LIMIT_SECONDS]}: the report on stdout. */
  public static void main(String[] args) throws IOException {
    int cases = Integer.parseInt(args[0]);
    Fuzz fuzz = new Fuzz(Path.of(args[2]), Long.parseLong(args[1]),
        args.length > 3 ? Long.parseLong(args[3]) : 60);
    fuzz.setUp();
    List<Result> results = fuzz.run(cases);
    if (Boolean.getBoolean("poevi.fuzz.verbose")) {
      results.forEach(r -> System.out.println(r.index() + " " + r.kind() + " [" + r.mutation()
          + "] " + r.outcome() + ": " + r.detail()));
    }
    System.out.print(report(results));
    System.exit(results.stream().anyMatch(Fuzz::isFinding) ? 1 : 0);
  }
}
