package io.kitevend.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kitevend.audit.AuditFilter;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.Decision;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.token.BuildkiteClaims;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * What {@link DynamoAuditStore} must do against any DynamoDB: records written by it can be found
 * by the three reads the design names (a time window, a pipeline in a window, a request id), and
 * a stored record is never overwritten.
 */
abstract class AuditStoreChecks {
    private static final int SHARDS = 4;
    private static final Duration RETENTION = Duration.ofDays(400);
    /** Ten o'clock UTC today: the records below stay within one day, and their TTL in the future. */
    private static final Instant T = LocalDate.now(ZoneOffset.UTC).atTime(10, 0).toInstant(ZoneOffset.UTC);

    private DynamoDbClient dynamo;
    private String table;
    private DynamoAuditStore store;

    protected abstract URI endpoint();

    @BeforeEach
    void createTables() {
        dynamo = EmulatorAws.clients(endpoint()).dynamo();
        table = EmulatorAws.table("audit");
        Tables.ensure(dynamo, EmulatorAws.table("bindings"), table, EmulatorAws.table("replay"));
        store = new DynamoAuditStore(dynamo, table, RETENTION, SHARDS);
    }

    private static BuildkiteClaims claims(String org, String pipeline, String jti) {
        return claims(org, pipeline, jti, Map.of());
    }

    private static BuildkiteClaims claims(String org, String pipeline, String jti, Map<String, String> optional) {
        return new BuildkiteClaims(
                "https://agent.buildkite.com",
                "organization:" + org + ":pipeline:" + pipeline + ":ref:refs/heads/main:commit:abc:step:build",
                jti,
                T.minusSeconds(30),
                T.plusSeconds(270),
                org,
                pipeline,
                42,
                "main",
                null,
                "9f3182061f1e2cca4702c368cbc039b7dc9d4485",
                "build",
                "0184990a-477b-4fa8-9968-496074483cee",
                "0184990a-4782-42b5-afc1-16715b10b8ff",
                "ui",
                "self-hosted",
                optional);
    }

    /** An allowed vend of {@code org/pipeline} at {@code time}, filled in the way the vend service does. */
    private static AuditRecord allowed(String org, String pipeline, Instant time) {
        AuditRecord r = new AuditRecord(UUID.randomUUID().toString(), time, AuditRecord.KIND_VEND);
        r.claims(claims(org, pipeline, UUID.randomUUID().toString()));
        r.tokenSha256("a".repeat(64));
        r.binding(pipeline + "-main");
        r.roleArn("arn:aws:iam::123456789012:role/kitevend/deployer");
        r.sessionName("bk-" + pipeline + "-42-0184990a");
        r.sourceIdentity("bk." + org + "." + pipeline + ".42");
        r.durationSeconds(3600);
        r.accessKeyId("ASIAEXAMPLE" + time.toEpochMilli());
        r.expiration(time.plusSeconds(3600));
        r.sourceIp("192.0.2.10");
        r.userAgent("test-agent/1.0");
        r.latencyMillis(12);
        r.outcome(Decision.ALLOW, "issued", null, 200);
        return r;
    }

    /** A request refused before any claim was known (no token): it has no pipeline. */
    private static AuditRecord refusedWithoutToken(Instant time) {
        AuditRecord r = new AuditRecord(UUID.randomUUID().toString(), time, AuditRecord.KIND_VEND);
        r.sourceIp("192.0.2.11");
        r.outcome(Decision.DENY, "token_missing", "no Authorization header", 401);
        return r;
    }

