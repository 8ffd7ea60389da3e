package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.iam;
import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.audit.AuditFilter;
import io.kitevend.audit.AuditPage;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.Decision;
import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.JobClaims;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reading the audit trail back, on any audit store: a time window newest first, by pipeline, by
 * organization (admin records included), by decision, page by page, and through
 * {@code GET /v1/admin/audit}. The records span three days, so a window crosses day partitions.
 * The expected answers come from the generated records themselves.
 */
abstract class AuditQueryChecks {
    /** Noon UTC today: the records lie in the 72 hours before it. */
    static final Instant NOON = LocalDate.now(ZoneOffset.UTC).atTime(12, 0).toInstant(ZoneOffset.UTC);

    static final String[] PIPELINES = {"deploy", "build", "infra"};

    protected AdminFixture f;
    protected final List<Map<String, Object>> written = new ArrayList<>();

    protected abstract AdminFixture newFixture();

    @BeforeEach
    void writeRecords() throws Exception {
        f = newFixture();
        f.clock.set(NOON.plus(Duration.ofHours(1)));
        Random random = new Random(42);
        for (int i = 0; i < 120; i++) {
            Instant time = NOON.minusMillis(
                    (long) (random.nextDouble() * Duration.ofHours(72).toMillis()));
            AuditRecord r = new AuditRecord("req-" + i, time, AuditRecord.KIND_VEND);
            if (i % 17 == 5) {
                r.outcome(Decision.DENY, "token_missing", null, 401); // refused before any claim was known
            } else {
                r.claims(JobClaims.job()
                        .organization(random.nextInt(4) == 0 ? "globex" : "acme")
                        .pipeline(PIPELINES[random.nextInt(PIPELINES.length)])
                        .jti("jti-" + i)
                        .build());
                Decision d = Decision.values()[random.nextInt(3)];
                r.outcome(
                        d,
                        d == Decision.ALLOW ? "issued" : "no_matching_binding",
                        null,
                        d == Decision.ALLOW ? 200 : 403);
            }
            put(r);
        }
        for (int i = 0; i < 8; i++) {
            AuditRecord r = new AuditRecord("admin-" + i, NOON.minus(Duration.ofHours(9L * i)), AuditRecord.KIND_ADMIN);
            r.outcome(Decision.ALLOW, "binding_created", null, 201);
            r.principal(AdminFixture.WRITER);
            r.action("create");
            r.binding("b" + i);
            r.bindingOrganization(i % 2 == 0 ? "acme" : "globex");
            r.after("{\"name\":\"b" + i + "\",\"version\":1}");
            put(r);
        }
    }

    private void put(AuditRecord r) throws Exception {
        f.auditStore.put(r);
        written.add(r.fields());
    }

    /** The oracle: the written records passing {@code filter}, newest first, by request id. */
    private List<String> expected(AuditFilter filter) {
        return written.stream()
                .filter(filter::accepts)
                .sorted(Comparator.comparing((Map<String, Object> r) -> r.get("time") + "#" + r.get("request_id"))
                        .reversed())
                .map(r -> (String) r.get("request_id"))
                .toList();
    }

    /** Every page of a query, with the page sizes seen. */
    private List<String> all(AuditFilter filter, int limit, List<Integer> sizes) throws Exception {
        List<String> out = new ArrayList<>();
        String after = null;
        do {
            AuditPage page = f.auditQuery.query(filter, after, limit);
            sizes.add(page.records().size());
            page.records().forEach(r -> out.add((String) r.get("request_id")));
            after = page.nextAfter();
        } while (after != null);
        return out;
    }

    private static AuditFilter window(Duration back, String org, String pipeline, Decision decision) {
        return new AuditFilter(NOON.minus(back), NOON.plusSeconds(1), org, pipeline, decision);
    }

    @Test
    void aWindowAcrossDaysComesBackWholeNewestFirstInPages() throws Exception {
        AuditFilter filter = window(Duration.ofHours(60), null, null, null);
        List<Integer> sizes = new ArrayList<>();

        List<String> read = all(filter, 7, sizes);

        assertThat(expected(filter)).hasSizeGreaterThan(80);
        assertThat(read).isEqualTo(expected(filter));
        assertThat(sizes.subList(0, sizes.size() - 1)).containsOnly(7);
    }

    @Test
    void theWindowIsFromInclusiveToExclusive() throws Exception {
        Map<String, Object> some = written.get(10);
        Instant t = Instant.parse((String) some.get("time"));

        List<String> from = all(new AuditFilter(t, t.plusMillis(1), null, null, null), 50, new ArrayList<>());
        List<String> to = all(new AuditFilter(t.minusMillis(1), t, null, null, null), 50, new ArrayList<>());

        assertThat(from).contains((String) some.get("request_id"));
        assertThat(to).doesNotContain((String) some.get("request_id"));
    }

