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
 * Drives {@code ./kitevend dev}, started as a separate process, over HTTP only: the vend and
 * secrets routes, every refusal, and the audit records it kept. Subclasses choose the stores
 * (memory and a local secrets file, moto) and provide the secrets the bindings grant.
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
              - name: publish-main
                organization: acme
                pipeline: publish
                conditions: {build_branch: [main]}
                role_arn: arn:aws:iam::123456789012:role/kitevend/publisher
                secrets:
                  NPM_TOKEN: kitevend/acme/npm-token
                  DB_PASSWORD: {secret_id: kitevend/acme/database, key: password}
                  SIGNING_KEY: kitevend/acme/signing-key
              - name: publish-broken
                organization: acme
                pipeline: publish
                conditions: {build_branch: [broken]}
                role_arn: arn:aws:iam::123456789012:role/kitevend/publisher
                secrets:
                  NPM_TOKEN: kitevend/acme/npm-token
                  GONE_TOKEN: kitevend/acme/not-there
            """;

    /** The secret values every mode stores (the subclass stores them before the runner starts). */
    static final String NPM_TOKEN = "npm_IT_4e1b7c9a2f";

    static final String DB_PASSWORD = "db-IT-pa55-8d3f";
    static final String DATABASE_JSON = "{\"username\":\"publisher-it\",\"password\":\"" + DB_PASSWORD + "\"}";

    RunnerProcess runner;
    URI url;
    /** request id → status of every request sent to /v1/credentials, to compare with the audit trail. */
    final Map<String, Integer> sent = new HashMap<>();

    abstract List<String> extraArgs();

    /** SIGNING_KEY as the job gets it in this mode (a local file holds text; moto a binary secret). */
    abstract String signingKey();

    /** Every text form of every secret value this mode stored, to search the outputs for. */
    List<String> storedSecretTexts() {
        return List.of(NPM_TOKEN, DB_PASSWORD, DATABASE_JSON, signingKey());
    }

    /** The {@code source} the secrets route names in this mode. */
    abstract String secretsSource();

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
        var r = LocalHttp.post(
                url.resolve("/dev/token"),
                Map.of("content-type", "application/json"),
                Json.write(Map.of("organization", "acme", "pipeline", pipeline, "branch", branch)));
        assertThat(r.status()).isEqualTo(200);
        return Json.readTree(r.body()).get("token").asText();
    }

    LocalHttp.Response vend(Map<String, String> headers, String body) throws Exception {
        var r = LocalHttp.post(url.resolve("/v1/credentials"), headers, body);
        JsonNode json = Json.readTree(r.body());
        String id = json.has("RequestId")
                ? json.get("RequestId").asText()
                : json.path("request_id").asText();
        sent.put(id, r.status());
        return r;
    }

    LocalHttp.Response vendWith(String token) throws Exception {
        return vend(Map.of("authorization", "Bearer " + token), null);
    }

    /** POST /v1/secrets, naming the binding unless it is null; recorded like {@link #vend}. */
    LocalHttp.Response secrets(String token, String binding) throws Exception {
        var r = LocalHttp.post(
                url.resolve("/v1/secrets"),
                Map.of("authorization", "Bearer " + token, "content-type", "application/json"),
                binding == null ? null : Json.write(Map.of("binding", binding)));
        sent.put(Json.readTree(r.body()).path("request_id").asText(), r.status());
        return r;
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
        assertThat(record)
                .containsEntry("decision", "allow")
                .containsEntry("access_key_id", body.get("AccessKeyId").asText());
    }

    @Test
    void eachRefusalIsAProblemWithItsCode() throws Exception {
        problem(vend(Map.of(), null), 401, "token_not_accepted");
        problem(vendWith("not.a.token"), 401, "token_not_accepted");
        problem(vendWith(mint("deploy", "feature/x")), 403, "no_matching_binding");
        JsonNode ambiguous = problem(vendWith(mint("multi", "main")), 409, "ambiguous_binding");
        assertThat(ambiguous.get("bindings")).extracting(JsonNode::asText).containsExactly("multi-a", "multi-b");
        var named = vend(
                Map.of("authorization", "Bearer " + mint("multi", "main"), "content-type", "application/json"),
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
        problem(
                vend(Map.of("authorization", auth, "content-type", "application/json"), "{not json"),
                400,
                "malformed_request");
        problem(
                vend(Map.of("authorization", auth, "content-type", "application/json"), "{\"surprise\":1}"),
                400,
                "malformed_request");
        problem(
                vend(Map.of("authorization", auth, "content-type", "application/json"), "{\"duration_seconds\":60}"),
                400,
                "malformed_request");
        problem(
                vend(Map.of("authorization", auth, "content-type", "text/plain"), "{\"binding\":\"deploy-main\"}"),
                415,
                "unsupported_media_type");
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

    @Test
    void grantedSecretsAreReturnedAndAuditedByIdNotValue() throws Exception {
        var r = secrets(mint("publish", "main"), "publish-main");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode body = Json.readTree(r.body());
        Map<String, String> got = new HashMap<>();
        body.get("secrets")
                .fields()
                .forEachRemaining(e -> got.put(e.getKey(), e.getValue().asText()));
        assertThat(got)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("NPM_TOKEN", NPM_TOKEN, "DB_PASSWORD", DB_PASSWORD, "SIGNING_KEY", signingKey()));
        assertThat(body.get("binding").asText()).isEqualTo("publish-main");
        assertThat(body.get("source").asText()).isEqualTo(secretsSource());
        Map<String, Object> record = auditRecord(body.get("request_id").asText());
        assertThat(record)
                .containsEntry("kind", "secrets")
                .containsEntry("decision", "allow")
                .containsEntry("binding", "publish-main");
        assertThat((String) record.get("secrets"))
                .contains(
                        "NPM_TOKEN=kitevend/acme/npm-token@",
                        "DB_PASSWORD=kitevend/acme/database#password@",
                        "SIGNING_KEY=kitevend/acme/signing-key@");
        assertThat(Json.write(record)).doesNotContain(storedSecretTexts());
    }

    @Test
    void withoutABindingNameTheOneMatchingBindingIsUsed() throws Exception {
        var r = secrets(mint("publish", "main"), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(Json.readTree(r.body()).get("binding").asText()).isEqualTo("publish-main");
    }

    @Test
    void theSecretsOfABindingThatDoesNotAllowTheJobAreRefused() throws Exception {
        var r = secrets(mint("deploy", "main"), "publish-main");
        problem(r, 403, "no_matching_binding");
        assertThat(r.body()).doesNotContain(storedSecretTexts());
    }

    @Test
    void aMissingGrantedSecretFailsTheRequestAndHandsOutNone() throws Exception {
        var r = secrets(mint("publish", "broken"), "publish-broken");
        JsonNode p = problem(r, 404, "secret_not_found");
        assertThat(p.get("detail").asText()).contains("GONE_TOKEN");
        assertThat(p.has("secrets")).isFalse();
        assertThat(r.body()).doesNotContain(storedSecretTexts());
        Map<String, Object> record = auditRecord(p.get("request_id").asText());
        assertThat(record)
                .containsEntry("kind", "secrets")
                .containsEntry("decision", "deny")
                .containsEntry("reason", "secret_not_found");
        assertThat(Json.write(record)).doesNotContain(storedSecretTexts());
    }

    @Test
    void aTokenIsAcceptedOnceAcrossTheCredentialsAndSecretsRoutes() throws Exception {
        String first = mint("publish", "main");
        assertThat(vendWith(first).status()).isEqualTo(200);
        JsonNode p = problem(secrets(first, "publish-main"), 401, "token_not_accepted");
        assertThat(p.has("secrets")).isFalse();
        assertThat(auditRecord(p.get("request_id").asText()))
                .containsEntry("kind", "secrets")
                .containsEntry("reason", "token_replayed");

        String second = mint("publish", "main");
        assertThat(secrets(second, "publish-main").status()).isEqualTo(200);
        JsonNode q = problem(vendWith(second), 401, "token_not_accepted");
        assertThat(auditRecord(q.get("request_id").asText()))
                .containsEntry("kind", "vend")
                .containsEntry("reason", "token_replayed");
        assertThat(q.has("AccessKeyId")).isFalse();
    }

    @Test
    void theSecretsRouteTakesOnlyABindingName() throws Exception {
        String auth = "Bearer " + mint("publish", "main");
        var duration = LocalHttp.post(
                url.resolve("/v1/secrets"),
                Map.of("authorization", auth, "content-type", "application/json"),
                "{\"binding\":\"publish-main\",\"duration_seconds\":900}");
        sent.put(Json.readTree(duration.body()).get("request_id").asText(), duration.status());
        problem(duration, 400, "malformed_request");
        problem(LocalHttp.get(url.resolve("/v1/secrets")), 405, "method_not_allowed");
    }

    @Test
    void noSecretValueInTheAuditTrailOrTheRunnersOutput() throws Exception {
        List<String> ids = new ArrayList<>();
        ids.add(Json.readTree(secrets(mint("publish", "main"), "publish-main").body())
                .get("request_id")
                .asText());
        ids.add(Json.readTree(
                        secrets(mint("publish", "broken"), "publish-broken").body())
                .get("request_id")
                .asText());
        ids.add(Json.readTree(secrets(mint("deploy", "main"), "publish-main").body())
                .get("request_id")
                .asText());
        // The runner logs each request (and its audit record) before it answers; wait until the
        // output pipes have delivered those lines, so that the search below sees them.
        for (int i = 0;
                i < 200
                        && !(String.join("\n", runner.stderr).contains(ids.getLast())
                                && ids.stream().allMatch(String.join("\n", runner.stdout)::contains));
                i++) {
            Thread.sleep(50);
        }
        String stdout = String.join("\n", runner.stdout);
        String stderr = String.join("\n", runner.stderr);
        assertThat(stderr).contains(ids);
        assertThat(stdout).contains(ids);
        assertThat(stdout).doesNotContain(storedSecretTexts());
        assertThat(stderr).doesNotContain(storedSecretTexts());
        var audit = LocalHttp.get(url.resolve("/dev/audit"));
        assertThat(audit.body()).contains(ids).doesNotContain(storedSecretTexts());
    }

    List<Map<String, Object>> auditRecords() throws Exception {
        var r = LocalHttp.get(url.resolve("/dev/audit"));
        assertThat(r.status()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>)
                Json.mapper().readValue(r.body(), Map.class).get("records");
        return records;
    }

    Map<String, Object> auditRecord(String requestId) throws Exception {
        return auditRecords().stream()
                .filter(r -> requestId.equals(r.get("request_id")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no audit record for " + requestId));
    }
}
