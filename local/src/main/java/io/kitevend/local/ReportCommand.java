package io.kitevend.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.DynamoAuditReader;
import io.kitevend.aws.DynamoBindingReader;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingsDocument;
import io.kitevend.binding.FieldError;
import io.kitevend.json.Json;
import io.kitevend.report.AuditRecordSource;
import io.kitevend.report.AuditReportService;
import io.kitevend.report.BindingSource;
import io.kitevend.report.DirectoryReportStore;
import io.kitevend.report.ReportWindow;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.regions.Region;

/**
 * Runs the audit report code (the same as the scheduled function) on this machine and writes
 * report.json and report.html under a folder, from a running {@code ./kitevend dev} or from
 * DynamoDB (an emulator endpoint or real AWS).
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Write the audit report of a time window (report.json, report.html) to a folder.")
final class ReportCommand implements Callable<Integer> {
    @Option(
            names = "--from",
            description = "Window start: an ISO instant or a date (UTC). Default: start of yesterday.")
    String from;

    @Option(names = "--to", description = "Window end (exclusive): an ISO instant or a date. Default: start of today.")
    String to;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Folder for reports/YYYY/MM/DD/report.{json,html}.")
    Path out;

    @Option(
            names = "--url",
            description = "A running ./kitevend dev to read records and bindings from. Default: ${DEFAULT-VALUE}.")
    URI url = URI.create("http://127.0.0.1:8787");

    @Option(
            names = "--aws-endpoint",
            paramLabel = "URL",
            description = "Read the DynamoDB tables at this endpoint instead (moto, LocalStack).")
    URI awsEndpoint;

    @Option(names = "--aws", description = "Read the DynamoDB tables in real AWS (default credentials chain).")
    boolean aws;

    @Option(names = "--region", description = "Default: $AWS_REGION, else us-east-1.")
    String region;

    @Option(names = "--audit-table", description = "Default: ${DEFAULT-VALUE}.")
    String auditTable = "kitevend-audit";

    @Option(names = "--bindings-table", description = "Default: ${DEFAULT-VALUE}.")
    String bindingsTable = "kitevend-bindings";

    @Option(names = "--audit-shards", description = "Must match the vend function's. Default: ${DEFAULT-VALUE}.")
    int auditShards = 4;

    @Option(
            names = "--organizations",
            paramLabel = "SLUGS",
            description = "Organizations whose bindings are judged. Default: ${DEFAULT-VALUE}.")
    String organizations = "acme";

    @Override
    public Integer call() throws Exception {
        ReportWindow window = window();
        AuditRecordSource records;
        BindingSource bindings;
        if (awsEndpoint != null || aws) {
            String regionName = region != null ? region : System.getenv().getOrDefault("AWS_REGION", "us-east-1");
            var dynamo = new AwsClients(
                            LocalRunner.localSettings(Region.of(regionName), Optional.ofNullable(awsEndpoint)))
                    .dynamo();
            Set<String> orgs = new LinkedHashSet<>(List.of(organizations.split(",")));
            records = new DynamoAuditReader(dynamo, auditTable, auditShards);
            bindings = new DynamoBindingReader(
                    dynamo,
                    bindingsTable,
                    orgs,
                    problem -> System.err.println("kitevend report: skipped a stored binding: " + problem));
        } else {
            List<Map<String, Object>> all = fromRunner("/dev/audit", "records");
            records = w -> all.stream();
            List<Binding> fromDev = runnerBindings();
            bindings = () -> fromDev;
        }
        Files.createDirectories(out);
        var outcome = AuditReportService.of(records, bindings, new DirectoryReportStore(out))
                .run(window);
        System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(outcome.summary()));
        return 0;
    }

    private ReportWindow window() {
        if (from == null && to == null) {
            return ReportWindow.lastFullDay(Instant.now());
        }
        Instant start = from == null ? null : instant(from);
        Instant end = to == null ? Instant.now() : instant(to);
        if (start == null) {
            start = end.minus(Duration.ofDays(1));
        }
        return new ReportWindow(start, end);
    }

    private static Instant instant(String text) {
        try {
            return text.length() == 10
                    ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is neither a date (2026-11-24) nor an instant (2026-11-24T00:00:00Z)");
        }
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> fromRunner(String path, String field) throws Exception {
        LocalHttp.Response r;
        try {
            r = LocalHttp.get(url.resolve(path));
        } catch (ConnectException e) {
            throw new IllegalArgumentException(
                    "nothing answers at " + url + "; start ./kitevend dev, or use --aws-endpoint");
        }
        if (r.status() != 200) {
            throw notServed(path, r.status());
        }
        return (List<Map<String, Object>>)
                Json.mapper().readValue(r.body(), Map.class).get(field);
    }

    /** A runner with --aws-endpoint or --aws serves no /dev/* unless started with --dev-routes. */
    private IllegalArgumentException notServed(String path, int status) {
        return new IllegalArgumentException(url + path + " answered " + status
                + (status == 404
                        ? " (a runner with --aws-endpoint or --aws serves /dev/* only with --dev-routes;"
                                + " read its tables with --aws-endpoint or --aws instead)"
                        : ""));
    }

    private List<Binding> runnerBindings() throws Exception {
        LocalHttp.Response r = LocalHttp.get(url.resolve("/dev/bindings"));
        if (r.status() != 200) {
            throw notServed("/dev/bindings", r.status());
        }
        List<Binding> out = new ArrayList<>();
        for (JsonNode node : Json.readTree(r.body()).path("bindings")) {
            List<FieldError> errors = new ArrayList<>();
            Binding b = BindingsDocument.fromJson(node, errors);
            if (b != null && errors.isEmpty()) {
                out.add(b.toBuilder()
                        .version(node.path("version").asLong())
                        .createdAt(
                                node.hasNonNull("created_at")
                                        ? Instant.parse(node.get("created_at").asText())
                                        : null)
                        .build());
            }
        }
        return out;
    }
}
