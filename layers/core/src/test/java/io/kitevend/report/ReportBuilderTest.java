package io.kitevend.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.binding.Binding;
import io.kitevend.report.AuditReport.NewPair;
import io.kitevend.report.ReportState.BindingKey;
import io.kitevend.report.ReportState.Pair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The streaming computation on hand-made records. */
class ReportBuilderTest {
    private static final Instant FROM = Instant.parse("2025-05-14T00:00:00Z");
    private static final Instant TO = Instant.parse("2025-05-15T00:00:00Z");
    private static final ReportWindow DAY = new ReportWindow(FROM, TO);
    private static final String ROLE_A = "arn:aws:iam::123456789012:role/kitevend/a";
    private static final String ROLE_B = "arn:aws:iam::123456789012:role/kitevend/b";
    private static int ids;

    private static Map<String, Object> vend(
            Instant t, String decision, String reason, String pipeline, String binding, String role, long latency) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", "req-" + (++ids));
        m.put("time", io.kitevend.audit.AuditRecord.TIME.format(t));
        m.put("kind", "vend");
        m.put("decision", decision);
        m.put("reason", reason);
        if (pipeline != null) {
            m.put("organization_slug", "acme");
            m.put("pipeline_slug", pipeline);
        }
        if (binding != null) {
            m.put("binding", binding);
            m.put("role_arn", role);
        }
        m.put("latency_ms", latency);
        return m;
    }

    private static Map<String, Object> allow(Instant t, String pipeline, String binding, String role) {
        return vend(t, "allow", "issued", pipeline, binding, role, 20);
    }

    private static Map<String, Object> deny(Instant t, String reason) {
        return vend(t, "deny", reason, "deploy", null, null, 3);
    }

    private static Instant at(String hhmm) {
        return Instant.parse("2025-05-14T" + hhmm + ":00Z");
    }

    private static Binding binding(String name, String pipeline, String role) {
        return Binding.builder()
                .name(name)
                .organization("acme")
                .pipeline(pipeline)
                .roleArn(role)
                .condition("build_branch", "main")
                .sessionPolicy("{}")
                .createdAt(FROM.minus(Duration.ofDays(400)))
                .build();
    }

    private static AuditReport run(ReportBuilder b, List<Map<String, Object>> records, List<Binding> bindings) {
        records.forEach(b::accept);
        return b.finish(bindings, TO);
    }

    @Test
    void countsRecordsOfTheWindowAndSkipsOthers() {
        ReportBuilder b = new ReportBuilder(DAY, ReportOptions.DEFAULTS, Optional.empty());
        Map<String, Object> noTime = allow(at("10:00"), "deploy", "d", ROLE_A);
        noTime.remove("time");
        Map<String, Object> badTime = allow(at("10:00"), "deploy", "d", ROLE_A);
        badTime.put("time", "yesterday");
        AuditReport r = run(
                b,
                List.of(
                        allow(at("00:00"), "deploy", "d", ROLE_A),
                        allow(at("23:59"), "deploy", "d", ROLE_A),
                        deny(at("12:00"), "no_binding"),
                        vend(at("12:30"), "error", "sts_unavailable", "deploy", "d", ROLE_A, 2500),
                        vend(at("12:31"), "maybe", "odd", "deploy", null, null, 1),
                        allow(FROM.minusMillis(1), "deploy", "d", ROLE_A),
                        allow(TO, "deploy", "d", ROLE_A),
                        noTime,
                        badTime),
                List.of());
        assertThat(r.source()).isEqualTo(new AuditReport.Source(9, 2, 2));
        assertThat(r.totals().records()).isEqualTo(5);
        assertThat(List.of(
                        r.totals().allow(),
                        r.totals().deny(),
                        r.totals().error(),
                        r.totals().other()))
                .containsExactly(2L, 1L, 1L, 1L);
        assertThat(r.timeline()).hasSize(24);
        assertThat(r.timeline().stream()
                        .mapToLong(AuditReport.TimeBucket::total)
                        .sum())
                .isEqualTo(5);
        assertThat(r.timeline().get(0).allow()).isEqualTo(1);
        assertThat(r.timeline().get(23).allow()).isEqualTo(1);
        assertThat(r.timeline().get(12).deny()).isEqualTo(1);
        assertThat(r.timeline().get(12).error()).isEqualTo(1);
        assertThat(r.errors().byReason())
                .extracting(AuditReport.ReasonCount::reason)
                .containsExactly("sts_unavailable");
        assertThat(r.latency().count()).isEqualTo(5);
        assertThat(r.latency().maxMs()).isEqualTo(2500);
    }

    @Test
    void withoutStateEveryPairIsNewAndHistoryIsMarkedBootstrapped() {
        AuditReport r = run(
                new ReportBuilder(DAY, ReportOptions.DEFAULTS, Optional.empty()),
                List.of(
                        allow(at("09:00"), "deploy", "d", ROLE_A),
                        allow(at("08:00"), "deploy", "d", ROLE_A),
                        allow(at("10:00"), "web", "w", ROLE_B)),
                List.of());
        assertThat(r.history().bootstrapped()).isTrue();
        assertThat(r.history().since()).isEqualTo(FROM);
        assertThat(r.newPairs().pairs())
                .extracting(NewPair::pipeline, NewPair::roleArn, NewPair::firstSeen, NewPair::vends)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("deploy", ROLE_A, at("08:00"), 2L),
                        org.assertj.core.groups.Tuple.tuple("web", ROLE_B, at("10:00"), 1L));
    }

    @Test
    void pairsKnownBeforeTheWindowAreNotNewAndReRunsReportTheSame() {
        ReportState previous = new ReportState(
                FROM.minus(Duration.ofDays(90)),
                FROM,
                Map.of(new Pair("acme", "deploy", ROLE_A), FROM.minus(Duration.ofDays(20))),
                Map.of());
        List<Map<String, Object>> records = List.of(
                allow(at("09:00"), "deploy", "d", ROLE_A),
                allow(at("09:30"), "deploy", "d2", ROLE_B),
                allow(at("11:00"), "web", "w", ROLE_B));
        ReportBuilder first = new ReportBuilder(DAY, ReportOptions.DEFAULTS, Optional.of(previous));
        AuditReport r1 = run(first, records, List.of());
        assertThat(r1.history().bootstrapped()).isFalse();
        assertThat(r1.newPairs().pairs())
                .extracting(NewPair::pipeline, NewPair::roleArn)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("deploy", ROLE_B),
                        org.assertj.core.groups.Tuple.tuple("web", ROLE_B));
        ReportState saved = ReportState.fromJson(first.nextState(List.of()).toJson(TO));
        assertThat(saved.firstSeen())
                .containsEntry(new Pair("acme", "deploy", ROLE_A), FROM.minus(Duration.ofDays(20)))
                .containsEntry(new Pair("acme", "web", ROLE_B), at("11:00"));
        assertThat(saved.through()).isEqualTo(TO);

        AuditReport again = run(new ReportBuilder(DAY, ReportOptions.DEFAULTS, Optional.of(saved)), records, List.of());
        assertThat(again.newPairs()).isEqualTo(r1.newPairs());

        ReportWindow nextDay = new ReportWindow(TO, TO.plus(Duration.ofDays(1)));
        ReportBuilder next = new ReportBuilder(nextDay, ReportOptions.DEFAULTS, Optional.of(saved));
        next.accept(allow(TO.plus(Duration.ofHours(1)), "web", "w", ROLE_B));
        assertThat(next.finish(List.of(), TO.plus(Duration.ofDays(1)))
                        .newPairs()
                        .pairs())
                .isEmpty();
    }

    @Test
    void bootstrapDaysSeedHistoryFromRecordsBeforeTheWindow() {
        ReportOptions options = ReportOptions.DEFAULTS.withBootstrapDays(40);
        ReportBuilder b = new ReportBuilder(DAY, options, Optional.empty());
        assertThat(b.bootstrapWindow()).contains(new ReportWindow(FROM.minus(Duration.ofDays(40)), FROM));
        b.learn(allow(FROM.minus(Duration.ofDays(35)), "deploy", "old", ROLE_A));
        b.learn(allow(FROM.minus(Duration.ofDays(2)), "deploy", "d", ROLE_A));
        b.learn(deny(FROM.minus(Duration.ofDays(2)), "no_binding"));
        AuditReport r = run(
                b,
                List.of(allow(at("09:00"), "deploy", "d", ROLE_A)),
                List.of(
                        binding("old", "deploy", ROLE_A),
                        binding("d", "deploy", ROLE_A),
                        binding("unused", "deploy", ROLE_B)));
        assertThat(r.history().since()).isEqualTo(FROM.minus(Duration.ofDays(40)));
        assertThat(r.history().bootstrapDays()).isEqualTo(40);
        assertThat(r.totals().records()).as("learned records are not counted").isEqualTo(1);
        assertThat(r.newPairs().pairs()).isEmpty();
        assertThat(r.bindings().stale())
                .extracting(AuditReport.StaleBinding::name, AuditReport.StaleBinding::basis)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("old", BindingReview.BASIS_LAST_USED),
                        org.assertj.core.groups.Tuple.tuple("unused", BindingReview.BASIS_HISTORY));
    }

    @Test
    void refusalsKeepAFewRequestIdsPerReasonAndReplaysAreCounted() {
        ReportBuilder b = new ReportBuilder(DAY, ReportOptions.DEFAULTS, Optional.empty());
        List<Map<String, Object>> records = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            records.add(deny(at("01:0" + i), "token_replayed"));
        }
        records.add(deny(at("02:00"), "no_binding"));
        AuditReport r = run(b, records, List.of());
        assertThat(r.replays().total()).isEqualTo(8);
        assertThat(r.replays().sampleRequestIds())
                .hasSize(5)
                .isSubsetOf(records.subList(0, 8).stream()
                        .map(m -> (String) m.get("request_id"))
                        .toList());
        assertThat(r.replays().byPipeline()).containsExactly(new AuditReport.PipelineCount("acme", "deploy", 8));
        assertThat(r.refusals().byReason())
                .extracting(AuditReport.ReasonCount::reason, AuditReport.ReasonCount::count)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("token_replayed", 8L),
                        org.assertj.core.groups.Tuple.tuple("no_binding", 1L));
        assertThat(r.refusals().byReason().get(0).sampleRequestIds()).hasSize(5);
        assertThat(r.refusals().byReason().get(1).sampleRequestIds())
                .containsExactly((String) records.get(8).get("request_id"));
    }

    @Test
    void anAllowedAdminReadIsAKindOfItsOwnNotAChange() {
        ReportBuilder b = new ReportBuilder(DAY, ReportOptions.DEFAULTS, Optional.empty());
        String[][] records = {{"allow", "admin_read"}, {"allow", "bindings_changed"}, {"deny", "forbidden"}};
        for (int i = 0; i < records.length; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("request_id", "adm-" + i);
            m.put("time", io.kitevend.audit.AuditRecord.TIME.format(at("0" + i + ":00")));
            m.put("kind", "admin");
            m.put("decision", records[i][0]);
            m.put("reason", records[i][1]);
            m.put("action", i == 0 ? "list_bindings" : "put_binding");
            b.accept(m);
        }
        AuditReport r = b.finish(List.of(), TO);

        assertThat(r.totals().kind("admin_read")).isEqualTo(new AuditReport.Decisions(1, 0, 0, 0));
        assertThat(r.totals().kind("admin")).isEqualTo(new AuditReport.Decisions(1, 1, 0, 0));
        assertThat(r.admin().changesMade()).isEqualTo(1);
        assertThat(r.admin().changes()).extracting(c -> c.get("request_id")).containsExactly("adm-1", "adm-2");
    }

    @Test
    void adminRecordsAreListedWithoutInternalFieldsUpToTheLimit() {
        ReportOptions options = new ReportOptions(30, 14_400, 0, 100, 5, 2, 10);
        ReportBuilder b = new ReportBuilder(DAY, options, Optional.empty());
        for (int i = 0; i < 3; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("request_id", "adm-" + i);
            m.put("time", io.kitevend.audit.AuditRecord.TIME.format(at("0" + i + ":00")));
            m.put("kind", "admin");
            m.put("decision", i == 2 ? "deny" : "allow");
            m.put("principal", "arn:aws:sts::123456789012:assumed-role/admin/alice");
            m.put("action", "put_binding");
            m.put("before", "{\"max_duration_seconds\":3600}");
            m.put("after", Map.of("max_duration_seconds", 7200));
            m.put("pk", "day#2025-05-14#0");
            m.put("token_sha256", "abc");
            b.accept(m);
        }
        AuditReport r = b.finish(List.of(), TO);
        assertThat(r.admin().total()).isEqualTo(3);
        assertThat(r.admin().byDecision()).isEqualTo(new AuditReport.Decisions(2, 1, 0, 0));
        assertThat(r.admin().changesMade()).isEqualTo(2);
        assertThat(r.admin().byAction())
                .containsExactly(new AuditReport.KeyRequests("put_binding", new AuditReport.Decisions(2, 1, 0, 0)));
        assertThat(r.admin().changesTruncated()).isTrue();
        assertThat(r.admin().changes()).hasSize(2);
        assertThat(r.admin().changes().get(0))
                .containsEntry("principal", "arn:aws:sts::123456789012:assumed-role/admin/alice")
                .doesNotContainKeys("pk", "token_sha256");
        assertThat(r.vends().total()).isZero();
        assertThat(r.latency().count()).as("admin records have no vend latency").isZero();
        assertThat(ReportJson.tree(r)
                        .at("/admin/changes/0/before/max_duration_seconds")
                        .asInt())
                .isEqualTo(3600);
    }

    @Test
    void countTablesStayWithinTheirKeyLimit() {
        ReportBuilder b = new ReportBuilder(DAY, ReportOptions.DEFAULTS.withMaxKeys(2), Optional.empty());
        AuditReport r = run(
                b,
                List.of(
                        allow(at("01:00"), "p1", "b1", ROLE_A), allow(at("01:01"), "p1", "b1", ROLE_A),
                        allow(at("01:02"), "p2", "b2", ROLE_A), allow(at("01:03"), "p3", "b3", ROLE_A)),
                List.of());
        assertThat(r.vends().total()).isEqualTo(4);
        assertThat(r.vends().truncated()).isTrue();
        assertThat(r.vends().byPipeline())
                .extracting(AuditReport.PipelineCount::pipeline)
                .containsExactly("p1", "p2");
        assertThat(r.vends().byPipelineNotListed())
                .as("p3, beyond the key limit")
                .isEqualTo(1);
        assertThat(r.newPairs().truncated()).isTrue();
        assertThat(r.newPairs().pairs()).hasSize(2);
    }

    @Test
    void disabledBindingsAreNeitherStaleNorRiskyAndDeletedOnesLeaveTheState() {
        ReportState previous = new ReportState(
                FROM.minus(Duration.ofDays(100)),
                FROM,
                Map.of(),
                Map.of(
                        new BindingKey("acme", "gone"),
                        FROM.minus(Duration.ofDays(5)),
                        new BindingKey("acme", "kept"),
                        FROM.minus(Duration.ofDays(50))));
        ReportBuilder b = new ReportBuilder(DAY, ReportOptions.DEFAULTS, Optional.of(previous));
        Binding disabled =
                binding("off", "*", ROLE_A).toBuilder().enabled(false).build();
        Binding kept = binding("kept", "deploy", ROLE_A);
        Binding glob = binding("glob", "infra-*", ROLE_B);
        AuditReport r = b.finish(List.of(disabled, kept, glob), TO);
        assertThat(r.bindings().total()).isEqualTo(3);
        assertThat(r.bindings().enabled()).isEqualTo(2);
        assertThat(r.bindings().stale())
                .extracting(AuditReport.StaleBinding::name)
                .containsExactly("glob", "kept");
        assertThat(r.bindings().stale().get(1).unusedDays()).isEqualTo(51);
        assertThat(r.bindings().risky())
                .extracting(AuditReport.RiskyBinding::name)
                .containsExactly("glob");
        assertThat(b.nextState(List.of(disabled, kept, glob)).lastUsed())
                .containsOnlyKeys(new BindingKey("acme", "kept"));
    }

    @Test
    void aBindingThatHandsOutOnlySecretsIsInUseNotStale() {
        ReportState previous = new ReportState(
                FROM.minus(Duration.ofDays(100)),
                FROM,
                Map.of(),
                Map.of(new BindingKey("acme", "vault"), FROM.minus(Duration.ofDays(50))));
        ReportBuilder b = new ReportBuilder(DAY, ReportOptions.DEFAULTS, Optional.of(previous));
        Map<String, Object> secrets = allow(at("09:30"), "deploy", "vault", null);
        secrets.put("kind", "secrets");
        b.accept(secrets);
        Binding vault = binding("vault", "deploy", ROLE_A);
        AuditReport r = b.finish(List.of(vault), TO);
        assertThat(r.bindings().stale()).isEmpty();
        assertThat(r.vends().total()).as("a secrets request is not a vend").isZero();
        assertThat(r.secrets().byBinding())
                .containsExactly(
                        new AuditReport.BindingRequests("acme", "vault", new AuditReport.Decisions(1, 0, 0, 0)));
        assertThat(b.nextState(List.of(vault)).lastUsed()).containsEntry(new BindingKey("acme", "vault"), at("09:30"));
    }

    static Stream<Arguments> bucketCases() {
        return Stream.of(
                Arguments.of(Named.of("10 minutes", Duration.ofMinutes(10)), Duration.ofMinutes(1)),
                Arguments.of(Named.of("1 hour", Duration.ofHours(1)), Duration.ofMinutes(1)),
                Arguments.of(Named.of("3 hours", Duration.ofHours(3)), Duration.ofMinutes(5)),
                Arguments.of(Named.of("1 day", Duration.ofDays(1)), Duration.ofHours(1)),
                Arguments.of(Named.of("2 days", Duration.ofDays(2)), Duration.ofHours(1)),
                Arguments.of(Named.of("1 week", Duration.ofDays(7)), Duration.ofHours(6)),
                Arguments.of(Named.of("31 days", Duration.ofDays(31)), Duration.ofDays(1)),
                Arguments.of(Named.of("400 days", Duration.ofDays(400)), Duration.ofDays(7)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bucketCases")
    void timelineBucketsFitTheWindow(Duration length, Duration bucket) {
        assertThat(ReportBuilder.bucketFor(length)).isEqualTo(bucket);
        ReportBuilder b =
                new ReportBuilder(new ReportWindow(FROM, FROM.plus(length)), ReportOptions.DEFAULTS, Optional.empty());
        AuditReport r = b.finish(List.of(), FROM.plus(length));
        assertThat(r.timeline()).hasSizeLessThanOrEqualTo(60).hasSize((int)
                ((length.toMillis() + bucket.toMillis() - 1) / bucket.toMillis()));
    }

    @Test
    void stateSurvivesItsJsonForm() {
        Map<Pair, Instant> pairs = new HashMap<>();
        pairs.put(new Pair("acme", "deploy", ROLE_A), FROM);
        ReportState s = new ReportState(
                FROM.minus(Duration.ofDays(3)), TO, pairs, Map.of(new BindingKey("acme", "d"), at("03:00")));
        assertThat(ReportState.fromJson(s.toJson(TO))).isEqualTo(s);
    }
}
