package io.kitevend.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.Decision;
import io.kitevend.aws.AwsSettings;
import io.kitevend.aws.DynamoAuditReader;
import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.DynamoBindingReader;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.ReportClients;
import io.kitevend.aws.S3ReportStore;
import io.kitevend.aws.Tables;
import io.kitevend.binding.Binding;
import io.kitevend.json.Json;
import io.kitevend.report.ReportState.BindingKey;
import io.kitevend.report.ReportState.Pair;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import io.kitevend.testing.JobClaims;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Document;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The report against moto: 5,000 generated audit records over four days and ten pipelines, written
 * through {@link DynamoAuditStore}, and a window of a day and a half in the middle. The report's
 * numbers are compared with counts the test makes itself from what it generated.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditReportIT {
    private static final int SHARDS = 4;
    private static final int RECORDS = 5_000;
    private static final Instant DATA_START = Instant.parse("2025-05-11T00:00:00Z");
    private static final Duration DATA_SPAN = Duration.ofDays(4);
    /** A day and a half, starting and ending inside day partitions, so the sort key condition is what keeps other records out. */
    private static final Instant FROM = Instant.parse("2025-05-12T06:00:00Z");

    private static final Instant TO = Instant.parse("2025-05-13T18:00:00Z");
    private static final Instant NOW = Instant.parse("2025-05-14T00:10:00Z");
    private static final String ACCOUNT = "arn:aws:iam::123456789012:role/kitevend/";

    /** Pipelines, their organization, their bindings (name and role) and how often they run. */
    private record Pipe(String org, String pipeline, List<String[]> bindings, int weight) {}

    private static final List<Pipe> PIPES = List.of(
            new Pipe(
                    "acme",
                    "deploy",
                    List.<String[]>of(
                            new String[] {"deploy-main", ACCOUNT + "deployer"},
                            new String[] {"deploy-release", ACCOUNT + "releaser"}),
                    30),
            new Pipe("acme", "build", List.<String[]>of(new String[] {"build", ACCOUNT + "builder"}), 25),
            new Pipe("acme", "test", List.<String[]>of(new String[] {"test", ACCOUNT + "tester"}), 15),
            new Pipe("acme", "docs", List.<String[]>of(new String[] {"docs", ACCOUNT + "docs"}), 8),
            new Pipe("acme", "infra-network", List.<String[]>of(new String[] {"infra-glob", ACCOUNT + "infra"}), 6),
            new Pipe("acme", "infra-dns", List.<String[]>of(new String[] {"infra-glob", ACCOUNT + "infra"}), 4),
            new Pipe("acme", "mobile", List.<String[]>of(new String[] {"mobile", ACCOUNT + "mobile"}), 5),
            new Pipe("acme", "data", List.<String[]>of(new String[] {"data", ACCOUNT + "data"}), 3),
            new Pipe("globex", "site", List.<String[]>of(new String[] {"site", ACCOUNT + "site"}), 3),
            new Pipe("globex", "api", List.<String[]>of(new String[] {"api", ACCOUNT + "api"}), 1));
    private static final String[] DENY_REASONS = {
        "no_binding", "token_expired", "token_replayed", "ambiguous_binding", "audience_mismatch"
    };
    /** Refusals that happen before the token's claims are known: no pipeline in the record. */
    private static final Set<String> BEFORE_CLAIMS = Set.of("token_expired", "audience_mismatch");

    private static final String[] ERROR_REASONS = {"sts_unavailable", "internal_error"};

    /** What the test generated, to count independently of the report code. */
    private record Gen(
            String requestId,
            Instant time,
            String kind,
            String decision,
            String reason,
            String org,
            String pipeline,
            String binding,
            String role,
            long latency) {}

    private URI endpoint;
    private DynamoDbClient dynamo;
    private S3Client s3;
    private final QueryLedger ledger = new QueryLedger();
    private String auditTable;
    private String bindingsTable;
    private String bucket;
    private final List<Gen> generated = new ArrayList<>();
    private final List<Binding> bindings = new ArrayList<>();
    private ReportState seededState;

    @BeforeAll
    void writeTheAuditTrail() throws Exception {
        endpoint = Emulators.moto();
        ReportClients clients = new ReportClients(
                new AwsSettings(Region.US_EAST_1, Optional.of(endpoint), EmulatorAws.TEST_CREDENTIALS),
                List.of(ledger));
        dynamo = clients.dynamo();
        s3 = clients.s3();
        auditTable = EmulatorAws.table("report-audit");
        bindingsTable = EmulatorAws.table("report-bindings");
        Tables.ensure(dynamo, bindingsTable, auditTable, EmulatorAws.table("report-replay"));

        SplittableRandom random = new SplittableRandom(20250514);
        int totalWeight = PIPES.stream().mapToInt(Pipe::weight).sum();
        for (int i = 0; i < RECORDS; i++) {
            Instant t = DATA_START.plusMillis(random.nextLong(DATA_SPAN.toMillis()));
            int w = random.nextInt(totalWeight);
            Pipe pipe = PIPES.getFirst();
            for (Pipe p : PIPES) {
                if (w < p.weight()) {
                    pipe = p;
                    break;
                }
                w -= p.weight();
            }
            int roll = random.nextInt(100);
            long latency = Math.round(Math.exp(Math.log(35) + 0.8 * random.nextDouble(-2.5, 3)));
            String id = String.format("req-%05d-%08x", i, random.nextInt());
            if (roll < 70) {
                String[] b = pipe.bindings().get(random.nextInt(pipe.bindings().size()));
                generated.add(
                        new Gen(id, t, "vend", "allow", "issued", pipe.org(), pipe.pipeline(), b[0], b[1], latency));
            } else if (roll < 92) {
                String reason = DENY_REASONS[random.nextInt(DENY_REASONS.length)];
                boolean claims = !BEFORE_CLAIMS.contains(reason);
                generated.add(new Gen(
                        id,
                        t,
                        "vend",
                        "deny",
                        reason,
                        claims ? pipe.org() : null,
                        claims ? pipe.pipeline() : null,
                        null,
                        null,
                        latency / 4));
            } else {
                String reason = ERROR_REASONS[random.nextInt(ERROR_REASONS.length)];
                generated.add(
                        new Gen(id, t, "vend", "error", reason, pipe.org(), pipe.pipeline(), null, null, latency * 20));
            }
        }
        // Sentinels just outside the window, in partitions the report does query.
        generated.add(new Gen(
                "sentinel-before",
                FROM.minusMillis(1),
                "vend",
                "allow",
                "issued",
                "acme",
                "sentinel",
                "sentinel",
                ACCOUNT + "sentinel",
                1));
        generated.add(new Gen(
                "sentinel-at-end",
                TO,
                "vend",
                "allow",
                "issued",
                "acme",
                "sentinel",
                "sentinel",
                ACCOUNT + "sentinel",
                1));
        generated.add(new Gen(
                "sentinel-last-in", TO.minusMillis(1), "vend", "deny", "no_binding", "acme", "deploy", null, null, 2));

        DynamoAuditStore store = new DynamoAuditStore(dynamo, auditTable, Duration.ofDays(400), SHARDS);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (Gen g : generated) {
                writes.add(pool.submit(() -> {
                    store.put(auditRecord(g));
                    return null;
                }));
            }
            for (Future<?> f : writes) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        // Admin records as the admin API writes them: same keys, kind "admin", who did what, before and after.
        String[][] admins = {
            {"adm-1", "2025-05-12T05:59:59.999Z", "put_binding"},
            {"adm-2", "2025-05-12T09:15:00.000Z", "put_binding"},
            {"adm-3", "2025-05-12T17:40:00.000Z", "delete_binding"},
            {"adm-4", "2025-05-13T08:00:00.000Z", "put_binding"},
            {"adm-5", "2025-05-13T18:00:00.000Z", "put_binding"}
        };
        for (String[] a : admins) {
            Instant t = Instant.parse(a[1]);
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(
                    DynamoAuditStore.PK,
                    AttributeValue.fromS(DynamoAuditStore.partitionKey(t, Math.floorMod(a[0].hashCode(), SHARDS))));
            item.put(DynamoAuditStore.SK, AttributeValue.fromS(DynamoAuditStore.sortKey(t, a[0])));
            item.put("request_id", AttributeValue.fromS(a[0]));
            item.put("time", AttributeValue.fromS(AuditRecord.TIME.format(t)));
            item.put("kind", AttributeValue.fromS("admin"));
            item.put("decision", AttributeValue.fromS("allow"));
            item.put("reason", AttributeValue.fromS("applied"));
            item.put("principal", AttributeValue.fromS("arn:aws:sts::123456789012:assumed-role/kitevend-admin/alice"));
            item.put("action", AttributeValue.fromS(a[2]));
            item.put("binding", AttributeValue.fromS("deploy-release"));
            item.put("before", AttributeValue.fromS("{\"max_duration_seconds\":3600}"));
            item.put("after", AttributeValue.fromS("{\"max_duration_seconds\":28800}"));
            item.put("latency_ms", AttributeValue.fromN("12"));
            dynamo.putItem(b -> b.tableName(auditTable).item(item));
            generated.add(new Gen(a[0], t, "admin", "allow", "applied", null, null, null, null, 12));
        }

        // Bindings: the ones the records used, and hand-made ones for stale and risky.
        Instant longAgo = TO.minus(Duration.ofDays(300));
        Map<String, Binding> byName = new TreeMap<>();
        for (Pipe p : PIPES) {
            for (String[] b : p.bindings()) {
                byName.putIfAbsent(
                        p.org() + "/" + b[0],
                        Binding.builder()
                                .name(b[0])
                                .organization(p.org())
                                .pipeline(b[0].equals("infra-glob") ? "infra-*" : p.pipeline())
                                .roleArn(b[1])
                                .condition("build_branch", "main")
                                .sessionPolicy("{\"Version\":\"2012-10-17\",\"Statement\":[]}")
                                .maxDurationSeconds(3600)
                                .createdAt(longAgo)
                                .createdBy("seed")
                                .build());
            }
        }
        byName.put(
                "acme/infra-glob",
                byName.get("acme/infra-glob").toBuilder()
                        .conditions(null)
                        .sessionPolicy(null)
                        .maxDurationSeconds(43_200)
                        .build());
        byName.put(
                "acme/deploy-release",
                byName.get("acme/deploy-release").toBuilder()
                        .conditions(null)
                        .condition("step_key", "release")
                        .maxDurationSeconds(8 * 3600)
                        .build());
        byName.put(
                "acme/legacy-unused",
                Binding.builder()
                        .name("legacy-unused")
                        .organization("acme")
                        .pipeline("legacy")
                        .roleArn(ACCOUNT + "legacy")
                        .condition("build_branch", "main")
                        .sessionPolicy("{}")
                        .createdAt(longAgo)
                        .build());
        byName.put(
                "acme/old-never",
                Binding.builder()
                        .name("old-never")
                        .organization("acme")
                        .pipeline("old")
                        .roleArn(ACCOUNT + "old")
                        .condition("build_branch", "main")
                        .sessionPolicy("{}")
                        .createdAt(longAgo)
                        .build());
        byName.put(
                "acme/fresh-unused",
                Binding.builder()
                        .name("fresh-unused")
                        .organization("acme")
                        .pipeline("fresh")
                        .roleArn(ACCOUNT + "fresh")
                        .condition("build_branch", "main")
                        .sessionPolicy("{}")
                        .createdAt(TO.minus(Duration.ofDays(3)))
                        .build());
        byName.put(
                "acme/disabled-glob",
                Binding.builder()
                        .name("disabled-glob")
                        .organization("acme")
                        .pipeline("*")
                        .roleArn(ACCOUNT + "admin")
                        .enabled(false)
                        .createdAt(longAgo)
                        .build());
        byName.put(
                "acme/sentinel",
                Binding.builder()
                        .name("sentinel")
                        .organization("acme")
                        .pipeline("sentinel")
                        .roleArn(ACCOUNT + "sentinel")
                        .condition("build_branch", "main")
                        .sessionPolicy("{}")
                        .createdAt(TO.minus(Duration.ofDays(1)))
                        .build());
        // An organization the report is not configured for: never read.
        byName.put(
                "initech/stranger",
                Binding.builder()
                        .name("stranger")
                        .organization("initech")
                        .pipeline("*")
                        .roleArn(ACCOUNT + "stranger")
                        .build());
        DynamoBindingStore bindingStore = new DynamoBindingStore(dynamo, bindingsTable);
        for (Binding b : byName.values()) {
            bindingStore.put(b);
            if (!b.organization().equals("initech")) {
                bindings.add(b);
            }
        }

        // What the previous run saved: 90 days of history, two pairs known, last use of two bindings.
        seededState = new ReportState(
                TO.minus(Duration.ofDays(90)),
                FROM,
                Map.of(
                        new Pair("acme", "build", ACCOUNT + "builder"),
                        FROM.minus(Duration.ofDays(20)),
                        new Pair("acme", "deploy", ACCOUNT + "deployer"),
                        FROM.minus(Duration.ofDays(60))),
                Map.of(
                        new BindingKey("acme", "legacy-unused"),
                        TO.minus(Duration.ofDays(45)),
                        new BindingKey("acme", "docs"),
                        FROM.minus(Duration.ofDays(1))));
    }

    private static AuditRecord auditRecord(Gen g) {
        AuditRecord r = new AuditRecord(g.requestId(), g.time(), AuditRecord.KIND_VEND);
        if (g.pipeline() != null) {
            r.claims(JobClaims.job()
                    .organization(g.org())
                    .pipeline(g.pipeline())
                    .jti("jti-" + g.requestId())
                    .build());
        }
        Decision d = Decision.valueOf(g.decision().toUpperCase(java.util.Locale.ROOT));
        r.outcome(
                d,
                g.reason(),
                d == Decision.ALLOW ? null : "generated",
                d == Decision.ALLOW ? 200 : d == Decision.DENY ? 403 : 503);
        if (g.binding() != null) {
            r.binding(g.binding());
            r.roleArn(g.role());
            r.accessKeyId("ASIA" + g.requestId().hashCode());
        }
        r.latencyMillis(g.latency());
        return r;
    }

    @BeforeEach
    void freshBucketWithTheSeededState() {
        bucket = "reports-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
        s3.putObject(
                b -> b.bucket(bucket).key(ReportStore.STATE_KEY),
                software.amazon.awssdk.core.sync.RequestBody.fromString(seededState.toJson(FROM)));
        ledger.clear();
    }

    private AuditReportService service(List<String> published, ByteArrayOutputStream log) {
        return new AuditReportService(
                new DynamoAuditReader(dynamo, auditTable, SHARDS, 150),
                new DynamoBindingReader(dynamo, bindingsTable, Set.of("acme", "globex"), problem -> {}),
                new S3ReportStore(s3, bucket),
                (subject, message) -> published.add(subject + "\n" + message),
                ReportOptions.DEFAULTS,
                Clock.fixed(NOW, ZoneOffset.UTC),
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private List<Gen> inWindow() {
        return generated.stream()
                .filter(g -> !g.time().isBefore(FROM) && g.time().isBefore(TO))
                .toList();
    }

    private String object(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    private static <T> Map<T, Long> count(List<Gen> gens, Function<Gen, T> key) {
        return gens.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }

    @Test
    void theReportsNumbersEqualIndependentCounts() throws Exception {
        List<String> published = new ArrayList<>();
        AuditReportService.Outcome outcome =
                service(published, new ByteArrayOutputStream()).run(FROM, TO);
        List<Gen> in = inWindow();
        List<Gen> vends = in.stream().filter(g -> g.kind().equals("vend")).toList();
        List<Gen> allowed =
                vends.stream().filter(g -> g.decision().equals("allow")).toList();
        assertThat(in.size())
                .as("the generator spread records inside and outside the window")
                .isBetween(1_500, 2_500);

        JsonNode json = Json.readTree(object("reports/2025/05/12/report.json"));
        assertThat(ReportChecks.schemaErrors(Json.write(json))).isEmpty();

        // Totals by decision.
        Map<String, Long> byDecision = count(in, Gen::decision);
        assertThat(json.at("/totals/records").asLong()).isEqualTo(in.size());
        for (String d : List.of("allow", "deny", "error")) {
            assertThat(json.at("/totals/by_decision/" + d).asLong()).as(d).isEqualTo(byDecision.getOrDefault(d, 0L));
        }
        Map<String, Long> byKind = count(in, Gen::kind);
        assertThat(json.at("/totals/by_kind/admin/total").asLong())
                .isEqualTo(byKind.get("admin"))
                .isEqualTo(3);
        assertThat(json.at("/totals/by_kind/vend/total").asLong()).isEqualTo(byKind.get("vend"));
        assertThat(ReportChecks.reconciliationProblems(json)).isEmpty();

        // Vends per pipeline and per binding.
        Map<String, Long> perPipeline = count(allowed, g -> g.org() + "/" + g.pipeline());
        Map<String, Long> reportedPerPipeline = new TreeMap<>();
        json.at("/vends/by_pipeline")
                .forEach(n -> reportedPerPipeline.put(
                        n.get("organization").asText() + "/" + n.get("pipeline").asText(),
                        n.get("count").asLong()));
        assertThat(reportedPerPipeline).isEqualTo(perPipeline);
        Map<String, Long> perBinding = count(allowed, g -> g.org() + "/" + g.binding() + " " + g.role());
        Map<String, Long> reportedPerBinding = new TreeMap<>();
        json.at("/vends/by_binding")
                .forEach(n -> reportedPerBinding.put(
                        n.get("organization").asText() + "/" + n.get("binding").asText() + " "
                                + n.get("role_arn").asText(),
                        n.get("count").asLong()));
        assertThat(reportedPerBinding).isEqualTo(perBinding);
        assertThat(json.at("/vends/total").asLong()).isEqualTo(allowed.size());

        // Refusals by reason, each with request ids of that reason; errors likewise.
        Map<String, String> reasonOf = in.stream().collect(Collectors.toMap(Gen::requestId, Gen::reason));
        for (String[] section : new String[][] {{"refusals", "deny"}, {"errors", "error"}}) {
            Map<String, Long> expected = count(
                    vends.stream().filter(g -> g.decision().equals(section[1])).toList(), Gen::reason);
            Map<String, Long> reported = new TreeMap<>();
            for (JsonNode n : json.at("/" + section[0] + "/by_reason")) {
                reported.put(n.get("reason").asText(), n.get("count").asLong());
                assertThat(n.get("sample_request_ids")).hasSizeBetween(1, 5);
                n.get("sample_request_ids")
                        .forEach(id -> assertThat(reasonOf)
                                .containsEntry(id.asText(), n.get("reason").asText()));
            }
            assertThat(reported).as(section[0]).isEqualTo(expected);
        }

        // Replays.
        long replays =
                vends.stream().filter(g -> g.reason().equals("token_replayed")).count();
        assertThat(replays).isPositive();
        assertThat(json.at("/replays/total").asLong()).isEqualTo(replays);
        json.at("/replays/sample_request_ids")
                .forEach(id -> assertThat(reasonOf).containsEntry(id.asText(), "token_replayed"));

        // New pipeline -> role pairs: those of the window the seeded state did not know, first sight and count.
        Set<String> known = Set.of("acme/build " + ACCOUNT + "builder", "acme/deploy " + ACCOUNT + "deployer");
        Map<String, List<Gen>> pairs = allowed.stream()
                .collect(Collectors.groupingBy(
                        g -> g.org() + "/" + g.pipeline() + " " + g.role(), TreeMap::new, Collectors.toList()));
        Map<String, String> expectedNew = new TreeMap<>();
        pairs.forEach((pair, gens) -> {
            if (!known.contains(pair)) {
                Gen first = gens.stream()
                        .min(java.util.Comparator.comparing(Gen::time).thenComparing(Gen::requestId))
                        .orElseThrow();
                expectedNew.put(pair, first.time() + " " + first.requestId() + " " + gens.size());
            }
        });
        Map<String, String> reportedNew = new TreeMap<>();
        json.at("/new_pairs/pairs")
                .forEach(n -> reportedNew.put(
                        n.get("organization").asText() + "/" + n.get("pipeline").asText() + " "
                                + n.get("role_arn").asText(),
                        Instant.parse(n.get("first_seen").asText()) + " "
                                + n.get("request_id").asText() + " "
                                + n.get("vends").asLong()));
        assertThat(reportedNew).isEqualTo(expectedNew).hasSize(pairs.size() - 2);
        assertThat(json.at("/history/bootstrapped").asBoolean()).isFalse();

        // Stale and risky, from the hand-made bindings.
        Set<String> stale = new TreeSet<>();
        json.at("/bindings/stale")
                .forEach(n ->
                        stale.add(n.get("name").asText() + ":" + n.get("basis").asText()));
        assertThat(stale).containsExactly("legacy-unused:last_used", "old-never:history_start");
        Map<String, List<String>> risky = new TreeMap<>();
        json.at("/bindings/risky").forEach(n -> {
            List<String> reasons = new ArrayList<>();
            n.get("reasons").forEach(x -> reasons.add(x.asText()));
            risky.put(n.get("name").asText(), reasons);
        });
        assertThat(risky)
                .containsExactly(
                        entry("deploy-release", List.of("long_max_duration")),
                        entry(
                                "infra-glob",
                                List.of(
                                        "glob_pipeline",
                                        "no_scoping_condition",
                                        "long_max_duration",
                                        "no_session_policy")));
        assertThat(json.at("/bindings/total").asInt()).isEqualTo(bindings.size());

        // Admin changes in the window only.
        List<String> adminIds = new ArrayList<>();
        json.at("/admin/changes").forEach(n -> adminIds.add(n.get("request_id").asText()));
        assertThat(adminIds).containsExactlyInAnyOrder("adm-2", "adm-3", "adm-4");
        assertThat(json.at("/admin/changes/0/after/max_duration_seconds").asInt())
                .isEqualTo(28_800);

        // Latency of vend records: exact count and max, median and p99 within the stated bound.
        long[] latencies = vends.stream().mapToLong(Gen::latency).sorted().toArray();
        assertThat(json.at("/latency_ms/count").asLong()).isEqualTo(latencies.length);
        assertThat(json.at("/latency_ms/max").asLong()).isEqualTo(latencies[latencies.length - 1]);
        for (String[] q : new String[][] {{"median", "0.5"}, {"p99", "0.99"}}) {
            long exact = latencies[(int) Math.ceil(Double.parseDouble(q[1]) * latencies.length) - 1];
            assertThat((double) Math.abs(json.at("/latency_ms/" + q[0]).asLong() - exact))
                    .as(q[0])
                    .isLessThanOrEqualTo(exact < 128 ? 0 : exact * LatencyHistogram.RELATIVE_ERROR);
        }

        // Decisions over time (all records, like the totals): 36 hourly buckets with each hour's counts.
        Map<String, Long> perHour =
                count(in, g -> Duration.between(FROM, g.time()).toHours() + " " + g.decision());
        JsonNode buckets = json.at("/timeline/buckets");
        assertThat(json.at("/timeline/bucket_seconds").asLong()).isEqualTo(3600);
        assertThat(buckets).hasSize(36);
        for (int h = 0; h < 36; h++) {
            for (String d : List.of("allow", "deny", "error")) {
                assertThat(buckets.get(h).get(d).asLong())
                        .as("hour %d %s", h, d)
                        .isEqualTo(perHour.getOrDefault(h + " " + d, 0L));
            }
        }

        // The page: well-formed, self-contained, with the three charts.
        Document page = ReportChecks.parseXhtml(object("reports/2025/05/12/report.html"));
        assertThat(ReportChecks.charts(page))
                .containsExactly(
                        entry(ReportHtml.CHART_DECISIONS, "Decisions over time"),
                        entry(ReportHtml.CHART_PIPELINES, "Top pipelines by vends"),
                        entry(ReportHtml.CHART_REFUSALS, "Refusals by reason"));
        assertThat(ReportChecks.bars(page, ReportHtml.CHART_PIPELINES)).isEqualTo(Math.min(10, perPipeline.size()));
        assertThat(ReportChecks.bars(page, ReportHtml.CHART_REFUSALS)).isEqualTo(DENY_REASONS.length);
        assertThat(ReportChecks.externalReferences(page)).isEmpty();

        assertThat(outcome.written().json()).isEqualTo("s3://" + bucket + "/reports/2025/05/12/report.json");
        assertThat(published)
                .singleElement()
                .asString()
                .startsWith("kitevend audit report 2025-05-12: " + allowed.size() + " vends, "
                        + vends.stream()
                                .filter(g -> g.decision().equals("deny"))
                                .count() + " refused, " + expectedNew.size() + " new pairs\n");
    }

    @Test
    void onlyTheWindowIsReadThroughKeyQueriesAndNeverAScan() {
        AuditReport report = service(new ArrayList<>(), new ByteArrayOutputStream())
                .run(FROM, TO)
                .report();
        int inWindow = inWindow().size();
        long outsideButInQueriedPartitions = generated.stream()
                .filter(g -> g.time().isBefore(FROM) || !g.time().isBefore(TO))
                .filter(g -> g.time().isAfter(Instant.parse("2025-05-12T00:00:00Z"))
                        && g.time().isBefore(Instant.parse("2025-05-14T00:00:00Z")))
                .count();
        assertThat(outsideButInQueriedPartitions)
                .as("records the sort key condition must keep out")
                .isGreaterThan(500);

        assertThat(ledger.scans()).isZero();
        assertThat(ledger.itemsReturned(auditTable)).isEqualTo(inWindow);
        assertThat(report.source().recordsRead()).isEqualTo(inWindow);
        assertThat(report.source().outsideWindow()).isZero();
        assertThat(report.vends().byPipeline())
                .extracting(AuditReport.PipelineCount::pipeline)
                .doesNotContain("sentinel");

        List<QueryLedger.Query> audit = ledger.queries(auditTable);
        Set<String> partitions = new TreeSet<>();
        audit.forEach(q -> partitions.add(q.partition()));
        Set<String> expected = new TreeSet<>();
        for (String day : List.of("2025-05-12", "2025-05-13")) {
            for (int s = 0; s < SHARDS; s++) {
                expected.add("day#" + day + "#" + s);
            }
        }
        assertThat(partitions).isEqualTo(expected);
        assertThat(audit).allSatisfy(q -> {
            assertThat(q.keyCondition()).contains("BETWEEN");
            assertThat(q.low()).isEqualTo("2025-05-12T06:00:00.000Z");
            assertThat(q.high()).isEqualTo("2025-05-13T18:00:00.000Z");
            assertThat(q.limit()).isEqualTo(150);
        });
        assertThat(audit.size())
                .as("paginated: at least one page per 150 items")
                .isGreaterThanOrEqualTo(inWindow / 150);

        assertThat(ledger.queries(bindingsTable))
                .extracting(QueryLedger.Query::partition)
                .containsExactlyInAnyOrder("acme", "globex");
    }

    @Test
    void reRunningAWindowOverwritesTheSameKeysWithTheSameReport() throws Exception {
        AuditReportService service = service(new ArrayList<>(), new ByteArrayOutputStream());
        service.run(FROM, TO);
        Map<String, String> first = objects();
        service.run(FROM, TO);
        Map<String, String> second = objects();
        assertThat(second.keySet())
                .containsExactly(
                        "reports/2025/05/12/report.html", "reports/2025/05/12/report.json", "reports/state.json");
        ObjectNode a = (ObjectNode) Json.readTree(first.get("reports/2025/05/12/report.json"));
        ObjectNode b = (ObjectNode) Json.readTree(second.get("reports/2025/05/12/report.json"));
        assertThat(b).isEqualTo(a);
        assertThat(a.at("/new_pairs/pairs").size())
                .as("the re-run still reports the window's new pairs")
                .isPositive();
        assertThat(second.get("reports/2025/05/12/report.html")).isEqualTo(first.get("reports/2025/05/12/report.html"));
        ReportState state = ReportState.fromJson(second.get("reports/state.json"));
        assertThat(state.since()).isEqualTo(seededState.since());
        assertThat(state.through()).isEqualTo(TO);
        assertThat(state.firstSeen())
                .containsEntry(new Pair("acme", "build", ACCOUNT + "builder"), FROM.minus(Duration.ofDays(20)));
        assertThat(state.lastUsed())
                .containsEntry(new BindingKey("acme", "legacy-unused"), TO.minus(Duration.ofDays(45)));
        Instant lastDocs = generated.stream()
                .filter(g -> "docs".equals(g.binding())
                        && !g.time().isBefore(FROM)
                        && g.time().isBefore(TO))
                .map(Gen::time)
                .max(Instant::compareTo)
                .orElseThrow();
        assertThat(state.lastUsed()).containsEntry(new BindingKey("acme", "docs"), lastDocs);
    }

    @Test
    void anEmptyWindowGivesAValidEmptyReport() throws Exception {
        s3.deleteObject(b -> b.bucket(bucket).key(ReportStore.STATE_KEY));
        Instant from = Instant.parse("2024-01-01T00:00:00Z");
        AuditReport report = service(new ArrayList<>(), new ByteArrayOutputStream())
                .run(from, from.plus(Duration.ofDays(1)))
                .report();
        assertThat(report.totals().records()).isZero();
        assertThat(report.history().bootstrapped()).isTrue();
        String json = object("reports/2024/01/01/report.json");
        assertThat(ReportChecks.schemaErrors(json)).isEmpty();
        JsonNode tree = Json.readTree(json);
        assertThat(tree.at("/totals/records").asLong()).isZero();
        assertThat(tree.at("/vends/by_pipeline")).isEmpty();
        assertThat(tree.at("/new_pairs/pairs")).isEmpty();
        assertThat(tree.at("/latency_ms/count").asLong()).isZero();
        assertThat(tree.at("/timeline/buckets"))
                .hasSize(24)
                .allSatisfy(b -> assertThat(b.get("allow").asLong()).isZero());
        Document page = ReportChecks.parseXhtml(object("reports/2024/01/01/report.html"));
        assertThat(ReportChecks.charts(page))
                .containsOnlyKeys(ReportHtml.CHART_DECISIONS, ReportHtml.CHART_PIPELINES, ReportHtml.CHART_REFUSALS);
        assertThat(ledger.itemsReturned(auditTable)).isZero();
        assertThat(ledger.scans()).isZero();
    }

    private Map<String, String> objects() {
        Map<String, String> out = new TreeMap<>();
        for (S3Object o :
                s3.listObjectsV2(b -> b.bucket(bucket).prefix("reports/")).contents()) {
            out.put(o.key(), object(o.key()));
        }
        return out;
    }
}