    private List<Map<String, AttributeValue>> queryAll(QueryRequest first) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        QueryRequest request = first;
        while (true) {
            QueryResponse page = dynamo.query(request);
            items.addAll(page.items());
            if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                return items;
            }
            request = request.toBuilder()
                    .exclusiveStartKey(page.lastEvaluatedKey())
                    .build();
        }
    }

    /** The report's read: every shard of the day, sort key within the window. */
    private List<String> window(Instant from, Instant to) {
        List<String> ids = new ArrayList<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            queryAll(QueryRequest.builder()
                            .tableName(table)
                            .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                            .expressionAttributeValues(Map.of(
                                    ":pk", AttributeValue.fromS(DynamoAuditStore.partitionKey(from, shard)),
                                    ":from", AttributeValue.fromS(AuditRecord.TIME.format(from)),
                                    ":to", AttributeValue.fromS(AuditRecord.TIME.format(to) + "#\uffff")))
                            .build())
                    .forEach(item -> ids.add(item.get("request_id").s()));
        }
        return ids;
    }

    private List<String> pipeline(String pipelineKey, Instant from, Instant to) {
        return queryAll(QueryRequest.builder()
                        .tableName(table)
                        .indexName(DynamoAuditStore.BY_PIPELINE)
                        .keyConditionExpression("pipeline_key = :p AND sk BETWEEN :from AND :to")
                        .expressionAttributeValues(Map.of(
                                ":p", AttributeValue.fromS(pipelineKey),
                                ":from", AttributeValue.fromS(AuditRecord.TIME.format(from)),
                                ":to", AttributeValue.fromS(AuditRecord.TIME.format(to) + "#\uffff")))
                        .build())
                .stream()
                .map(item -> item.get("request_id").s())
                .toList();
    }

    private List<Map<String, AttributeValue>> byRequestId(String requestId) {
        return queryAll(QueryRequest.builder()
                .tableName(table)
                .indexName(DynamoAuditStore.BY_REQUEST_ID)
                .keyConditionExpression("request_id = :id")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(requestId)))
                .build());
    }

    @Test
    void recordsOfATimeWindowAreFoundAcrossAllShards() throws Exception {
        AuditRecord before = allowed("acme", "deploy", T.minusSeconds(3600));
        List<AuditRecord> inside = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            inside.add(allowed("acme", i % 2 == 0 ? "deploy" : "build", T.plusSeconds(60L * i)));
        }
        AuditRecord refused = refusedWithoutToken(T.plusSeconds(90));
        AuditRecord after = allowed("acme", "deploy", T.plusSeconds(3 * 3600));
        AuditRecord nextDay = allowed("acme", "deploy", T.plus(Duration.ofDays(1)));
        for (AuditRecord r : concat(inside, List.of(before, refused, after, nextDay))) {
            store.put(r);
        }

        List<String> found = window(T, T.plusSeconds(3600));

        assertThat(found)
                .containsExactlyInAnyOrderElementsOf(
                        concat(inside.stream().map(AuditRecord::requestId).toList(), List.of(refused.requestId())));
    }

    @Test
    void recordsOfOnePipelineInAWindowAreFoundThroughTheIndex() throws Exception {
        AuditRecord deploy1 = allowed("acme", "deploy", T);
        AuditRecord deploy2 = allowed("acme", "deploy", T.plusSeconds(600));
        AuditRecord build = allowed("acme", "build", T.plusSeconds(300));
        AuditRecord otherOrg = allowed("globex", "deploy", T.plusSeconds(300));
        AuditRecord deployLater = allowed("acme", "deploy", T.plusSeconds(7200));
        AuditRecord refused = refusedWithoutToken(T.plusSeconds(300));
        for (AuditRecord r : List.of(deploy1, deploy2, build, otherOrg, deployLater, refused)) {
            store.put(r);
        }

        assertThat(pipeline("acme/deploy", T, T.plusSeconds(3600)))
                .containsExactlyInAnyOrder(deploy1.requestId(), deploy2.requestId());
        assertThat(pipeline("acme/deploy", T, T.plusSeconds(3 * 3600)))
                .as("sorted by time")
                .containsExactly(deploy1.requestId(), deploy2.requestId(), deployLater.requestId());
        assertThat(pipeline("globex/deploy", T, T.plusSeconds(3600))).containsExactly(otherOrg.requestId());
    }

    @Test
    void aRecordIsFoundByItsRequestIdWithEveryFieldAndATtl() throws Exception {
        AuditRecord record = allowed("acme", "deploy", T.plusMillis(123));
        store.put(record);
        store.put(allowed("acme", "deploy", T.plusMillis(124)));

        List<Map<String, AttributeValue>> items = byRequestId(record.requestId());

        assertThat(items).hasSize(1);
        Map<String, AttributeValue> item = items.get(0);
        assertThat(item.keySet())
                .containsExactlyInAnyOrder(
                        "pk",
                        "sk",
                        "pipeline_key",
                        "expires_at",
                        "request_id",
                        "time",
                        "kind",
                        "decision",
                        "reason",
                        "status",
                        "organization_slug",
                        "pipeline_slug",
                        "build_number",
                        "build_branch",
                        "build_commit",
                        "step_key",
                        "job_id",
                        "agent_id",
                        "build_source",
                        "runner_environment",
                        "jti",
                        "sub",
                        "token_sha256",
                        "binding",
                        "role_arn",
                        "session_name",
                        "source_identity",
                        "duration_seconds",
                        "access_key_id",
                        "expiration",
                        "source_ip",
                        "user_agent",
                        "latency_ms");
        assertThat(item.get("pipeline_key").s()).isEqualTo("acme/deploy");
        assertThat(item.get("sk").s())
                .startsWith(AuditRecord.TIME.format(record.time()))
                .endsWith(record.requestId());
        assertThat(item.get("decision").s()).isEqualTo("allow");
        assertThat(item.get("status").n()).isEqualTo("200");
        assertThat(item.get("build_number").n()).isEqualTo("42");
        assertThat(item.get("access_key_id").s()).isEqualTo(record.accessKeyId());
        assertThat(item.get("expires_at").n())
                .isEqualTo(Long.toString(record.time().plus(RETENTION).getEpochSecond()));
        assertThat(item.keySet())
                .noneMatch(name -> name.contains("secret") || name.equals("token") || name.equals("session_token"));
    }

    @Test
    void aRecordIsNeverOverwrittenButTheSameRecordAgainIsStored() throws Exception {
        AuditRecord record = allowed("acme", "deploy", T.plusMillis(200));
        store.put(record);

        // What an SDK retry of a write that landed finds: the same record under its key.
        store.put(record);

        AuditRecord other = new AuditRecord(record.requestId(), record.time(), AuditRecord.KIND_VEND);
        other.outcome(Decision.DENY, "token_missing", "no Authorization header", 401);
        assertThatThrownBy(() -> store.put(other))
                .as("another record under the same key")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(record.requestId());

        List<Map<String, AttributeValue>> items = byRequestId(record.requestId());
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("decision").s()).isEqualTo("allow");
        assertThat(items.get(0).get("access_key_id").s()).isEqualTo(record.accessKeyId());
    }

    @Test
    void everyClaimABindingConditionCanTestIsStoredAndReadBack() throws Exception {
        AuditRecord record = allowed("acme", "deploy", T.plusMillis(300));
        Map<String, String> optional = new LinkedHashMap<>();
        optional.put("agent_tag:queue", "deploy");
        optional.put("agent_tag:aws:instance-type", "m7g.large");
        optional.put("queue_id", "01890f8e-0000-7000-8000-000000000001");
        optional.put("queue_key", "deploy");
        optional.put("cluster_id", "01890f8e-0000-7000-8000-000000000002");
        optional.put("cluster_name", "Production");
        optional.put("organization_id", "01890f8e-0000-7000-8000-000000000003");
        optional.put("pipeline_id", "01890f8e-0000-7000-8000-000000000004");
        record.claims(claims("acme", "deploy", UUID.randomUUID().toString(), optional));
        store.put(record);

        Map<String, AttributeValue> item = byRequestId(record.requestId()).get(0);
        optional.forEach(
                (claim, value) -> assertThat(item.get(claim)).as(claim).isEqualTo(AttributeValue.fromS(value)));
        assertThat(item.get("runner_environment").s()).isEqualTo("self-hosted");

        var read = store.query(new AuditFilter(T, T.plusSeconds(1), "acme", "deploy", null), null, 10);
        assertThat(read.records())
                .singleElement()
                .satisfies(fields -> assertThat(fields)
                        .containsAllEntriesOf(optional)
                        .containsEntry("runner_environment", "self-hosted"));
    }

    @Test
    void aRecordWithUnpairedSurrogatesIsStoredWithReplacementCharacters() throws Exception {
        // Text from outside that is not valid UTF-16 (an escaped lone surrogate in JSON, say) must
        // never keep a record from being stored: a denied request would lose its only trace.
        AuditRecord record = refusedWithoutToken(T.plusMillis(400));
        record.userAgent("agent/\uD800 1.0");
        record.outcome(Decision.DENY, "token_malformed", "header \uDC00 is odd", 401);

        store.put(record);

        Map<String, AttributeValue> item = byRequestId(record.requestId()).get(0);
        assertThat(item.get("user_agent").s()).isEqualTo("agent/\uFFFD 1.0");
        assertThat(item.get("detail").s()).isEqualTo("header \uFFFD is odd");
    }

    private static <E> List<E> concat(List<? extends E> a, List<? extends E> b) {
        List<E> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
