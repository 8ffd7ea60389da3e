package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./kitevend report} over what a running {@code ./kitevend dev} audited. */
class ReportCliIT extends RunnerBlackBoxSuite {
    @TempDir
    Path out;

    @Override
    List<String> extraArgs() {
        return EmbeddedRunnerIT.localSecretsArgs();
    }

    @Override
    String signingKey() {
        return EmbeddedRunnerIT.SIGNING_KEY;
    }

    @Override
    String secretsSource() {
        return "local-file";
    }

    @Test
    void theReportCountsWhatTheRunnerAudited() throws Exception {
        vendWith(mint("deploy", "main"));
        vendWith(mint("deploy", "feature/x"));
        List<java.util.Map<String, Object>> audited = auditRecords();
        long allowed =
                audited.stream().filter(r -> "allow".equals(r.get("decision"))).count();
        long denied =
                audited.stream().filter(r -> "deny".equals(r.get("decision"))).count();

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        try (RunnerProcess report = RunnerProcess.start(
                "report", "--url", url.toString(), "--from", today, "--to", tomorrow, "--out", out.toString())) {
            assertThat(report.awaitExit()).as(String.join("\n", report.stderr)).isZero();
        }
        Path json = out.resolve("reports/" + today.replace('-', '/') + "/report.json");
        Path html = json.resolveSibling("report.html");
        assertThat(json).exists();
        assertThat(html).exists();
        JsonNode report = Json.readTree(Files.readString(json));
        assertThat(report.path("totals").path("by_decision").path("allow").asLong())
                .isEqualTo(allowed);
        assertThat(report.path("totals").path("by_decision").path("deny").asLong())
                .isEqualTo(denied);
        assertThat(Files.readString(html)).contains("<svg");
    }
}
