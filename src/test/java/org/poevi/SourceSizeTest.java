package org.poevi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Sizes that fit in a head (STYLE.md): no main source file over {@value #MAX_FILE_LINES} lines
 * and no method over {@value #MAX_METHOD_LINES} lines, except the ones listed below with the
 * reason. Methods are measured on javac's syntax tree, from the first line of their declaration
 * (annotations and Javadoc excluded) to their closing brace.
 */
class SourceSizeTest {
  static final int MAX_FILE_LINES = 400;
  static final int MAX_METHOD_LINES = 60;
  private static final Path MAIN = Path.of("src/main/java");

  /** Files allowed to be longer, with why (file path relative to src/main/java). */
  private static final Map<String, String> LONG_FILES = Map.of();

  /** Methods allowed to be longer ("Class.method"), with why. */
  private static final Map<String, String> LONG_METHODS = Map.of();

  @Test
  void noMainFileIsLongerThanTheLimit() throws IOException {
    List<String> tooLong = new ArrayList<>();
    for (Path file : sources()) {
      long lines = Files.readAllLines(file).size();
      String name = MAIN.relativize(file).toString();
      if (lines > MAX_FILE_LINES && !LONG_FILES.containsKey(name)) {
        tooLong.add(name + " (" + lines + " lines)");
      }
    }
    assertEquals(List.of(), tooLong);
  }

  @Test
  void noMethodIsLongerThanTheLimit() throws IOException {
    List<String> tooLong = new ArrayList<>();
    for (Method m : methods()) {
      if (m.lines() > MAX_METHOD_LINES && !LONG_METHODS.containsKey(m.name())) {
        tooLong.add(m.name() + " (" + m.lines() + " lines, " + m.file() + ")");
      }
    }
    assertEquals(List.of(), tooLong);
  }

  /** The measure itself: it sees every method, and counts lines as a reader would. */
  @Test
  void theMeasureSeesMethods() throws IOException {
    List<Method> all = methods();
    assertTrue(all.size() > 500, "methods found: " + all.size());
    Method main = all.stream().filter(m -> m.name().equals("Main.main")).findFirst()
        .orElseThrow();
    assertTrue(main.lines() >= 3 && main.lines() <= MAX_METHOD_LINES, main.toString());
  }

  record Method(String name, String file, long lines) {}

  private static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static List<Method> methods() throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    List<Method> out = new ArrayList<>();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, null)) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources());
      JavacTask task = (JavacTask) compiler.getTask(null, files, null, List.of("-proc:none"),
          null, units);
      SourcePositions positions = Trees.instance(task).getSourcePositions();
      for (CompilationUnitTree unit : task.parse()) {
        LineMap lines = unit.getLineMap();
        String file = MAIN.toAbsolutePath().relativize(Path.of(unit.getSourceFile().toUri()))
            .toString();
        new TreeScanner<Void, String>() {
          @Override
          public Void visitClass(ClassTree node, String outer) {
            String name = outer == null ? node.getSimpleName().toString()
                : outer + "." + node.getSimpleName();
            return super.visitClass(node, name);
          }

          @Override
          public Void visitMethod(MethodTree node, String owner) {
            if (node.getBody() != null) {
              // From the return type (after any annotations), or a constructor's start.
              Tree from = node.getReturnType() != null ? node.getReturnType() : node;
              long first = lines.getLineNumber(positions.getStartPosition(unit, from));
              long last = lines.getLineNumber(positions.getEndPosition(unit, node));
              out.add(new Method(owner + "." + node.getName(), file, last - first + 1));
            }
            return super.visitMethod(node, owner);
          }
        }.scan(unit, null);
      }
    }
    return out;
  }
}