    @Test
    void byPipelineOnlyThatPipelinesRecords() throws Exception {
        AuditFilter filter = window(Duration.ofHours(72), "acme", "deploy", null);

        List<String> read = all(filter, 5, new ArrayList<>());

        assertThat(read).isNotEmpty().isEqualTo(expected(filter));
        assertThat(read)
                .allMatch(id -> written.stream()
                        .anyMatch(r -> r.get("request_id").equals(id)
                                && "deploy".equals(r.get("pipeline_slug"))
                                && "acme".equals(r.get("organization_slug"))));
    }

    @Test
    void byOrganizationIncludesItsAdminRecordsAndNothingElse() throws Exception {
        AuditFilter filter = window(Duration.ofHours(72), "globex", null, null);

        List<String> read = all(filter, 9, new ArrayList<>());

        assertThat(read).isEqualTo(expected(filter));
        assertThat(read).contains("admin-1", "admin-3").doesNotContain("admin-0", "admin-2");
    }

    @Test
    void byDecision() throws Exception {
        for (Decision d : Decision.values()) {
            AuditFilter filter = window(Duration.ofHours(72), null, null, d);
            assertThat(all(filter, 10, new ArrayList<>()))
                    .as(d.code())
                    .isNotEmpty()
                    .isEqualTo(expected(filter));
        }
        AuditFilter pipelineDenies = window(Duration.ofHours(72), "acme", "build", Decision.DENY);
        assertThat(all(pipelineDenies, 3, new ArrayList<>())).isEqualTo(expected(pipelineDenies));
    }

    // ------------------------------------------------------------------ the route

    private JsonNode get(Map<String, String> params) throws Exception {
        var req = request("GET", "/v1/admin/audit").as(iam(AdminFixture.READER));
        params.forEach(req::query);
        HttpResponse r = f.send(req);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Json.readTree(r.body());
    }

    private static List<String> ids(JsonNode body) {
        List<String> out = new ArrayList<>();
        body.get("records").forEach(r -> out.add(r.get("request_id").asText()));
        return out;
    }

    @Test
    void theRouteDefaultsToTheLast24HoursAndPagesWithAnOpaqueToken() throws Exception {
        Instant now = f.clock.instant();
        AuditFilter last24h = new AuditFilter(now.minus(Duration.ofHours(24)), now, null, null, null);
        List<String> read = new ArrayList<>();
        JsonNode page = get(Map.of("limit", "10"));
        read.addAll(ids(page));
        while (page.hasNonNull("next_page")) {
            // Later pages keep the first page's window even when read later.
            f.clock.advance(Duration.ofHours(2));
            page = get(Map.of("limit", "10", "page", page.get("next_page").asText()));
            read.addAll(ids(page));
        }
        assertThat(read).isEqualTo(expected(last24h));
    }

    @Test
    void theRouteFiltersByPipelineAndDecisionAndShowsAdminChangesAsJson() throws Exception {
        AuditFilter filter =
                new AuditFilter(NOON.minus(Duration.ofHours(48)), NOON.plusSeconds(1), "acme", "infra", Decision.ALLOW);
        JsonNode body = get(Map.of(
                "organization",
                "acme",
                "pipeline",
                "infra",
                "decision",
                "allow",
                "from",
                NOON.minus(Duration.ofHours(48)).toString(),
                "to",
                NOON.plusSeconds(1).toString(),
                "limit",
                "100"));
        assertThat(ids(body)).isEqualTo(expected(filter));
        assertThat(body.get("records")).allSatisfy(r -> {
            assertThat(r.has("pk")).as("key attributes stay inside").isFalse();
            assertThat(r.has("expires_at")).isFalse();
        });

        JsonNode admin = get(Map.of(
                "organization",
                "acme",
                "from",
                NOON.minus(Duration.ofHours(1)).toString(),
                "to",
                NOON.plusSeconds(1).toString()));
        JsonNode change = admin.get("records").get(0);
        assertThat(change.get("request_id").asText()).isEqualTo("admin-0");
        assertThat(change.get("principal").asText()).isEqualTo(AdminFixture.WRITER);
        assertThat(change.get("after").get("version").asInt())
                .as("before/after as JSON objects")
                .isEqualTo(1);
    }

