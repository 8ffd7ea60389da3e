package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Drives {@code ./kitevend dev}, started as a separate process, over HTTP only: the vend route,
 * every refusal, and the audit records it kept. Subclasses choose the stores (memory, moto).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RunnerBlackBoxSuite {
    static final String BINDINGS = """
            bindings:
              - name: deploy-main
                organization: acme
                pipeline: deploy
                conditions: {build_branch: [main]}
                role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
              - name: multi-a
                organization: acme
                pipeline: multi
                role_arn: arn:aws:iam::123456789012:role/kitevend/a
              - name: multi-b
                organization: acme
                pipeline: multi
                role_arn: arn:aws:iam::123456789012:role/kitevend/b
            """;

    RunnerProcess runner;
    URI url;
    /** request id → status of every request sent to /v1/credentials, to compare with the audit trail. */
    final Map<String, Integer> sent = new HashMap<>();

    abstract List<String> extraArgs();

    @BeforeAll
    void start() throws Exception {
        Path file = Files.createTempFile("bindings", ".yaml");
        Files.writeString(file, BINDINGS);
        List<String> args = new ArrayList<>(List.of("dev", "--port", "0", "--bindings", file.toString()));
        args.addAll(extraArgs());
        runner = RunnerProcess.start(args.toArray(String[]::new));
        url = runner.awaitListening();
    }

    @AfterAll
    void stop() throws Exception {
        if (runner != null) {
            runner.close();
        }
    }

    String mint(String pipeline, String branch) throws Exception {
        var r = LocalHttp.post(url.resolve("/dev/token"), Map.of("content-type", "application/json"),
                Json.write(Map.of("organization", "acme", "pipeline", pipeline, "branch", branch)));
        assertThat(r.status()).isEqualTo(200);
        return Json.readTree(r.body()).get("token").asText();
    }

    LocalHttp.Response vend(Map<String, String> headers, String body) throws Exception {
        var r = LocalHttp.post(url.resolve("/v1/credentials"), headers, body);
        JsonNode json = Json.readTree(r.body());
        String id = json.has("RequestId") ? json.get("RequestId").asText() : json.path("request_id").asText();
        sent.put(id, r.status());
        return r;
    }

    LocalHttp.Response vendWith(String token) throws Exception {
        return vend(Map.of("authorization", "Bearer " + token), null);
    }

    /** Asserts an RFC 9457 problem with the status and code, and returns it. */
    static JsonNode problem(LocalHttp.Response r, int status, String code) throws Exception {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode p = Json.readTree(r.body());
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("code").asText()).isEqualTo(code);
        assertThat(p.get("type").asText()).endsWith(code);
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("request_id").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return p;
    }

    @Test
    void allowedVendReturnsCredentialProcessJson() throws Exception {
        var r = vendWith(mint("deploy", "main"));
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = Json.readTree(r.body());
        assertThat(body.get("Version").asInt()).isEqualTo(1);
        assertThat(body.get("AccessKeyId").asText()).isNotBlank();
        assertThat(body.get("SecretAccessKey").asText()).isNotBlank();
        assertThat(body.get("SessionToken").asText()).isNotBlank();
        assertThat(Instant.parse(body.get("Expiration").asText())).isAfter(Instant.now());
        assertThat(body.get("Binding").asText()).isEqualTo("deploy-main");
        Map<String, Object> record = auditRecord(body.get("RequestId").asText());
        assertThat(record).containsEntry("decision", "allow").containsEntry("access_key_id", body.get("AccessKeyId").asText());
    }

    @Test
    void eachRefusalIsAProblemWithItsCode() throws Exception {
        problem(vend(Map.of(), null), 401, "token_not_accepted");
        problem(vendWith("not.a.token"), 401, "token_not_accepted");
        problem(vendWith(mint("deploy", "feature/x")), 403, "no_matching_binding");
        JsonNode ambiguous = problem(vendWith(mint("multi", "main")), 409, "ambiguous_binding");
        assertThat(ambiguous.get("bindings")).extracting(JsonNode::asText).containsExactly("multi-a", "multi-b");
        var named = vend(Map.of("authorization", "Bearer " + mint("multi", "main"), "content-type", "application/json"),
                "{\"binding\":\"multi-b\"}");
        assertThat(named.status()).isEqualTo(200);
        assertThat(Json.readTree(named.body()).get("Binding").asText()).isEqualTo("multi-b");
    }

    @Test
    void replayedTokenIsRefusedAndAudited() throws Exception {
        String token = mint("deploy", "main");
        assertThat(vendWith(token).status()).isEqualTo(200);
        JsonNode p = problem(vendWith(token), 401, "token_not_accepted");
        assertThat(auditRecord(p.get("request_id").asText())).containsEntry("reason", "token_replayed");
    }

    @Test
    void malformedRequestsAreProblems() throws Exception {
        String auth = "Bearer " + mint("deploy", "main");
        problem(vend(Map.of("authorization", auth, "content-type", "application/json"), "{not json"), 400, "malformed_request");
        problem(vend(Map.of("authorization", auth, "content-type", "application/json"), "{\"surprise\":1}"), 400, "malformed_request");
        problem(vend(Map.of("authorization", auth, "content-type", "application/json"), "{\"duration_seconds\":60}"), 400, "malformed_request");
        problem(vend(Map.of("authorization", auth, "content-type", "text/plain"), "{\"binding\":\"deploy-main\"}"), 415, "unsupported_media_type");
        String big = "{\"binding\":\"deploy-main\",\"pad\":\"" + "x".repeat(17 * 1024) + "\"}";
        problem(vend(Map.of("authorization", auth, "content-type", "application/json"), big), 413, "payload_too_large");
        problem(LocalHttp.get(url.resolve("/v1/credentials")), 405, "method_not_allowed");
        problem(LocalHttp.get(url.resolve("/v1/nothing-here")), 404, "not_found");
    }

    @Test
    void auditRecordsMatchTheRequests() throws Exception {
        // Runs after (or between) the others: whatever was sent so far must be in the trail, once each.
        vendWith(mint("deploy", "main"));
        problem(vend(Map.of(), null), 401, "token_not_accepted");
        List<Map<String, Object>> records = auditRecords();
        Map<String, Integer> audited = new HashMap<>();
        for (Map<String, Object> r : records) {
            audited.put((String) r.get("request_id"), ((Number) r.get("status")).intValue());
        }
        assertThat(records).hasSameSizeAs(audited.keySet());
        assertThat(audited).containsAllEntriesOf(sent);
        assertThat(audited).hasSize(sent.size());
    }

    List<Map<String, Object>> auditRecords() throws Exception {
        var r = LocalHttp.get(url.resolve("/dev/audit"));
        assertThat(r.status()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) Json.mapper().readValue(r.body(), Map.class).get("records");
        return records;
    }

    Map<String, Object> auditRecord(String requestId) throws Exception {
        return auditRecords().stream().filter(r -> requestId.equals(r.get("request_id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no audit record for " + requestId));
    }
}
