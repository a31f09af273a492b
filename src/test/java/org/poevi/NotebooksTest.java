package org.poevi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.poevi.results.Evaluate;
import org.poevi.results.SampleOutcome;
import org.poevi.spark.Poevi;
import org.poevi.spark.PoeviFit;

/**
 * The shipped notebooks' structure: Zeppelin notes (which cannot run in CI: no Zeppelin server
 * can be installed here) are valid JSON with the fields a Zeppelin 0.9+ export has, and every
 * poevi method their Scala paragraphs call exists; Jupyter notebooks (executed by jobs/notebooks)
 * have no committed outputs; those on the Java kernel start with the user's setup cell, tagged
 * skip-execution, then the Janino logging fix; those on Python use the poevi package alone.
 */
class NotebooksTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path DIR = Path.of("notebooks");
  /** The Scala values of the note and the API class each one is. */
  private static final Map<String, Class<?>> VALUES = Map.of("poevi", Poevi.class,
      "fit", PoeviFit.class, "big", PoeviFit.class, "more", SampleOutcome.class,
      "Poevi", Poevi.class, "report", Evaluate.Report.class);

  private static List<Path> files(String extension) throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      return s.filter(p -> p.toString().endsWith(extension)).sorted().toList();
    }
  }

  @Test
  void zeppelinNotesHaveTheExportedStructure() throws IOException {
    List<Path> notes = files(".zpln");
    assertFalse(notes.isEmpty(), "no Zeppelin note in notebooks/");
    for (Path file : notes) {
      JsonNode note = JSON.readTree(file.toFile());
      for (String key : List.of("paragraphs", "name", "id", "defaultInterpreterGroup", "version",
          "noteParams", "noteForms", "angularObjects", "config", "info")) {
        assertTrue(note.has(key), file + " lacks " + key);
      }
      String id = note.get("id").asText();
      assertTrue(id.matches("[0-9A-Z]{9}"), file + ": note id " + id);
      assertTrue(file.getFileName().toString().endsWith("_" + id + ".zpln"),
          file + ": Zeppelin names a note file <name>_<id>.zpln");
      assertEquals("spark", note.get("defaultInterpreterGroup").asText());
      JsonNode paragraphs = note.get("paragraphs");
      assertTrue(paragraphs.isArray() && paragraphs.size() > 3, file + ": paragraphs");
      int scala = 0;
      List<String> ids = new ArrayList<>();
      for (JsonNode p : paragraphs) {
        for (String key : List.of("text", "config", "settings", "id", "status", "jobName")) {
          assertTrue(p.has(key), file + ": a paragraph lacks " + key);
        }
        assertTrue(p.get("settings").has("params") && p.get("settings").has("forms"));
        assertTrue(p.get("config").has("editorSetting") && p.get("config").has("editorMode"));
        ids.add(p.get("id").asText());
        String text = p.get("text").asText();
        String directive = text.split("\\s", 2)[0];
        assertTrue(List.of("%md", "%spark", "%spark.conf").contains(directive),
            file + ": paragraph interpreter " + directive);
        if (directive.equals("%spark")) {
          scala++;
          assertEquals("scala", p.get("config").get("editorSetting").get("language").asText());
          checkApiCalls(file, text);
        }
      }
      assertEquals(ids.size(), ids.stream().distinct().count(), file + ": paragraph ids repeat");
      assertTrue(scala >= 3, file + ": Scala paragraphs calling the API");
    }
  }

  /** Every value.method( call on a poevi value names a public method of its class. */
  private static void checkApiCalls(Path file, String text) {
    Matcher m = Pattern.compile("\\b(\\w+)\\.(\\w+)\\(").matcher(text);
    int checked = 0;
    while (m.find()) {
      Class<?> type = VALUES.get(m.group(1));
      if (type == null) {
        continue;
      }
      String name = m.group(2);
      boolean exists = Arrays.stream(type.getMethods())
          .anyMatch(method -> method.getName().equals(name)
              && Modifier.isPublic(method.getModifiers()));
      assertTrue(exists, file + ": " + type.getSimpleName() + " has no public method " + name);
      checked++;
    }
    assertTrue(checked > 0 || !text.contains("poevi"), file + ": no API call found in " + text);
  }

  /** The Jupyter notebooks: kernel "poevi-java" (Java), else the standard "python3". */
  private static Map<String, List<String>> notebooksByKernel() throws IOException {
    Map<String, List<String>> byKernel = new java.util.TreeMap<>();
    for (Path file : files(".ipynb")) {
      JsonNode nb = JSON.readTree(file.toFile());
      assertEquals(4, nb.get("nbformat").asInt(), file.toString());
      byKernel.computeIfAbsent(nb.get("metadata").get("kernelspec").get("name").asText(),
          k -> new ArrayList<>()).add(file.getFileName().toString());
      code(nb).forEach(c -> assertTrue(c.path("outputs").isEmpty(),
          file + ": outputs are not committed"));
    }
    return byKernel;
  }

  private static List<JsonNode> code(JsonNode nb) {
    List<JsonNode> code = new ArrayList<>();
    nb.get("cells").forEach(c -> {
      if (c.get("cell_type").asText().equals("code")) {
        code.add(c);
      }
    });
    return code;
  }

  @Test
  void jupyterNotebooksRunOnTheJavaOrThePythonKernel() throws IOException {
    assertEquals(Map.of("poevi-java", List.of("big-data.ipynb", "posterior.ipynb",
        "quickstart.ipynb", "spark-ml.ipynb"), "python3", List.of("pyspark-quickstart.ipynb")),
        notebooksByKernel());
  }

  @Test
  void javaNotebooksStartWithTheSetupCellThenTheJaninoFix() throws IOException {
    for (String name : notebooksByKernel().get("poevi-java")) {
      Path file = DIR.resolve(name);
      List<JsonNode> code = code(JSON.readTree(file.toFile()));
      JsonNode setup = code.get(0);
      assertTrue(tags(setup).contains("skip-execution"), file + ": setup cell not skipped");
      assertTrue(source(setup).contains("%jar"), file + ": setup cell loads no jar");
      assertTrue(source(code.get(1)).contains("org.codehaus.janino"), file + ": Janino fix");
      for (JsonNode c : code.subList(1, code.size())) {
        assertFalse(tags(c).contains("skip-execution"), file + ": only the setup is skipped");
      }
    }
  }

  @Test
  void pythonNotebooksUseThePackageOnly() throws IOException {
    for (String name : notebooksByKernel().get("python3")) {
      Path file = DIR.resolve(name);
      List<JsonNode> code = code(JSON.readTree(file.toFile()));
      assertTrue(source(code.get(0)).contains("poevi.session("), file + ": starts a session");
      for (JsonNode c : code) {
        assertFalse(source(c).contains("_jvm"), file + ": calls the JVM behind the package");
      }
    }
  }

  private static List<String> tags(JsonNode cell) {
    List<String> tags = new ArrayList<>();
    cell.path("metadata").path("tags").forEach(t -> tags.add(t.asText()));
    return tags;
  }

  private static String source(JsonNode cell) {
    JsonNode s = cell.get("source");
    if (s.isArray()) {
      StringBuilder b = new StringBuilder();
      s.forEach(line -> b.append(line.asText()));
      return b.toString();
    }
    return s.asText();
  }
}
