package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import io.kitevend.testing.Emulators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./kitevend report} over what a running {@code ./kitevend dev} audited, as docs/operations.md says to run it. */
class ReportCliIT extends RunnerBlackBoxSuite {
    @TempDir
    Path home;

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

    /** Traffic of each kind the runner serves: vends and secrets allowed and refused, a replay, a missing secret. */
    private void traffic() throws Exception {
        vendWith(mint("deploy", "main"));
        vendWith(mint("deploy", "feature/x"));
        String token = mint("deploy", "main");
        vendWith(token);
        vendWith(token);
        secrets(mint("publish", "main"), "publish-main");
        secrets(mint("publish", "broken"), "publish-broken");
    }

    /** The {@code ./kitevend report} lines of docs/operations.md's audit report section that read a dev runner. */
    static List<List<String>> readmeReportCommands() throws Exception {
        String readme = Files.readString(Emulators.repoRoot().resolve("docs/operations.md"));
        int section = readme.indexOf("\n## Audit reports");
        assertThat(section).as("the audit report section of docs/operations.md").isPositive();
        int end = readme.indexOf("\n## ", section + 1);
        List<List<String>> commands = new ArrayList<>();
        boolean inCode = false;
        for (String line : readme.substring(section, end < 0 ? readme.length() : end)
                .lines()
                .toList()) {
            if (line.startsWith("```")) {
                inCode = !inCode;
            } else if (inCode && line.startsWith("./kitevend report") && !line.contains("--aws")) {
                String command = line.replaceFirst("\\s+#.*$", "").strip();
                commands.add(Arrays.asList(command.split("\\s+", -1)));
            }
        }
        return commands;
    }

    @Test
    void theReadmesReportCommandWorksAsWrittenAndCountsWhatTheRunnerAudited() throws Exception {
        traffic();
        List<Map<String, Object>> audited = auditRecords();
        List<List<String>> commands = readmeReportCommands();
        assertThat(commands)
                .as("docs/operations.md shows how to report on a dev runner")
                .isNotEmpty();
        for (List<String> command : commands) {
            // As written, plus the address of this test's runner (the page's is the default port).
            assertThat(command.subList(0, 2)).containsExactly("./kitevend", "report");
            List<String> args = new ArrayList<>(command.subList(2, command.size()));
            args.addAll(List.of("--url", url.toString()));
            JsonNode report = run(args);
            assertThat(report.at("/totals/records").asLong())
                    .as(String.join(" ", command))
                    .isEqualTo(audited.size());
            assertThat(byKindAndDecision(report)).isEqualTo(count(audited));
            List<String> refusalReasons = new ArrayList<>();
            report.at("/refusals/by_reason")
                    .forEach(r -> refusalReasons.add(r.get("reason").asText()));
            assertThat(refusalReasons).contains("no_matching_binding", "token_replayed", "secret_not_found");
        }
    }

    @Test
    void aDateAloneAsFromReportsFromThatDayToNow() throws Exception {
        traffic();
        List<Map<String, Object>> audited = auditRecords();
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode report = run(List.of("--from", today, "--url", url.toString()));
        assertThat(report.at("/window/from").asText()).isEqualTo(today + "T00:00:00Z");
        assertThat(report.at("/totals/records").asLong()).isEqualTo(audited.size());
    }

    @Test
    void aBadDateIsRefusedWithTheOptionAndAnExample(@TempDir Path elsewhere) throws Exception {
        try (RunnerProcess report = RunnerProcess.start(
                Map.of("HOME", elsewhere.toString()), "report", "--from", "2026-13-01", "--url", url.toString())) {
            assertThat(report.awaitExit()).isEqualTo(2);
            awaitLine(report.stderr, "--from");
            assertThat(String.join("\n", report.stderr))
                    .contains("kitevend: --from '2026-13-01' is not a UTC date (2026-11-24) or a time")
                    .doesNotContain("Exception");
        }
        assertThat(elsewhere.resolve(".kitevend")).as("nothing written").doesNotExist();
    }

    /** Runs {@code ./kitevend report ARGS} with this test's home; the report it wrote there. */
    private JsonNode run(List<String> args) throws Exception {
        List<String> all = new ArrayList<>(List.of("report"));
        all.addAll(args);
        try (RunnerProcess report = RunnerProcess.start(Map.of("HOME", home.toString()), all.toArray(String[]::new))) {
            assertThat(report.awaitExit()).as(String.join("\n", report.stderr)).isZero();
            String open = awaitLine(report.stderr, "open file:");
            Path html = Path.of(java.net.URI.create(open.substring(open.indexOf("file:"))));
            assertThat(html)
                    .as("the page lands in ~/.kitevend, outside the repository")
                    .startsWith(home.resolve(".kitevend/reports"))
                    .exists();
            return Json.readTree(Files.readString(html.resolveSibling("report.json")));
        }
    }

    private static String awaitLine(List<String> lines, String containing) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            for (String line : lines) {
                if (line.contains(containing)) {
                    return line;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line with '" + containing + "' in " + lines);
    }

    private static Map<String, Long> byKindAndDecision(JsonNode report) {
        Map<String, Long> out = new TreeMap<>();
        report.at("/totals/by_kind").properties().forEach(kind -> {
            for (String d : List.of("allow", "deny", "error")) {
                long n = kind.getValue().get(d).asLong();
                if (n > 0) {
                    out.put(kind.getKey() + " " + d, n);
                }
            }
        });
        return out;
    }

    private static Map<String, Long> count(List<Map<String, Object>> records) {
        Map<String, Long> out = new TreeMap<>();
        records.forEach(r -> out.merge(r.get("kind") + " " + r.get("decision"), 1L, Long::sum));
        return out;
    }
}
