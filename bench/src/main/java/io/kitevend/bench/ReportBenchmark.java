package io.kitevend.bench;

import io.kitevend.audit.AuditRecord;
import io.kitevend.binding.Binding;
import io.kitevend.report.AuditReport;
import io.kitevend.report.DirectoryReportStore;
import io.kitevend.report.ReportBuilder;
import io.kitevend.report.ReportHtml;
import io.kitevend.report.ReportJson;
import io.kitevend.report.ReportOptions;
import io.kitevend.report.ReportStore;
import io.kitevend.report.ReportWindow;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Records per second through the audit report code ({@link ReportBuilder}: every record parsed,
 * counted, bucketed, its latency recorded; then the JSON and the HTML written) from an in-memory
 * source of generated records, meant to run with a small heap ({@code ./bench/report} uses
 * {@code -Xmx256m}): a million records as maps would need gigabytes, so the source makes each
 * record when the stream asks for it, as the DynamoDB reader does page by page.
 *
 * <p>Each round runs the source alone (generation cost), then source and report; the report's own
 * rate is the records divided by the difference. Options: {@code --records N} (1000000),
 * {@code --rounds N} (5), {@code --out DIR} (write the last report there, as the bucket would hold it).
 */
public final class ReportBenchmark {
    private static final Instant FROM = Instant.parse("2025-05-14T00:00:00Z");
    private static final Instant TO = Instant.parse("2025-05-15T00:00:00Z");
    private static final String[] DENY = {
        "no_binding",
        "token_expired",
        "token_replayed",
        "ambiguous_binding",
        "audience_mismatch",
        "signature_invalid",
        "organization_not_allowed"
    };
    private static final String[] ERRORS = {"sts_unavailable", "internal_error", "audit_write_failed"};

    private final int pipelines = 400;
    private final String[] pipelineNames = new String[pipelines];
    private final String[] orgs = new String[pipelines];
    private final String[] bindingNames = new String[pipelines];
    private final String[] roles = new String[pipelines];

    private ReportBenchmark() {
        for (int i = 0; i < pipelines; i++) {
            orgs[i] = i % 5 == 0 ? "globex" : "acme";
            pipelineNames[i] = "pipeline-" + i;
            bindingNames[i] = "binding-" + (i % 300);
            roles[i] = "arn:aws:iam::123456789012:role/kitevend/role-" + (i % 150);
        }
    }

    /** The records of the window, made one by one: about 25 fields each, like a stored vend record. */
    Stream<Map<String, Object>> records(long n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long span = Duration.between(FROM, TO).toMillis();
        return LongStream.range(0, n).mapToObj(i -> {
            Instant t = FROM.plusMillis(i * span / n);
            int p = (int) Math.min(pipelines - 1, Math.abs(random.nextGaussian()) * pipelines / 3);
            int roll = random.nextInt(100);
            Map<String, Object> m = new LinkedHashMap<>(48);
            m.put("request_id", Long.toHexString(seed) + "-" + i);
            m.put("time", AuditRecord.TIME.format(t));
            m.put("kind", "vend");
            String decision = roll < 75 ? "allow" : roll < 96 ? "deny" : "error";
            m.put("decision", decision);
            m.put(
                    "reason",
                    decision.equals("allow")
                            ? "issued"
                            : decision.equals("deny")
                                    ? DENY[random.nextInt(DENY.length)]
                                    : ERRORS[random.nextInt(ERRORS.length)]);
            if (!decision.equals("allow")) {
                m.put("detail", "generated refusal");
            }
            m.put("status", decision.equals("allow") ? 200 : decision.equals("deny") ? 403 : 503);
            m.put("organization_slug", orgs[p]);
            m.put("pipeline_slug", pipelineNames[p]);
            m.put("build_number", 1000L + (i & 1023));
            m.put("build_branch", "main");
            m.put("build_commit", "9f3182061f1e2cca4702c368cbc039b7dc9d4485");
            m.put("step_key", "deploy");
            m.put("job_id", "0184990a-477b-4fa8-9968-496074483cee");
            m.put("agent_id", "0184990a-4782-42b5-afc1-16715b10b8ff");
            m.put("build_source", "webhook");
            m.put("jti", "jti-" + i);
            m.put("sub", "organization:acme:pipeline:" + pipelineNames[p]);
            m.put("token_sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
            if (decision.equals("allow")) {
                m.put("binding", bindingNames[p]);
                m.put("role_arn", roles[p]);
                m.put("session_name", "bk-" + pipelineNames[p] + "-1000-0184990a");
                m.put("duration_seconds", 3600);
                m.put("access_key_id", "ASIAEXAMPLEEXAMPLE12");
                m.put("expiration", "2025-05-14T01:00:00Z");
            }
            m.put("source_ip", "203.0.113.24");
            m.put("user_agent", "kitevend-agent/0.1.0 aws-cli/2.17");
            m.put("latency_ms", (long) (15 + Math.abs(random.nextGaussian()) * 40 + (roll == 99 ? 2000 : 0)));
            return m;
        });
    }

    List<Binding> bindings() {
        List<Binding> out = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Binding.Builder b = Binding.builder()
                    .name("binding-" + i)
                    .organization(i % 5 == 0 ? "globex" : "acme")
                    .pipeline(i % 25 == 0 ? "pipeline-" + i + "*" : "pipeline-" + i)
                    .roleArn("arn:aws:iam::123456789012:role/kitevend/role-" + (i % 150))
                    .maxDurationSeconds(i % 40 == 0 ? 43_200 : 3600)
                    .createdAt(FROM.minus(Duration.ofDays(200)));
            if (i % 7 != 0) {
                b.condition("build_branch", "main").sessionPolicy("{}");
            }
            out.add(b.build());
        }
        return out;
    }

