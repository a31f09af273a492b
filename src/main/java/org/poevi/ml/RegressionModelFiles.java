package org.poevi.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.poevi.InvalidInputException;
import org.poevi.family.FittedModel;
import org.poevi.family.ModelJson;
import org.poevi.io.AtomicFiles;
import org.poevi.results.JsonOutput;

/**
 * A saved fitted model of this package (a Bayesian regression's or a {@link PoeviModel}): a
 * directory with Spark ML's {@code metadata} (the class, uid and Params, so {@code Pipeline} and
 * {@code PipelineModel} save and load it like any MLlib stage), {@code model.json} (the
 * posterior, byte for byte the file {@code poevi fit} writes, readable by {@code poevi sample}
 * and {@code poevi evaluate}) and {@code summary.json}. Written and read through Hadoop's file
 * systems, so any path Spark can save to.
 */
final class RegressionModelFiles {
  static final String MODEL = "model.json";
  static final String SUMMARY = "summary.json";

  private RegressionModelFiles() {}

  /** Makes a model of one class from its saved parts. */
  interface Factory<M> {
    M create(String uid, FittedModel posterior, String summaryJson);
  }

  /** Writes a stage's metadata, its posterior's model.json and its summary.json. */
  static final class Writer extends MLWriter {
    private final Params stage;
    private final FittedModel posterior;
    private final String summaryJson;

    Writer(Params stage, FittedModel posterior, String summaryJson) {
      this.stage = stage;
      this.posterior = posterior;
      this.summaryJson = summaryJson;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter$.MODULE$.saveMetadata(stage, path, sparkSession());
      write(new Path(path, MODEL), JsonOutput.content(posterior.toJson()));
      write(new Path(path, SUMMARY), JsonOutput.content(Posteriors.summary(stage.uid(),
          summaryJson)));
    }

    private void write(Path file, AtomicFiles.Content content) {
      try {
        FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
        try (OutputStream out = fs.create(file, false)) {
          content.writeBytes(out);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** Reads a stage of class {@code M} saved by {@link Writer}. */
  static final class Reader<M extends Params> extends MLReader<M> {
    private final Class<M> type;
    private final Factory<M> factory;

    Reader(Class<M> type, Factory<M> factory) {
      this.type = type;
      this.factory = factory;
    }

    @Override
    public M load(String path) {
      if (!exists(new Path(path, "metadata"))) {
        throw new InvalidInputException("model directory " + path + ": no metadata (not a"
            + " saved " + type.getSimpleName() + ")");
      }
      DefaultParamsReader.Metadata metadata;
      try {
        metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
            type.getName());
      } catch (IllegalArgumentException e) {
        // Spark's "requirement failed: ... Expected class name X but found class name Y".
        throw new InvalidInputException("model directory " + path + ": "
            + e.getMessage().replace("requirement failed: ", ""), e);
      }
      FittedModel posterior;
      String model = text(new Path(path, MODEL));
      try {
        posterior = ModelJson.parseAny(model);
      } catch (InvalidInputException e) {
        throw new InvalidInputException("model file " + new Path(path, MODEL) + ": "
            + e.getMessage(), e);
      }
      M loaded = factory.create(metadata.uid(), posterior, text(new Path(path, SUMMARY)));
      metadata.getAndSetParams(loaded, scala.Option.empty());
      return loaded;
    }

    private boolean exists(Path file) {
      try {
        return file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration())
            .exists(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }

    private String text(Path file) {
      try {
        FileSystem fs = file.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
        if (!fs.exists(file)) {
          throw new InvalidInputException("model directory " + file.getParent() + ": no "
              + file.getName() + " (not a saved " + type.getSimpleName() + ")");
        }
        try (InputStream in = fs.open(file)) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
