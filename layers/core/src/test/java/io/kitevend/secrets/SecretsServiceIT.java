package io.kitevend.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.assembly.SecretsAssembly;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.Tables;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.SecretGrant;
import io.kitevend.config.SecretsConfig;
import io.kitevend.config.VendConfig;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.MutableClock;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.VendFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretResponse;

/**
 * {@code POST /v1/secrets} as {@link SecretsAssembly} wires it for Lambda, against moto (Secrets
 * Manager and DynamoDB bindings, replay guard and audit table) with a real token verifier over a
 * loopback JWKS.
 *
 * <p>The class captures standard output and standard error (where the audit log lines go, as in
 * Lambda) from before the first request to after the last, keeps every response, and its last
 * test searches all of it, and every stored audit item, for every secret value the class used.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretsServiceIT {
    private static final String ROLE = "arn:aws:iam::123456789012:role/kitevend/deployer";
    /** The account moto answers as. */
    private static final String MOTO_ACCOUNT = "123456789012";

    /** Unique per run, so that the shared moto never holds another run's secrets under it. */
    private final String prefix = "kitevend-" + UUID.randomUUID().toString().substring(0, 8) + "/";

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    /** Every secret value this class put in Secrets Manager, as the job or a log could show it. */
    private final Set<String> secretValues = Collections.synchronizedSet(new LinkedHashSet<>());
    /** Every response but the 200s that carry secrets by design. */
    private final List<HttpResponse> refusals = Collections.synchronizedList(new ArrayList<>());

    private final List<HttpResponse> granted = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requestIds = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> versionIdsHandedOut = Collections.synchronizedSet(new LinkedHashSet<>());

    private AwsClients aws;
    private SecretsManagerClient secretsManager;
    private DynamoDbClient dynamo;
    private JwksServer jwks;
    private TokenMinter minter;
    private VendConfig vend;
    private SecretsAssembly uncached;

    private String npmId;
    private String npmValue;
    private String npmVersion;
    private String dbId;
    private String dbUser;
    private String dbPassword;
    private String dbVersion;
    private String signingArn;
    private byte[] signingBytes;
    private String signingMarker;
    private String signingVersion;
    private String releaseValue;
    private String otherValue;
    private String rotatingId;

    @BeforeAll
    void setUp() throws Exception {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(new Tee(originalOut, captured), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(originalErr, captured), true, StandardCharsets.UTF_8));

        aws = EmulatorAws.clients(Emulators.moto());
        secretsManager = aws.client(SecretsManagerClient.builder());
        dynamo = aws.dynamo();
        var key = TestKeys.rsa();
        jwks = new JwksServer(key);
        minter = new TokenMinter(key, jwks.issuer(), VendFixture.AUDIENCE);
        vend = new VendConfig(
                aws.settings().region(),
                aws.settings().endpoint(),
                VendFixture.policy(jwks),
                // Secrets of organization acme are under <prefix>acme/; ARNs of moto's account and region.
                new BindingRules(
                        "/kitevend/",
                        Set.of(),
                        prefix,
                        "aws",
                        aws.settings().region().id(),
                        MOTO_ACCOUNT),
                EmulatorAws.table("bindings"),
                EmulatorAws.table("audit"),
                EmulatorAws.table("replay"),
                Duration.ofMinutes(5),
                Duration.ofDays(400),
                4,
                true);
        Tables.ensure(dynamo, vend.bindingsTable(), vend.auditTable(), vend.replayTable());

        npmId = prefix + "acme/ci/npm-token";
        npmValue = value("npm");
        npmVersion = createText(npmId, npmValue).versionId();

        dbId = prefix + "acme/ci/db";
        dbUser = value("user");
        dbPassword = value("pw");
        dbVersion = createText(dbId, Json.write(Map.of("username", dbUser, "password", dbPassword)))
                .versionId();

        signingMarker = value("bin");
        byte[] marker = signingMarker.getBytes(StandardCharsets.US_ASCII);
        signingBytes = new byte[marker.length + 4];
        signingBytes[0] = 0;
        signingBytes[1] = (byte) 0xFF;
        System.arraycopy(marker, 0, signingBytes, 2, marker.length);
        signingBytes[marker.length + 2] = (byte) 0xFE;
        signingBytes[marker.length + 3] = (byte) 0x80;
        CreateSecretResponse signing = secretsManager.createSecret(
                b -> b.name(prefix + "acme/ci/signing").secretBinary(SdkBytes.fromByteArray(signingBytes)));
        signingArn = signing.arn();
        signingVersion = signing.versionId();
        secretValues.add(Base64.getEncoder().encodeToString(signingBytes));
        secretValues.add(signingMarker);

        releaseValue = value("release");
        createText(prefix + "acme/ci/release-key", releaseValue);
        otherValue = value("other");
        createText(prefix + "acme/ci/other-token", otherValue);
        rotatingId = prefix + "acme/ci/rotating";
        createText(rotatingId, value("rot"));
        String deletedId = prefix + "acme/ci/deleted";
        createText(deletedId, value("deleted"));
        secretsManager.deleteSecret(b -> b.secretId(deletedId).recoveryWindowInDays(7L));

        var store = new DynamoBindingStore(dynamo, vend.bindingsTable());
        store.put(binding("app-secrets", "app")
                .secret("NPM_TOKEN", SecretGrant.whole(npmId))
                .secret("DB_PASSWORD", new SecretGrant(dbId, "password"))
                .secret("SIGNING_KEY", SecretGrant.whole(signingArn))
                .build());
        store.put(binding("app-release", "app")
                .condition("build_branch", "release/*")
                .secret("RELEASE_KEY", SecretGrant.whole(prefix + "acme/ci/release-key"))
                .build());
        store.put(binding("other-pipeline", "other")
                .secret("OTHER_TOKEN", SecretGrant.whole(prefix + "acme/ci/other-token"))
                .build());
        store.put(binding("broken-missing", "broken")
                .secret("GOOD_TOKEN", SecretGrant.whole(npmId))
                .secret("MISSING_TOKEN", SecretGrant.whole(prefix + "acme/ci/does-not-exist"))
                .build());
        store.put(binding("broken-deleted", "deleted")
                .secret("GOOD_TOKEN", SecretGrant.whole(npmId))
                .secret("DELETED_TOKEN", SecretGrant.whole(deletedId))
                .build());
        store.put(binding("nokey-json", "nokey")
                .condition("build_branch", "json")
                .secret("DB_TOKEN", new SecretGrant(dbId, "token"))
                .build());
        store.put(binding("nokey-text", "nokey")
                .condition("build_branch", "text")
                .secret("NPM_FIELD", new SecretGrant(npmId, "field"))
                .build());
        store.put(binding("rotating", "rotating")
                .secret("ROTATING", SecretGrant.whole(rotatingId))
                .build());

        uncached = SecretsAssembly.create(new SecretsConfig(vend, Duration.ZERO), aws, Clock.systemUTC(), System.out);
    }

    @AfterAll
    void tearDown() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        if (jwks != null) {
            jwks.close();
        }
    }

    // ---------------------------------------------------------------- granted secrets

    @Test
    @Order(1)
    void grantedSecretsAreReturnedWithAJsonKeyExtractedAndABinarySecretInBase64() {
        HttpRequest request = request(token("app", "main"), null);

        JsonNode body = grantedBody(call(uncached, request));

        JsonNode secrets = body.get("secrets");
        assertThat(fieldNames(secrets)).containsExactlyInAnyOrder("NPM_TOKEN", "DB_PASSWORD", "SIGNING_KEY");
        assertThat(secrets.get("NPM_TOKEN").asText()).isEqualTo(npmValue);
        assertThat(secrets.get("DB_PASSWORD").asText())
                .as("only the key 'password' of the JSON secret")
                .isEqualTo(dbPassword);
        assertThat(Base64.getDecoder().decode(secrets.get("SIGNING_KEY").asText()))
                .isEqualTo(signingBytes);
        assertThat(body.get("binding").asText()).isEqualTo("app-secrets");
        assertThat(body.get("source").asText()).isEqualTo("secretsmanager");
        assertThat(body.get("request_id").asText()).isEqualTo(request.requestId());
        assertThat(body.toString()).doesNotContain(dbUser, releaseValue, otherValue);
    }

    @Test
    @Order(2)
    void theAuditRecordNamesEverySecretByIdKeyAndVersion() {
        HttpRequest request = request(token("app", "main"), "{\"binding\":\"app-secrets\"}");
        grantedBody(call(uncached, request));

        Map<String, AttributeValue> audit = auditRecord(request.requestId());

        assertThat(s(audit, "kind")).isEqualTo("secrets");
        assertThat(s(audit, "decision")).isEqualTo("allow");
        assertThat(s(audit, "binding")).isEqualTo("app-secrets");
        assertThat(s(audit, "pipeline_slug")).isEqualTo("app");
        assertThat(s(audit, "token_sha256")).matches("[0-9a-f]{64}");
        assertThat(List.of(s(audit, "secrets").split(",")))
                .containsExactlyInAnyOrder(
                        "NPM_TOKEN=" + npmId + "@" + npmVersion,
                        "DB_PASSWORD=" + dbId + "#password@" + dbVersion,
                        "SIGNING_KEY=" + signingArn + "@" + signingVersion);
        versionIdsHandedOut.addAll(List.of(npmVersion, dbVersion, signingVersion));
    }

    // ---------------------------------------------------------------- another binding's secrets

    @Test
    @Order(3)
    void aSecretGrantedOnlyToAnotherBindingIsNeverReturned() {
        // The job's own binding does not grant it.
        JsonNode own = grantedBody(call(uncached, request(token("app", "main"), null)));
        assertThat(own.get("secrets").has("RELEASE_KEY")).isFalse();
        assertThat(own.get("secrets").has("OTHER_TOKEN")).isFalse();

        // Naming a binding of the same pipeline whose conditions the job does not meet.
        HttpRequest release = request(token("app", "main"), "{\"binding\":\"app-release\"}");
        assertRefused(call(uncached, release), 403, "no_matching_binding");
        assertThat(auditRecord(release.requestId())).satisfies(a -> {
            assertThat(s(a, "decision")).isEqualTo("deny");
            assertThat(s(a, "reason")).isEqualTo("requested_binding_not_matched");
            assertThat(a).doesNotContainKey("secrets");
        });

        // Naming another pipeline's binding.
        HttpRequest other = request(token("app", "main"), "{\"binding\":\"other-pipeline\"}");
        assertRefused(call(uncached, other), 403, "no_matching_binding");
        assertThat(s(auditRecord(other.requestId()), "decision")).isEqualTo("deny");
    }

    @Test
    @Order(4)
    void theOtherBindingsSecretsAreReadableByTheJobsTheyAreGrantedTo() {
        // The refusals above are about the binding, not about secrets that cannot be read.
        JsonNode release =
                grantedBody(call(uncached, request(token("app", "release/1.2"), "{\"binding\":\"app-release\"}")));
        assertThat(release.get("secrets").get("RELEASE_KEY").asText()).isEqualTo(releaseValue);
        assertThat(fieldNames(release.get("secrets"))).containsExactly("RELEASE_KEY");

        JsonNode other = grantedBody(call(uncached, request(token("other", "main"), null)));
        assertThat(fieldNames(other.get("secrets"))).containsExactly("OTHER_TOKEN");
        assertThat(other.get("secrets").get("OTHER_TOKEN").asText()).isEqualTo(otherValue);
    }

    // ---------------------------------------------------------------- secrets that cannot be had

    @Test
    @Order(5)
    void aMissingSecretFailsTheWholeRequestWith404() {
        HttpRequest request = request(token("broken", "main"), null);

        JsonNode problem = assertRefused(call(uncached, request), 404, "secret_not_found");

        assertThat(problem.has("secrets")).isFalse();
        assertThat(problem.toString()).doesNotContain(npmValue);
        Map<String, AttributeValue> audit = auditRecord(request.requestId());
        assertThat(s(audit, "decision")).isEqualTo("deny");
        assertThat(s(audit, "reason")).isEqualTo("secret_not_found");
        assertThat(audit.get("status").n()).isEqualTo("404");
        assertThat(s(audit, "detail")).contains(prefix + "acme/ci/does-not-exist");
    }

    @Test
    @Order(6)
    void aMissingKeyOfAJsonSecretIs404() {
        HttpRequest request = request(token("nokey", "json"), null);

        JsonNode problem = assertRefused(call(uncached, request), 404, "secret_not_found");

        assertThat(problem.get("detail").asText()).contains("DB_TOKEN");
        Map<String, AttributeValue> audit = auditRecord(request.requestId());
        assertThat(s(audit, "reason")).isEqualTo("secret_key_not_found");
        assertThat(s(audit, "detail")).contains(dbId).contains("token");
    }

    @Test
    @Order(7)
    void aKeyOfASecretThatIsNotJsonIs404() {
        HttpRequest request = request(token("nokey", "text"), null);

        assertRefused(call(uncached, request), 404, "secret_not_found");

        assertThat(s(auditRecord(request.requestId()), "reason")).isEqualTo("secret_key_not_found");
    }

    @Test
    @Order(8)
    void aSecretThatCannotBeReadIs503AndNothingIsHandedOut() {
        // A secret scheduled for deletion exists but cannot be read (InvalidRequestException).
        HttpRequest request = request(token("deleted", "main"), null);

        HttpResponse response = call(uncached, request);

        JsonNode problem = assertRefused(response, 503, "dependency_unavailable");
        assertThat(response.headers()).containsKey("retry-after");
        assertThat(problem.has("secrets")).isFalse();
        Map<String, AttributeValue> audit = auditRecord(request.requestId());
        assertThat(s(audit, "decision")).isEqualTo("error");
        assertThat(s(audit, "reason")).isEqualTo("secret_unreadable");
    }

    // ---------------------------------------------------------------- tokens

    @Test
    @Order(9)
    void aReplayedTokenIsRefusedLikeOnCredentials() {
        String token = token("app", "main");
        HttpRequest first = request(token, null);
        HttpRequest second = request(token, null);

        grantedBody(call(uncached, first));
        JsonNode problem = assertRefused(call(uncached, second), 401, "token_not_accepted");

        assertThat(problem.has("secrets")).isFalse();
        Map<String, AttributeValue> audit = auditRecord(second.requestId());
        assertThat(s(audit, "decision")).isEqualTo("deny");
        assertThat(s(audit, "reason")).isEqualTo("token_replayed");
        assertThat(audit).doesNotContainKey("secrets");
        assertThat(s(audit, "token_sha256")).isEqualTo(s(auditRecord(first.requestId()), "token_sha256"));
    }

    // ---------------------------------------------------------------- caching

    @Test
    @Order(10)
    void aNewVersionIsSeenOnceTheCacheTimeHasPassed() {
        MutableClock clock = new MutableClock(Instant.now());
        SecretsAssembly cached =
                SecretsAssembly.create(new SecretsConfig(vend, Duration.ofSeconds(60)), aws, clock, System.out);
        String v1 = value("rot");
        String v1Version = putText(rotatingId, v1);

        HttpRequest firstRequest = request(token("rotating", "main"), null);
        assertThat(rotating(cached, firstRequest)).isEqualTo(v1);
        String v2 = value("rot");
        String v2Version = putText(rotatingId, v2);
        assertThat(v2Version).isNotEqualTo(v1Version);

        clock.advance(Duration.ofSeconds(59));
        HttpRequest beforeTtl = request(token("rotating", "main"), null);
        assertThat(rotating(cached, beforeTtl))
                .as("within the cache time: the cached value")
                .isEqualTo(v1);
        // The audit record tells the version that was handed out, not the newest one.
        assertThat(s(auditRecord(beforeTtl.requestId()), "secrets"))
                .isEqualTo("ROTATING=" + rotatingId + "@" + v1Version);

        clock.advance(Duration.ofSeconds(1));
        HttpRequest afterTtl = request(token("rotating", "main"), null);
        assertThat(rotating(cached, afterTtl))
                .as("once the cache time has passed: the new version")
                .isEqualTo(v2);
        assertThat(s(auditRecord(afterTtl.requestId()), "secrets"))
                .isEqualTo("ROTATING=" + rotatingId + "@" + v2Version);
        versionIdsHandedOut.addAll(List.of(v1Version, v2Version));

        // clear() (before a SnapStart checkpoint) drops what is cached.
        String v3 = value("rot");
        putText(rotatingId, v3);
        assertThat(rotating(cached, request(token("rotating", "main"), null))).isEqualTo(v2);
        cached.secrets().clear();
        assertThat(rotating(cached, request(token("rotating", "main"), null))).isEqualTo(v3);
    }

    @Test
    @Order(11)
    void withoutACacheANewVersionIsSeenAtOnce() {
        String before = value("rot");
        putText(rotatingId, before);
        assertThat(rotating(uncached, request(token("rotating", "main"), null))).isEqualTo(before);
        String after = value("rot");
        String afterVersion = putText(rotatingId, after);

        HttpRequest request = request(token("rotating", "main"), null);

        assertThat(rotating(uncached, request)).isEqualTo(after);
        assertThat(s(auditRecord(request.requestId()), "secrets"))
                .isEqualTo("ROTATING=" + rotatingId + "@" + afterVersion);
    }

    // ---------------------------------------------------------------- no value anywhere

    @Test
    @Order(100)
    void noSecretValueAppearsInAnyAuditRecordLogLineOrErrorBody() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                requestIds.size() >= 10, "searches what the other tests of this class produced; run the whole class");
        System.out.flush();
        System.err.flush();
        String output = captured.toString(StandardCharsets.UTF_8);
        List<Map<String, AttributeValue>> items = scanAudit();
        String audit = items.toString();

        // What is searched is really there: one stored record and one log line per request.
        assertThat(items).hasSize(requestIds.size());
        for (String id : requestIds) {
            assertThat(output).contains("\"request_id\":\"" + id + "\"");
            assertThat(audit).contains(id);
        }
        assertThat(versionIdsHandedOut)
                .isNotEmpty()
                .allSatisfy(v -> assertThat(audit).contains(v));
        assertThat(refusals).extracting(HttpResponse::status).contains(401, 403, 404, 503);
        assertThat(secretValues).hasSizeGreaterThanOrEqualTo(12);

        for (String value : secretValues) {
            assertThat(output).as("captured output").doesNotContain(value);
            assertThat(audit).as("stored audit items").doesNotContain(value);
            for (HttpResponse refusal : refusals) {
                assertThat(refusal.body()).as("a %d body", refusal.status()).doesNotContain(value);
                assertThat(refusal.headers().toString()).doesNotContain(value);
            }
            for (HttpResponse ok : granted) {
                assertThat(ok.headers().toString()).doesNotContain(value);
            }
        }
        // A 200 carries only its own binding's secrets: the other pipeline's value is only in the
        // one answer to that pipeline's job.
        assertThat(granted.stream().filter(r -> r.body().contains(otherValue))).hasSize(1);
    }

    // ---------------------------------------------------------------- helpers

    private static Binding.Builder binding(String name, String pipeline) {
        return Binding.builder()
                .name(name)
                .organization("acme")
                .pipeline(pipeline)
                .roleArn(ROLE);
    }

    private String value(String kind) {
        String v = kind + "-" + UUID.randomUUID();
        secretValues.add(v);
        return v;
    }

    private CreateSecretResponse createText(String name, String text) {
        secretValues.add(text);
        return secretsManager.createSecret(b -> b.name(name).secretString(text));
    }

    /** PutSecretValue: a new current version; returns its version id. */
    private String putText(String id, String text) {
        secretValues.add(text);
        return secretsManager
                .putSecretValue(b -> b.secretId(id).secretString(text))
                .versionId();
    }

    private String token(String pipeline, String branch) {
        return minter.sign(minter.claims("acme", pipeline, branch));
    }

    private static HttpRequest request(String token, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        return new HttpRequest(
                UUID.randomUUID().toString(),
                Instant.now(),
                "POST",
                "/v1/secrets",
                headers,
                body,
                "192.0.2.10",
                "kitevend-agent/test");
    }

    private HttpResponse call(SecretsAssembly assembly, HttpRequest request) {
        requestIds.add(request.requestId());
        HttpResponse response = SecretsResult.toHttp(assembly.service().secrets(request));
        (response.status() == 200 ? granted : refusals).add(response);
        return response;
    }

    private String rotating(SecretsAssembly assembly, HttpRequest request) {
        return grantedBody(call(assembly, request))
                .get("secrets")
                .get("ROTATING")
                .asText();
    }

    private static JsonNode grantedBody(HttpResponse response) {
        assertThat(response.status()).as("status; body: %s", response.body()).isEqualTo(200);
        assertThat(response.headers())
                .containsEntry("content-type", "application/json")
                .containsEntry("cache-control", "no-store");
        return json(response.body());
    }

    private static JsonNode assertRefused(HttpResponse response, int status, String code) {
        assertThat(response.status()).as("status; body: %s", response.body()).isEqualTo(status);
        assertThat(response.headers()).containsEntry("content-type", "application/problem+json");
        JsonNode problem = json(response.body());
        assertThat(problem.get("code").asText()).isEqualTo(code);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        return problem;
    }

    private static JsonNode json(String body) {
        try {
            return Json.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private Map<String, AttributeValue> auditRecord(String requestId) {
        List<Map<String, AttributeValue>> items = dynamo.query(b -> b.tableName(vend.auditTable())
                        .indexName(DynamoAuditStore.BY_REQUEST_ID)
                        .keyConditionExpression("request_id = :id")
                        .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(requestId))))
                .items();
        assertThat(items).as("audit records of %s", requestId).hasSize(1);
        return items.get(0);
    }

    private List<Map<String, AttributeValue>> scanAudit() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(vend.auditTable())).items().forEach(items::add);
        return items;
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    /** Writes to two streams: what the test run shows, and what this class searches. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            synchronized (second) {
                second.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            synchronized (second) {
                second.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            first.flush();
        }
    }
}
