package org.poevi.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import org.junit.jupiter.api.Test;

/** summary.json's echo of the configuration leaves credentials out. */
class FitSummaryTest {
  @Test
  void credentialsInTheConfigurationAreRedacted() throws Exception {
    String hocon = "target { type = logistic-regression, data { path = \"s3a://b/x.csv\","
        + " options { header = true, password = hunter2, \"fs.s3a.secret.key\" = abc,"
        + " \"fs.s3a.access.key\" = AKIA, sep = \";\" } } }\n"
        + "fit { seed = 3, tolerance = 0.001 }\n"
        + "spark { conf { \"spark.hadoop.fs.gs.auth.token\" = t } }";
    JsonNode node = new ObjectMapper().readTree(ConfigFactory.parseString(hocon).resolve().root()
        .render(ConfigRenderOptions.concise()));
    JsonNode out = FitSummary.redacted(node, "");
    JsonNode options = out.at("/target/data/options");
    assertEquals(FitSummary.REDACTED, options.get("password").asText());
    assertEquals(FitSummary.REDACTED, options.get("fs.s3a.secret.key").asText());
    assertEquals(FitSummary.REDACTED, options.get("fs.s3a.access.key").asText());
    assertEquals(FitSummary.REDACTED, out.at("/spark/conf").get("spark.hadoop.fs.gs.auth.token")
        .asText());
    // Everything else is echoed as it was.
    assertEquals(";", options.get("sep").asText());
    assertEquals(true, options.get("header").asBoolean());
    assertEquals("s3a://b/x.csv", out.at("/target/data/path").asText());
    assertEquals(3, out.at("/fit/seed").asInt());
    assertEquals(0.001, out.at("/fit/tolerance").asDouble(), 0);
  }
}