    public static void main(String[] args) {
        long n = 1_000_000;
        int rounds = 5;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> n = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: ReportBenchmark [--records N] [--rounds N] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        new ReportBenchmark().run(n, rounds, out);
    }

    private void run(long n, int rounds, Path out) {
        Runtime rt = Runtime.getRuntime();
        System.out.printf(
                Locale.ROOT,
                "java %s, %d CPUs, max heap %d MiB, %,d records per round%n",
                System.getProperty("java.version"),
                rt.availableProcessors(),
                rt.maxMemory() >> 20,
                n);
        List<Binding> bindings = bindings();
        double[] reportRates = new double[rounds];
        AuditReport last = null;
        for (int round = 1; round <= rounds; round++) {
            long seed = 1000 + round;
            long t0 = System.nanoTime();
            long[] sink = new long[1];
            records(n, seed).forEach(m -> sink[0] += m.size());
            long t1 = System.nanoTime();
            ReportBuilder builder =
                    new ReportBuilder(new ReportWindow(FROM, TO), ReportOptions.DEFAULTS, Optional.empty());
            records(n, seed).forEach(builder::accept);
            AuditReport report = builder.finish(bindings, TO);
            String json = ReportJson.write(report);
            String html = ReportHtml.render(report);
            long t2 = System.nanoTime();
            double generate = (t1 - t0) / 1e9;
            double both = (t2 - t1) / 1e9;
            double reportOnly = Math.max(1e-9, both - generate);
            reportRates[round - 1] = n / reportOnly;
            System.out.printf(
                    Locale.ROOT,
                    "round %d: source alone %.2f s (%,.0f records/s); source + report %.2f s (%,.0f records/s); "
                            + "report code alone ~%,.0f records/s; JSON %,d bytes, HTML %,d bytes (sink %d)%n",
                    round,
                    generate,
                    n / generate,
                    both,
                    n / both,
                    reportRates[round - 1],
                    json.length(),
                    html.length(),
                    sink[0] % 10);
            if (report.totals().records() != n) {
                throw new IllegalStateException(
                        "the report counted " + report.totals().records() + " of " + n + " records");
            }
            last = report;
        }
        Arrays.sort(reportRates);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        long gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(g -> Math.max(0, g.getCollectionCount()))
                .sum();
        System.out.printf(
                Locale.ROOT,
                "report code: median ~%,.0f records/s over %d rounds (best %,.0f)%n",
                reportRates[reportRates.length / 2],
                rounds,
                reportRates[reportRates.length - 1]);
        System.out.printf(
                Locale.ROOT,
                "heap: peak of the heap pools %d MiB (sum of per-pool peaks) within a %d MiB maximum; %d collections%n",
                peak >> 20,
                rt.maxMemory() >> 20,
                gcs);
        System.out.printf(
                Locale.ROOT,
                "last report: %,d vends, %,d refused, %,d errors, median %d ms, p99 %d ms, %d risky and %d stale bindings%n",
                last.vends().total(),
                last.refusals().total(),
                last.errors().total(),
                last.latency().medianMs(),
                last.latency().p99Ms(),
                last.bindings().risky().size(),
                last.bindings().stale().size());
        if (out != null) {
            ReportStore.Written w = new DirectoryReportStore(out)
                    .writeReport(last.window().day(), ReportJson.write(last), ReportHtml.render(last));
            System.out.println("written: " + w.json() + " and " + w.html());
        }
    }
}