    @Test
    void theRouteRefusesBadQueries() throws Exception {
        List<Map<String, String>> bad = List.of(
                Map.of("decision", "maybe"),
                Map.of("from", "yesterday"),
                Map.of("from", NOON.toString(), "to", NOON.minusSeconds(1).toString()),
                Map.of("from", NOON.minus(Duration.ofDays(32)).toString(), "to", NOON.toString()),
                Map.of("limit", "0"),
                Map.of("pipeline", "deploy"),
                Map.of("organization", "Acme!"),
                Map.of("page", "bm90IGEgdG9rZW4"));
        for (Map<String, String> params : bad) {
            var req = request("GET", "/v1/admin/audit").as(iam(AdminFixture.READER));
            params.forEach(req::query);
            HttpResponse r = f.send(req);
            assertThat(r.status()).as(params + " -> " + r.body()).isEqualTo(400);
        }
        JsonNode first = get(Map.of("organization", "acme", "limit", "1"));
        var other = request("GET", "/v1/admin/audit")
                .as(iam(AdminFixture.READER))
                .query("organization", "globex")
                .query("page", first.get("next_page").asText());
        assertThat(f.send(other).status()).as("a token of another query").isEqualTo(400);
    }

    @Test
    void aRequestIdLeadsToItsWholeRecord() throws Exception {
        Map<String, Object> refused = written.stream()
                .filter(r -> "no_matching_binding".equals(r.get("reason")))
                .findFirst()
                .orElseThrow();
        String id = (String) refused.get("request_id");

        HttpResponse r = f.send(request("GET", "/v1/admin/audit/" + id).as(iam(AdminFixture.READER)));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode record = Json.readTree(r.body()).get("records").get(0);
        assertThat(Json.readTree(r.body()).get("records")).hasSize(1);
        assertThat(record.get("request_id").asText()).isEqualTo(id);
        assertThat(record.get("reason").asText()).isEqualTo("no_matching_binding");
        assertThat(record.get("pipeline_slug").asText()).isEqualTo(refused.get("pipeline_slug"));
        assertThat(record.get("jti").asText()).isEqualTo(refused.get("jti"));
        assertThat(record.has("pk")).as("key attributes stay inside").isFalse();
    }

    @Test
    void aRequestIdWithTheCharactersOfBase64IsFound() throws Exception {
        AuditRecord r = new AuditRecord("Kf/T4+ThWZ=", NOON, AuditRecord.KIND_VEND);
        r.outcome(Decision.DENY, "token_expired", "exp was 5 minutes ago", 401);
        r.accessKeyId("ASIAEXAMPLE000000001");
        put(r);

        HttpResponse found =
                f.send(request("GET", "/v1/admin/audit/Kf/T4+ThWZ=").as(iam(AdminFixture.READER)));

        assertThat(found.status()).as(found.body()).isEqualTo(200);
        JsonNode record = Json.readTree(found.body()).get("records").get(0);
        assertThat(record.get("detail").asText()).isEqualTo("exp was 5 minutes ago");
        assertThat(record.get("access_key_id").asText()).isEqualTo("ASIAEXAMPLE000000001");
    }

    @Test
    void anUnknownRequestIdIs404AndABadOne400() throws Exception {
        HttpResponse unknown =
                f.send(request("GET", "/v1/admin/audit/no-such-request").as(iam(AdminFixture.READER)));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(Json.readTree(unknown.body()).get("code").asText()).isEqualTo("not_found");

        for (String bad : new String[] {"a b", "x".repeat(257), "caf\u00e9"}) {
            HttpResponse r = f.send(request("GET", "/v1/admin/audit/" + bad).as(iam(AdminFixture.READER)));
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(Json.readTree(r.body()).get("code").asText()).isEqualTo("malformed_request");
        }
    }

    @Test
    void theLookupIsAuditedWithTheIdItLookedUp() throws Exception {
        f.send(request("GET", "/v1/admin/audit/req-7").requestId("lookup-1").as(iam(AdminFixture.READER)));

        List<Map<String, Object>> lookup = f.auditQuery.byRequestId("lookup-1", 10);
        assertThat(lookup)
                .singleElement()
                .satisfies(rec -> assertThat(rec)
                        .containsEntry("action", "audit_record")
                        .containsEntry("principal", AdminFixture.READER)
                        .containsEntry("target", "request_id=req-7")
                        .containsEntry("decision", "allow"));
    }

    /** A window of exactly 31 days is allowed and reads every day's partitions of it. */
    @Test
    void aThirtyOneDayWindowIsAllowed() throws Exception {
        Instant to = NOON.plusSeconds(1);
        Instant from = to.minus(Duration.ofDays(31));

        JsonNode body = get(Map.of("from", from.toString(), "to", to.toString(), "limit", "100"));

        assertThat(ids(body))
                .isEqualTo(expected(new AuditFilter(from, to, null, null, null)).subList(0, 100));
        assertThat(body.hasNonNull("next_page")).isTrue();
    }
}
