package io.kitevend.report;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.binding.Binding;
import io.kitevend.json.LogLine;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The audit report use case: read the saved state, stream the window's records through a
 * {@link ReportBuilder}, judge the bindings, write {@code report.json} and {@code report.html},
 * save the next state, and publish a summary. The state is written after the report, so a run
 * that fails halfway leaves the state as it was and can simply be run again.
 *
 * <p>Runs of overlapping windows must not run at the same time (the Lambda function has a
 * reserved concurrency of one): the state is read, then replaced.
 */
public final class AuditReportService {
    private final AuditRecordSource records;
    private final BindingSource bindings;
    private final ReportStore store;
    private final ReportNotifier notifier;
    private final ReportOptions options;
    private final Clock clock;
    private final PrintStream log;

    public AuditReportService(
            AuditRecordSource records,
            BindingSource bindings,
            ReportStore store,
            ReportNotifier notifier,
            ReportOptions options,
            Clock clock,
            PrintStream log) {
        this.records = records;
        this.bindings = bindings;
        this.store = store;
        this.notifier = notifier;
        this.options = options;
        this.clock = clock;
        this.log = log;
    }

    /** Default options, no notification, no log: what a local run (the CLI, a test) needs. */
    public static AuditReportService of(AuditRecordSource records, BindingSource bindings, ReportStore store) {
        return new AuditReportService(
                records,
                bindings,
                store,
                ReportNotifier.NONE,
                ReportOptions.DEFAULTS,
                Clock.systemUTC(),
                new PrintStream(OutputStream.nullOutputStream()));
    }

    /** What a run produced. */
    public record Outcome(AuditReport report, ReportStore.Written written) {

        /** A small summary (the Lambda function's answer, the log line). */
        public Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", report.window().from().toString());
            m.put("to", report.window().to().toString());
            m.put("records", report.totals().records());
            m.put("allow", report.totals().allow());
            m.put("deny", report.totals().deny());
            m.put("error", report.totals().error());
            m.put("vends", report.vends().total());
            m.put("secrets_requests", report.secrets().total());
            m.put("new_pairs", report.newPairs().pairs().size());
            m.put("risky_bindings", report.bindings().risky().size());
            m.put("stale_bindings", report.bindings().stale().size());
            m.put("replays", report.replays().total());
            m.put("admin_changes", report.admin().changesMade());
            m.put("report_json", written.json());
            m.put("report_html", written.html());
            return m;
        }
    }

    public Outcome run(Instant from, Instant to) {
        return run(new ReportWindow(from, to));
    }

    public Outcome run(ReportWindow window) {
        Optional<ReportState> previous = store.readState().map(ReportState::fromJson);
        ReportBuilder builder = new ReportBuilder(window, options, previous);
        builder.bootstrapWindow().ifPresent(history -> {
            try (Stream<Map<String, Object>> s = records.records(history)) {
                s.forEach(builder::learn);
            }
        });
        try (Stream<Map<String, Object>> s = records.records(window)) {
            s.forEach(builder::accept);
        }
        List<Binding> current;
        try {
            current = bindings.bindings();
        } catch (DependencyUnavailableException e) {
            throw new ReportException("reading the bindings failed: " + e.getMessage(), e);
        }
        Instant now = clock.instant();
        AuditReport report = builder.finish(current, now);
        ReportStore.Written written = store.writeReport(
                window.day(), ReportJson.write(report), ReportHtml.render(report, options.chartTop()));
        store.writeState(builder.nextState(current).toJson(now));
        Outcome outcome = new Outcome(report, written);
        notifier.publish(subject(report), message(report, written));
        LogLine.print(log, "INFO", "kitevend audit report written", Map.of("report", outcome.summary()));
        return outcome;
    }

    static String subject(AuditReport r) {
        return String.format(
                Locale.ROOT,
                "kitevend audit report %s: %d vends, %d refused, %d new pairs",
                r.window().day(),
                r.vends().total(),
                r.refusals().total(),
                r.newPairs().pairs().size());
    }

    static String message(AuditReport r, ReportStore.Written written) {
        StringBuilder b = new StringBuilder();
        b.append("kitevend audit report, ")
                .append(r.window().from())
                .append(" to ")
                .append(r.window().to())
                .append(" (UTC)\n\n");
        b.append(String.format(
                Locale.ROOT,
                "Requests: %d (allowed %d, refused %d, errors %d)%n",
                r.totals().records(),
                r.totals().allow(),
                r.totals().deny(),
                r.totals().error()));
        r.totals()
                .byKind()
                .forEach((kind, d) -> b.append(String.format(
                        Locale.ROOT,
                        "  %s: %d (allowed %d, refused %d, errors %d)%n",
                        kind,
                        d.total(),
                        d.allow(),
                        d.deny(),
                        d.error())));
        b.append(
                String.format(Locale.ROOT, "Replays detected: %d%n", r.replays().total()));
        b.append(String.format(
                Locale.ROOT,
                "New pipeline -> role pairs: %d%n",
                r.newPairs().pairs().size()));
        r.newPairs().pairs().stream()
                .limit(10)
                .forEach(p -> b.append("  ")
                        .append(p.organization())
                        .append('/')
                        .append(p.pipeline())
                        .append(" -> ")
                        .append(p.roleArn())
                        .append('\n'));
        b.append(String.format(
                Locale.ROOT,
                "Risky bindings: %d; stale bindings: %d%n",
                r.bindings().risky().size(),
                r.bindings().stale().size()));
        b.append(String.format(
                Locale.ROOT,
                "Admin changes: %d (refused admin requests: %d)%n",
                r.admin().changesMade(),
                r.admin().byDecision().deny()));
        r.refusals().byReason().stream()
                .limit(5)
                .forEach(c -> b.append("Refused ")
                        .append(c.reason())
                        .append(": ")
                        .append(c.count())
                        .append('\n'));
        if (r.latency().count() > 0) {
            b.append(String.format(
                    Locale.ROOT,
                    "Vend latency: median %d ms, p99 %d ms%n",
                    r.latency().medianMs(),
                    r.latency().p99Ms()));
        }
        b.append("\nReport: ")
                .append(written.html())
                .append("\nData: ")
                .append(written.json())
                .append('\n');
        return b.toString();
    }
}
