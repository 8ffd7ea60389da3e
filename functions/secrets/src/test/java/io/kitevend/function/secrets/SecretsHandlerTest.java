package io.kitevend.function.secrets;

import static io.kitevend.testing.SampleEvents.requestId;
import static io.kitevend.testing.SampleEvents.withBody;
import static io.kitevend.testing.SampleEvents.withHeader;
import static io.kitevend.testing.SampleEvents.withMethod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.binding.Binding;
import io.kitevend.binding.SecretGrant;
import io.kitevend.config.ConfigException;
import io.kitevend.config.SecretsConfig;
import io.kitevend.config.Settings;
import io.kitevend.config.VendConfig;
import io.kitevend.json.Json;
import io.kitevend.testing.SampleEvents;
import io.kitevend.testing.SecretsFixture;
import io.kitevend.testing.VendFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The secrets handler from an API Gateway HTTP API event ({@code events/secrets-request.json}, read
 * with the Lambda runtime's serializer) to the response, over the in-memory {@link SecretsFixture}
 * (real token verification, secrets in a map).
 */
class SecretsHandlerTest {
    private static final String EVENT = "secrets-request.json";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final Pattern JAVA_INTERNALS = Pattern.compile(
            "\\b(?:[a-z_][a-z0-9_]*\\.){2,}[A-Z][A-Za-z0-9_$]*|\\bat [\\w.$]+\\(|Exception|Throwable|\\bjava\\.");

    private SecretsFixture fixture;
    private SecretsHandler handler;
    private String npmValue;
    private String dbUser;
    private String dbPassword;
    private String dbJson;
    private String npmVersion;
    private String dbVersion;

    @BeforeEach
    void setUp() {
        fixture = new SecretsFixture();
        handler = new SecretsHandler(fixture.service, Clock.systemUTC());
        npmValue = "npm_" + java.util.UUID.randomUUID();
        dbUser = "user-" + java.util.UUID.randomUUID();
        dbPassword = "pw-" + java.util.UUID.randomUUID();
        dbJson = Json.write(Map.of("username", dbUser, "password", dbPassword));
        npmVersion = fixture.secrets.put(SecretsFixture.NPM_ID, npmValue);
        dbVersion = fixture.secrets.put(SecretsFixture.DB_ID, dbJson);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    // ---------------------------------------------------------------- granted

    @Test
    void wellFormedRequestGetsTheGrantedSecrets() {
        APIGatewayV2HTTPEvent event = event();

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        JsonNode body = assertGranted(response, event);
        assertThat(body.get("secrets").get("NPM_TOKEN").asText()).isEqualTo(npmValue);
        assertThat(body.get("secrets").get("DB_PASSWORD").asText()).isEqualTo(dbPassword);
        assertThat(body.get("binding").asText()).isEqualTo("deploy-main");
        assertThat(body.get("source").asText()).isEqualTo("secretsmanager");
        assertThat(response.getBody()).doesNotContain(dbUser);
        assertThat(fixture.lastAudit())
                .containsEntry("request_id", requestId(event))
                .containsEntry("kind", "secrets")
                .containsEntry("decision", "allow")
                .containsEntry("binding", "deploy-main")
                .containsEntry("source_ip", "203.0.113.24")
                .containsEntry("status", 200);
        assertThat(List.of(((String) fixture.lastAudit().get("secrets")).split(",")))
                .containsExactlyInAnyOrder(
                        "NPM_TOKEN=" + SecretsFixture.NPM_ID + "@" + npmVersion,
                        "DB_PASSWORD=" + SecretsFixture.DB_ID + "#password@" + dbVersion);
        assertNoValueIn(fixture.log(), "the audit log");
        assertNoValueIn(fixture.audits().toString(), "the stored audit records");
    }

    @Test
    void base64EncodedBodyIsDecodedBeforeItIsRead() {
        APIGatewayV2HTTPEvent event = event();
        event.setBody(
                Base64.getEncoder().encodeToString("{\"binding\":\"deploy-main\"}".getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);

        assertGranted(handler.handleRequest(event, null), event);
    }

    @Test
    void aBindingWithoutSecretsAnswersAnEmptyMap() {
        fixture.bindingStore.put(Binding.builder()
                .name("deploy-plain")
                .organization("acme")
                .pipeline("deploy")
                .roleArn(VendFixture.ROLE_ARN)
                .build());
        APIGatewayV2HTTPEvent event = withBody(event(), "{\"binding\":\"deploy-plain\"}");

        JsonNode body = assertGranted(handler.handleRequest(event, null), event);

        assertThat(body.get("secrets").isObject()).isTrue();
        assertThat(body.get("secrets").size()).isZero();
        assertThat(fixture.lastAudit()).containsEntry("decision", "allow").containsEntry("binding", "deploy-plain");
    }

    // ---------------------------------------------------------------- refused, one table

    static Stream<Arguments> refusals() {
        return Stream.of(
                refusal(
                        "no authorization header",
                        e -> withHeader(e, "authorization", null),
                        f -> {},
                        401,
                        "token_not_accepted",
                        "token_missing"),
                refusal(
                        "not a Bearer token",
                        e -> withHeader(e, "authorization", "Basic dXNlcjpwYXNz"),
                        f -> {},
                        401,
                        "token_not_accepted",
                        "token_malformed"),
                refusal(
                        "body is not JSON",
                        e -> withBody(e, "binding=deploy-main"),
                        f -> {},
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "duration_seconds (a credentials field) in the body",
                        e -> withBody(e, "{\"binding\":\"deploy-main\",\"duration_seconds\":900}"),
                        f -> {},
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "an unknown body field naming a secret",
                        e -> withBody(e, "{\"secrets\":[\"NPM_TOKEN\"]}"),
                        f -> {},
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "content type text/plain",
                        e -> withHeader(e, "content-type", "text/plain"),
                        f -> {},
                        415,
                        "unsupported_media_type",
                        "unsupported_media_type"),
                refusal(
                        "body over 16 KiB",
                        e -> withBody(e, "{\"binding\":\"deploy-main\"}" + " ".repeat(16 * 1024)),
                        f -> {},
                        413,
                        "payload_too_large",
                        "payload_too_large"),
                refusal(
                        "GET instead of POST",
                        e -> withMethod(e, "GET"),
                        f -> {},
                        405,
                        "method_not_allowed",
                        "method_not_allowed"),
                refusal(
                        "a binding the job does not match",
                        e -> withBody(e, "{\"binding\":\"deploy-other\"}"),
                        f -> {},
                        403,
                        "no_matching_binding",
                        "requested_binding_not_matched"),
                refusal(
                        "a granted secret that does not exist",
                        e -> e,
                        f -> f.secrets.remove(SecretsFixture.DB_ID),
                        404,
                        "secret_not_found",
                        "secret_not_found"),
                refusal(
                        "a granted key the JSON secret lacks",
                        e -> e,
                        f -> f.secrets.put(SecretsFixture.DB_ID, "{\"username\":\"only-a-user\"}"),
                        404,
                        "secret_not_found",
                        "secret_key_not_found"),
                refusal(
                        "a granted secret that cannot be read",
                        e -> e,
                        f -> f.secrets.unreadable(SecretsFixture.NPM_ID),
                        503,
                        "dependency_unavailable",
                        "secret_unreadable"));
    }

    private static Arguments refusal(
            String name,
            UnaryOperator<APIGatewayV2HTTPEvent> change,
            Consumer<SecretsFixture> setUp,
            int status,
            String code,
            String auditReason) {
        return Arguments.of(name, change, setUp, status, code, auditReason);
    }

    @ParameterizedTest(name = "{0} -> {3} {4}")
    @MethodSource("refusals")
    void refusedRequestsGetAProblemWithoutAnySecret(
            String name,
            UnaryOperator<APIGatewayV2HTTPEvent> change,
            Consumer<SecretsFixture> setUp,
            int status,
            String code,
            String auditReason) {
        setUp.accept(fixture);
        APIGatewayV2HTTPEvent event = change.apply(event());

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        JsonNode problem = assertProblem(response, event, status, code);
        assertThat(problem.has("secrets")).isFalse();
        assertThat(fixture.audits()).hasSize(1);
        assertThat(fixture.lastAudit())
                .containsEntry("request_id", requestId(event))
                .containsEntry("kind", "secrets")
                .containsEntry("decision", status == 503 ? "error" : "deny")
                .containsEntry("reason", auditReason)
                .containsEntry("status", status);
        assertNoValueIn(fixture.log(), "the audit log");
        assertNoValueIn(fixture.audits().toString(), "the stored audit records");
    }

    @Test
    void theServiceUnavailableAnswerSaysWhenToRetry() {
        fixture.secrets.unreadable(SecretsFixture.DB_ID);
        APIGatewayV2HTTPEvent event = event();

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertProblem(response, event, 503, "dependency_unavailable");
        assertThat(response.getHeaders()).containsKey("retry-after");
        assertThat(Long.parseLong(response.getHeaders().get("retry-after"))).isPositive();
    }

    @Test
    void severalMatchingBindingsAnswer409WithTheirNames() {
        fixture.bindingStore.put(Binding.builder()
                .name("deploy-any")
                .organization("acme")
                .pipeline("deploy")
                .roleArn(VendFixture.ROLE_ARN)
                .secret("OTHER_TOKEN", SecretGrant.whole("kitevend/acme/other"))
                .build());
        fixture.secrets.put("kitevend/acme/other", "other-value-never-sent");
        APIGatewayV2HTTPEvent event = withBody(event(), "{}");

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        JsonNode problem = assertProblem(response, event, 409, "ambiguous_binding");
        List<String> names = new ArrayList<>();
        problem.get("bindings").forEach(n -> names.add(n.asText()));
        assertThat(names).containsExactly("deploy-any", "deploy-main");
        assertThat(response.getBody()).doesNotContain("other-value-never-sent");
    }

    @Test
    void aReplayedEventIsRefused() {
        APIGatewayV2HTTPEvent event = event();
        assertGranted(handler.handleRequest(event, null), event);

        APIGatewayV2HTTPResponse again = handler.handleRequest(event, null);

        assertProblem(again, event, 401, "token_not_accepted");
        assertThat(fixture.lastAudit())
                .containsEntry("reason", "token_replayed")
                .doesNotContainKey("secrets");
    }

    @Test
    void nullEventIsAnsweredWithAProblemNotAnException() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(null, null);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeaders()).containsEntry("content-type", PROBLEM_JSON);
        assertThat(readJson(response.getBody()).get("code").asText()).isEqualTo("token_not_accepted");
    }

    // ---------------------------------------------------------------- configuration

    private static Map<String, String> completeEnvironment() {
        Map<String, String> env = new HashMap<>(Map.of(
                VendConfig.REGION, "us-east-1",
                VendConfig.AUDIENCE, "https://kitevend.example.com",
                VendConfig.ORGANIZATIONS, "acme",
                VendConfig.BINDINGS_TABLE, "kitevend-bindings",
                VendConfig.AUDIT_TABLE, "kitevend-audit",
                VendConfig.REPLAY_TABLE, "kitevend-replay"));
        env.put(VendConfig.SECRET_PREFIX, "kitevend/");
        return env;
    }

    @Test
    void configurationWithoutASecretPrefixFailsNamingTheVariable() {
        Map<String, String> env = completeEnvironment();
        env.remove(VendConfig.SECRET_PREFIX);

        assertThatThrownBy(() -> SecretsConfig.from(new Settings(env)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("KITEVEND_SECRET_PREFIX"))
                .hasMessageContaining("KITEVEND_SECRET_PREFIX");
        // The vend function needs no prefix: the check is the secrets function's own.
        assertThat(VendConfig.from(new Settings(env)).bindingRules().secretPrefix())
                .isNull();
    }

    @Test
    void configurationWithASecretPrefixIsCompleteAndCachesNothingByDefault() {
        SecretsConfig config = SecretsConfig.from(new Settings(completeEnvironment()));

        assertThat(config.vend().bindingRules().secretPrefix()).isEqualTo("kitevend/");
        assertThat(config.secretsCacheTtl()).isEqualTo(Duration.ZERO);
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of("blank prefix", VendConfig.SECRET_PREFIX, "  ", "KITEVEND_SECRET_PREFIX"),
                Arguments.of(
                        "prefix without a trailing slash",
                        VendConfig.SECRET_PREFIX,
                        "kitevend",
                        "KITEVEND_SECRET_PREFIX"),
                Arguments.of(
                        "prefix with a wildcard", VendConfig.SECRET_PREFIX, "kitevend/*/", "KITEVEND_SECRET_PREFIX"),
                Arguments.of(
                        "cache over 300 seconds", SecretsConfig.SECRETS_CACHE, "301", "KITEVEND_SECRETS_CACHE_SECONDS"),
                Arguments.of("negative cache", SecretsConfig.SECRETS_CACHE, "-1", "KITEVEND_SECRETS_CACHE_SECONDS"),
                Arguments.of(
                        "cache that is not a number",
                        SecretsConfig.SECRETS_CACHE,
                        "1m",
                        "KITEVEND_SECRETS_CACHE_SECONDS"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void badSecretsSettingsFailNamingTheVariable(String name, String variable, String value, String expected) {
        Map<String, String> env = completeEnvironment();
        env.put(variable, value);

        assertThatThrownBy(() -> SecretsConfig.from(new Settings(env)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(expected));
    }

    @Test
    void aCacheOfUpTo300SecondsIsAccepted() {
        Map<String, String> env = completeEnvironment();
        env.put(SecretsConfig.SECRETS_CACHE, "300");

        assertThat(SecretsConfig.from(new Settings(env)).secretsCacheTtl()).isEqualTo(Duration.ofSeconds(300));
    }

    // ---------------------------------------------------------------- helpers

    private APIGatewayV2HTTPEvent event() {
        return SampleEvents.withToken(EVENT, fixture.minter.sign());
    }

    private static JsonNode readJson(String body) {
        try {
            return Json.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("body is not JSON: " + body, e);
        }
    }

    private void assertNoValueIn(String text, String where) {
        for (String value : List.of(npmValue, dbPassword, dbUser, dbJson)) {
            assertThat(text).as(where).doesNotContain(value);
        }
    }

    /** A 200 with exactly the documented fields, and the event's request id. */
    private JsonNode assertGranted(APIGatewayV2HTTPResponse response, APIGatewayV2HTTPEvent event) {
        assertThat(response.getStatusCode())
                .as("status; body: %s", response.getBody())
                .isEqualTo(200);
        assertThat(response.getHeaders())
                .containsEntry("content-type", "application/json")
                .containsEntry("cache-control", "no-store");
        assertThat(response.getIsBase64Encoded()).isFalse();
        assertThat(response.getBody()).doesNotContainPattern(JAVA_INTERNALS);
        JsonNode body = readJson(response.getBody());
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("secrets", "binding", "source", "request_id");
        assertThat(body.get("secrets").isObject()).isTrue();
        body.get("secrets")
                .forEach(v ->
                        assertThat(v.isTextual()).as("every value is a string").isTrue());
        assertThat(body.get("request_id").asText()).isEqualTo(requestId(event));
        return body;
    }

    /** An RFC 9457 problem with kitevend's code, the event's request id, and no secret value or token. */
    private JsonNode assertProblem(
            APIGatewayV2HTTPResponse response, APIGatewayV2HTTPEvent event, int status, String code) {
        assertThat(response.getStatusCode())
                .as("status; body: %s", response.getBody())
                .isEqualTo(status);
        assertThat(response.getHeaders())
                .containsEntry("content-type", PROBLEM_JSON)
                .containsEntry("cache-control", "no-store");
        assertThat(response.getBody()).doesNotContainPattern(JAVA_INTERNALS);
        JsonNode body = readJson(response.getBody());
        assertThat(body.get("type").asText()).isEqualTo("urn:kitevend:problem:" + code);
        assertThat(body.get("title").asText()).isNotBlank();
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asText()).isNotBlank();
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("request_id").asText()).isEqualTo(requestId(event));
        assertNoValueIn(response.getBody(), "the problem body");
        assertNoValueIn(response.getHeaders().toString(), "the problem headers");
        String authorization =
                event.getHeaders() == null ? null : event.getHeaders().get("authorization");
        if (authorization != null && authorization.length() > 20) {
            assertThat(response.getBody()).doesNotContain(authorization.substring(7));
        }
        return body;
    }
}
