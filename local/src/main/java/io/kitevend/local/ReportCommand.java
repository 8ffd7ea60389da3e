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
import io.kitevend.report.AuditReport;
import io.kitevend.report.AuditReportService;
import io.kitevend.report.BindingSource;
import io.kitevend.report.DirectoryReportStore;
import io.kitevend.report.ReportWindow;
import io.kitevend.text.Text;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>The window is in UTC, like the report. Without dates it is today so far, so that what a dev
 * runner just did shows; {@code --from DATE} alone runs from that day to now; {@code --to DATE}
 * alone is that whole day. A date given to {@code --to} includes that day; a time is an exclusive
 * end. Times may have any precision: the window is widened to whole milliseconds (the audit
 * records' precision). The report goes to {@code ~/.kitevend} unless {@code --out} says otherwise:
 * outside any repository, and the same folder every time, so its history carries over.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Write the audit report of a time window (report.json, report.html) to a folder.",
            "Dates and times are UTC. Without --from and --to: today so far. For example:",
            "  --from 2026-11-24                    that day until now",
            "  --to 2026-11-24                      that whole day",
            "  --from 2026-11-24 --to 2026-11-25    both days",
            "  --from 2026-11-24T09:00:00Z --to 2026-11-24T10:30:00Z"
        })
final class ReportCommand implements Callable<Integer> {
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    static final String DATE_OR_TIME =
            "a UTC date (2026-11-24) or a time (2026-11-24T10:00:00Z, or with an offset such as +01:00)";

    @Option(
            names = "--from",
            paramLabel = "DATE|TIME",
            description = "Window start: a UTC date (its 00:00) or a time. Default: today 00:00 UTC, or the start"
                    + " of the day of --to.")
    String from;

    @Option(
            names = "--to",
            paramLabel = "DATE|TIME",
            description = "Window end: a UTC date (up to the end of that day) or a time (exclusive). Default: now.")
    String to;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Folder for reports/YYYY/MM/DD/report.{json,html} and reports/state.json (the history"
                    + " carried from run to run). Default: ~/.kitevend")
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
        ReportWindow window = window(from, to, Instant.now());
        Path folder = out != null ? out : defaultFolder(System.getenv("HOME"), System.getProperty("user.home"));
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
        Files.createDirectories(folder);
        var outcome = AuditReportService.of(records, bindings, new DirectoryReportStore(folder))
                .run(window);
        System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(outcome.summary()));
        System.err.println(said(outcome.report(), Path.of(outcome.written().html())));
        return 0;
    }

    /** What a person reads after a run: the window, the counts, where the page is, and what the window left out. */
    static String said(AuditReport report, Path html) {
        AuditReport.Totals t = report.totals();
        StringBuilder b = new StringBuilder(String.format(
                Locale.ROOT,
                "kitevend report: %s to %s UTC: %d requests (%d allowed, %d refused, %d errors)%n  open %s",
                SECOND.format(report.window().from()),
                SECOND.format(report.window().to()),
                t.records(),
                t.allow(),
                t.deny(),
                t.error(),
                html.toAbsolutePath().toUri()));
        long outside = report.source().outsideWindow();
        if (outside > 0) {
            b.append(String.format(
                    Locale.ROOT,
                    "%n  %d audit record%s outside this window; --from and --to choose another",
                    outside,
                    outside == 1 ? " is" : "s are"));
        }
        return b.toString();
    }

    /** {@code ~/.kitevend}: {@code $HOME}, else the JVM's idea of home. */
    static Path defaultFolder(String homeVariable, String userHome) {
        String home = homeVariable != null && !homeVariable.isBlank() ? homeVariable : userHome;
        return Path.of(home, ".kitevend");
    }

    /**
     * The window of {@code --from} and {@code --to} (either may be null) at {@code now}: see the
     * class comment. Widened to whole milliseconds; "now" includes its own millisecond.
     */
    static ReportWindow window(String from, String to, Instant now) {
        Instant end = to == null ? now.truncatedTo(ChronoUnit.MILLIS).plusMillis(1) : bound("--to", to, true);
        Instant start = from == null
                ? LocalDate.ofInstant(end.minusMillis(1), ZoneOffset.UTC)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant()
                : bound("--from", from, false);
        if (from != null && to == null && !start.isBefore(end)) {
            throw new IllegalArgumentException("--from " + from + " is in the future (now is " + SECOND.format(now)
                    + " UTC); reports cover what already happened");
        }
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("--from " + (from == null ? "(the start of that day)" : from)
                    + " is not before --to " + to + " (" + SECOND.format(start) + " to " + SECOND.format(end)
                    + " UTC); a date given to --to includes that day");
        }
        return new ReportWindow(start, end);
    }

    /** A date (its start, or for an end the start of the next day) or a time, as a whole millisecond. */
    private static Instant bound(String option, String text, boolean end) {
        String value = text.strip();
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return (end ? day.plusDays(1) : day)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant();
            }
            Instant t = value.endsWith("Z") || value.matches(".*[+-]\\d{2}:?\\d{2}$")
                    ? OffsetDateTime.parse(value).toInstant()
                    : LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            return end ? ceilingMillis(t) : t.truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    option + " '" + Text.printableAscii(value, 40) + "' is not " + DATE_OR_TIME);
        }
    }

    private static Instant ceilingMillis(Instant t) {
        Instant down = t.truncatedTo(ChronoUnit.MILLIS);
        return down.equals(t) ? t : down.plusMillis(1);
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
