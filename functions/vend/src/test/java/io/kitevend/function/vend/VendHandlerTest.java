package io.kitevend.function.vend;

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
import io.kitevend.config.ConfigException;
import io.kitevend.config.Settings;
import io.kitevend.config.VendConfig;
import io.kitevend.json.Json;
import io.kitevend.testing.SampleEvents;
import io.kitevend.testing.VendFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The vend handler end to end from an API Gateway HTTP API event (read from {@code events/} with
 * the Lambda runtime's own serializer) to the response API Gateway sends back, over the
 * in-memory {@link VendFixture} (real token verification, simulated STS).
 */
class VendHandlerTest {
    private static final String JSON = "application/json";
    private static final String PROBLEM_JSON = "application/problem+json";
    /** A fully qualified Java name (package.Class) or a stack frame: never in a body. */
    private static final Pattern JAVA_INTERNALS = Pattern.compile(
            "\\b(?:[a-z_][a-z0-9_]*\\.){2,}[A-Z][A-Za-z0-9_$]*|\\bat [\\w.$]+\\(|Exception|Throwable|\\bjava\\.");

    private VendFixture fixture;
    private VendHandler handler;

    @BeforeEach
    void setUp() {
        fixture = new VendFixture();
        handler = new VendHandler(fixture.service, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    // ---------------------------------------------------------------- the sample events as they are

    @Test
    void wellFormedRequestGetsCredentialProcessJson() {
        APIGatewayV2HTTPEvent event = event("vend-request.json");

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        JsonNode body = assertCredentials(response, event);
        assertThat(body.get("Binding").asText()).isEqualTo("deploy-main");
        assertThat(body.get("RoleArn").asText()).isEqualTo(VendFixture.ROLE_ARN);
        // The event's request context reaches the audit record.
        assertThat(fixture.lastAudit())
                .containsEntry("request_id", requestId(event))
                .containsEntry("decision", "allow")
                .containsEntry("source_ip", "203.0.113.24")
                .containsEntry("user_agent", "kitevend-agent/0.1.0 curl/8.5.0")
                .containsEntry("access_key_id", body.get("AccessKeyId").asText());
    }

    @Test
    void base64EncodedBodyIsDecodedBeforeItIsRead() {
        APIGatewayV2HTTPEvent event = event("vend-base64-body.json");
        assertThat(event.getIsBase64Encoded()).isTrue();
        assertThat(event.getBody()).doesNotContain("binding");

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(assertCredentials(response, event).get("Binding").asText()).isEqualTo("deploy-main");
    }

    @Test
    void base64EncodedBodyNamingAnotherBindingIsReadAsThatName() {
        // Shows the decoded body is what is used: a name that matches nothing is a 403, not a 200.
        APIGatewayV2HTTPEvent event = event("vend-base64-body.json");
        event.setBody(
                Base64.getEncoder().encodeToString("{\"binding\":\"deploy-other\"}".getBytes(StandardCharsets.UTF_8)));

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertProblem(response, event, 403, "no_matching_binding");
        assertThat(fixture.lastAudit()).containsEntry("reason", "requested_binding_not_matched");
    }

    @Test
    void placeholderLeftInPlaceIsRefusedLikeAnyBadToken() {
        APIGatewayV2HTTPEvent event = SampleEvents.asStored("vend-request.json");
        assertThat(event.getHeaders().get("authorization")).isEqualTo("Bearer " + SampleEvents.PLACEHOLDER);

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertProblem(response, event, 401, "token_not_accepted");
        assertThat(fixture.lastAudit()).containsEntry("decision", "deny").containsEntry("reason", "token_malformed");
    }

    @Test
    void nullEventIsAnsweredWithAProblemNotAnException() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(null, null);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeaders()).containsEntry("content-type", PROBLEM_JSON);
        assertNoJavaInternals(response);
        JsonNode body = readJson(response.getBody());
        assertThat(body.get("code").asText()).isEqualTo("token_not_accepted");
        assertThat(body.get("request_id").asText())
                .isNotBlank()
                .isEqualTo(fixture.lastAudit().get("request_id"));
    }

    // ---------------------------------------------------------------- refusals, one table

    static Stream<Arguments> refusals() {
        String padded = "{\"binding\":\"deploy-main\",\"padding\":\"" + "x".repeat(16 * 1024) + "\"}";
        return Stream.of(
                refusal(
                        "no authorization header (vend-no-authorization.json)",
                        "vend-no-authorization.json",
                        e -> e,
                        401,
                        "token_not_accepted",
                        "token_missing"),
                refusal(
                        "Authorization is not a Bearer token",
                        "vend-request.json",
                        e -> withHeader(e, "authorization", "Basic dXNlcjpwYXNz"),
                        401,
                        "token_not_accepted",
                        "token_malformed"),
                refusal(
                        "body is not JSON (vend-malformed-body.json)",
                        "vend-malformed-body.json",
                        e -> e,
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "body is a JSON array",
                        "vend-request.json",
                        e -> withBody(e, "[\"deploy-main\"]"),
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "base64 flag on a body that is not base64",
                        "vend-request.json",
                        e -> {
                            e.setIsBase64Encoded(true);
                            e.setBody("{not base64!}");
                            return e;
                        },
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "content type text/plain",
                        "vend-request.json",
                        e -> withHeader(e, "content-type", "text/plain"),
                        415,
                        "unsupported_media_type",
                        "unsupported_media_type"),
                refusal(
                        "content type form-urlencoded",
                        "vend-request.json",
                        e -> withHeader(e, "content-type", "application/x-www-form-urlencoded"),
                        415,
                        "unsupported_media_type",
                        "unsupported_media_type"),
                refusal(
                        "no content type on a body",
                        "vend-request.json",
                        e -> withHeader(e, "content-type", null),
                        415,
                        "unsupported_media_type",
                        "unsupported_media_type"),
                refusal(
                        "body one byte over 16 KiB",
                        "vend-request.json",
                        e -> withBody(e, padTo("{\"binding\":\"deploy-main\"}", 16 * 1024 + 1)),
                        413,
                        "payload_too_large",
                        "payload_too_large"),
                refusal(
                        "body far over 16 KiB",
                        "vend-request.json",
                        e -> withBody(e, padded),
                        413,
                        "payload_too_large",
                        "payload_too_large"),
                refusal(
                        "unknown body field",
                        "vend-request.json",
                        e -> withBody(
                                e,
                                "{\"binding\":\"deploy-main\",\"role_arn\":\"arn:aws:iam::123456789012:role/admin\"}"),
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "duration_seconds 899",
                        "vend-request.json",
                        e -> withBody(e, "{\"binding\":\"deploy-main\",\"duration_seconds\":899}"),
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "duration_seconds 43201",
                        "vend-request.json",
                        e -> withBody(e, "{\"binding\":\"deploy-main\",\"duration_seconds\":43201}"),
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "duration_seconds \"x\"",
                        "vend-request.json",
                        e -> withBody(e, "{\"binding\":\"deploy-main\",\"duration_seconds\":\"x\"}"),
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "duration_seconds 1800.5",
                        "vend-request.json",
                        e -> withBody(e, "{\"binding\":\"deploy-main\",\"duration_seconds\":1800.5}"),
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "GET instead of POST",
                        "vend-request.json",
                        e -> withMethod(e, "GET"),
                        405,
                        "method_not_allowed",
                        "method_not_allowed"),
                refusal(
                        "binding name with upper case",
                        "vend-request.json",
                        e -> withBody(e, "{\"binding\":\"Deploy-Main\"}"),
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "binding name starting with a dash",
                        "vend-request.json",
                        e -> withBody(e, "{\"binding\":\"-deploy\"}"),
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "binding name of 64 characters",
                        "vend-request.json",
                        e -> withBody(e, "{\"binding\":\"" + "a".repeat(64) + "\"}"),
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "binding name that is a number",
                        "vend-request.json",
                        e -> withBody(e, "{\"binding\":42}"),
                        400,
                        "malformed_request",
                        "malformed_request"),
                refusal(
                        "binding name with a path",
                        "vend-request.json",
                        e -> withBody(e, "{\"binding\":\"../deploy-main\"}"),
                        400,
                        "malformed_request",
                        "malformed_request"));
    }

    private static Arguments refusal(
            String name,
            String file,
            UnaryOperator<APIGatewayV2HTTPEvent> change,
            int status,
            String code,
            String auditReason) {
        return Arguments.of(name, file, change, status, code, auditReason);
    }

    @ParameterizedTest(name = "{0} -> {3} {4}")
    @MethodSource("refusals")
    void refusedRequestsGetAProblemAndADenyRecord(
            String name,
            String file,
            UnaryOperator<APIGatewayV2HTTPEvent> change,
            int status,
            String code,
            String auditReason) {
        APIGatewayV2HTTPEvent event = change.apply(event(file));

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertProblem(response, event, status, code);
        assertThat(fixture.auditStore.records()).hasSize(1);
        assertThat(fixture.lastAudit())
                .containsEntry("request_id", requestId(event))
                .containsEntry("decision", "deny")
                .containsEntry("reason", auditReason)
                .containsEntry("status", status)
                .doesNotContainKey("access_key_id");
    }

    // ---------------------------------------------------------------- accepted edges of the same rules

    static Stream<Arguments> acceptedEdges() {
        return Stream.of(
                Arguments.of(
                        "duration_seconds 900 (the minimum)",
                        "{\"binding\":\"deploy-main\",\"duration_seconds\":900}",
                        900),
                Arguments.of(
                        "duration_seconds 43200 (the maximum, capped by the binding)",
                        "{\"binding\":\"deploy-main\",\"duration_seconds\":43200}",
                        Binding.DEFAULT_MAX_DURATION_SECONDS),
                Arguments.of(
                        "body of exactly 16 KiB",
                        padTo("{\"binding\":\"deploy-main\"}", 16 * 1024),
                        Binding.DEFAULT_MAX_DURATION_SECONDS),
                Arguments.of("content type with charset", null, Binding.DEFAULT_MAX_DURATION_SECONDS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedEdges")
    void requestsAtTheEdgesOfTheRulesAreServed(String name, String body, int expectedDuration) {
        APIGatewayV2HTTPEvent event = event("vend-request.json");
        if (body != null) {
            withBody(event, body);
        } else {
            withHeader(event, "content-type", "Application/JSON; charset=utf-8");
        }

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertCredentials(response, event);
        assertThat(fixture.lastAudit()).containsEntry("duration_seconds", expectedDuration);
    }

    // ---------------------------------------------------------------- bindings

    @Test
    void severalMatchingBindingsAnswer409WithTheirNames() {
        fixture.bindingStore.put(Binding.builder()
                .name("deploy-any")
                .organization("acme")
                .pipeline("deploy")
                .roleArn("arn:aws:iam::123456789012:role/kitevend/reader")
                .build());
        // Another pipeline's binding must never be listed.
        fixture.bindingStore.put(Binding.builder()
                .name("other-pipeline")
                .organization("acme")
                .pipeline("other")
                .roleArn("arn:aws:iam::123456789012:role/kitevend/other")
                .build());
        APIGatewayV2HTTPEvent event = withBody(event("vend-request.json"), "{}");

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        JsonNode problem = assertProblem(response, event, 409, "ambiguous_binding");
        assertThat(problem.get("bindings").isArray()).isTrue();
        List<String> names = new ArrayList<>();
        problem.get("bindings").forEach(name -> names.add(name.asText()));
        assertThat(names).containsExactly("deploy-any", "deploy-main");
        assertThat(fixture.lastAudit()).containsEntry("decision", "deny").containsEntry("reason", "ambiguous_binding");
    }

    @Test
    void namingOneOfSeveralMatchingBindingsPicksIt() {
        fixture.bindingStore.put(Binding.builder()
                .name("deploy-any")
                .organization("acme")
                .pipeline("deploy")
                .roleArn("arn:aws:iam::123456789012:role/kitevend/reader")
                .build());
        APIGatewayV2HTTPEvent event = withBody(event("vend-request.json"), "{\"binding\":\"deploy-any\"}");

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        JsonNode body = assertCredentials(response, event);
        assertThat(body.get("Binding").asText()).isEqualTo("deploy-any");
        assertThat(body.get("RoleArn").asText()).isEqualTo("arn:aws:iam::123456789012:role/kitevend/reader");
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void configurationWithoutAudienceFailsNamingTheVariable() {
        Map<String, String> env = new HashMap<>(Map.of(
                VendConfig.REGION, "us-east-1",
                VendConfig.ORGANIZATIONS, "acme",
                VendConfig.BINDINGS_TABLE, "kitevend-bindings",
                VendConfig.AUDIT_TABLE, "kitevend-audit",
                VendConfig.REPLAY_TABLE, "kitevend-replay"));

        assertThatThrownBy(() -> VendConfig.from(new Settings(env)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("KITEVEND_AUDIENCE"))
                .hasMessageContaining("KITEVEND_AUDIENCE");

        // The same settings with the audience set are complete: the audience was the only gap.
        env.put(VendConfig.AUDIENCE, "https://kitevend.example.com");
        assertThat(VendConfig.from(new Settings(env)).token().audience()).isEqualTo("https://kitevend.example.com");
    }

    // ---------------------------------------------------------------- helpers

    /** The sample event with the placeholder replaced by a freshly minted, valid token. */
    private APIGatewayV2HTTPEvent event(String file) {
        return SampleEvents.withToken(file, fixture.minter.sign());
    }

    /** {@code json} followed by spaces up to exactly {@code bytes} bytes (still the same JSON object). */
    private static String padTo(String json, int bytes) {
        return json + " ".repeat(bytes - json.getBytes(StandardCharsets.UTF_8).length);
    }

    private static JsonNode readJson(String body) {
        try {
            return Json.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("body is not JSON: " + body, e);
        }
    }

    /** A 200 whose body the AWS CLI and SDKs accept as {@code credential_process} output. */
    private static JsonNode assertCredentials(APIGatewayV2HTTPResponse response, APIGatewayV2HTTPEvent event) {
        assertThat(response.getStatusCode())
                .as("status; body: %s", response.getBody())
                .isEqualTo(200);
        assertThat(response.getHeaders())
                .containsEntry("content-type", JSON)
                .containsEntry("cache-control", "no-store");
        assertThat(response.getIsBase64Encoded()).isFalse();
        assertNoJavaInternals(response);
        JsonNode body = readJson(response.getBody());
        assertThat(body.get("Version").isInt()).isTrue();
        assertThat(body.get("Version").asInt()).isEqualTo(1);
        for (String field : List.of("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")) {
            assertThat(body.get(field)).as(field).isNotNull();
            assertThat(body.get(field).isTextual()).as(field + " is a string").isTrue();
            assertThat(body.get(field).asText()).as(field).isNotBlank();
        }
        Instant expiration = Instant.parse(body.get("Expiration").asText());
        assertThat(expiration).isAfter(Instant.now());
        assertThat(body.get("RequestId").asText()).isEqualTo(requestId(event));
        return body;
    }

    /** An RFC 9457 problem with kitevend's stable code and the event's request id. */
    private static JsonNode assertProblem(
            APIGatewayV2HTTPResponse response, APIGatewayV2HTTPEvent event, int status, String code) {
        assertThat(response.getStatusCode())
                .as("status; body: %s", response.getBody())
                .isEqualTo(status);
        assertThat(response.getHeaders())
                .containsEntry("content-type", PROBLEM_JSON)
                .containsEntry("cache-control", "no-store");
        assertNoJavaInternals(response);
        JsonNode body = readJson(response.getBody());
        assertThat(body.get("type").asText()).isEqualTo("urn:kitevend:problem:" + code);
        assertThat(body.get("title").isTextual()).isTrue();
        assertThat(body.get("title").asText()).isNotBlank();
        assertThat(body.get("status").isInt()).isTrue();
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").isTextual()).isTrue();
        assertThat(body.get("detail").asText()).isNotBlank();
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("request_id").asText()).isEqualTo(requestId(event));
        for (String secret : List.of("AccessKeyId", "SecretAccessKey", "SessionToken")) {
            assertThat(body.has(secret)).as("a problem carries no " + secret).isFalse();
        }
        String authorization =
                event.getHeaders() == null ? null : event.getHeaders().get("authorization");
        if (authorization != null && authorization.length() > 20) {
            assertThat(response.getBody()).doesNotContain(authorization.substring(7));
        }
        return body;
    }

    private static void assertNoJavaInternals(APIGatewayV2HTTPResponse response) {
        assertThat(response.getBody()).doesNotContainPattern(JAVA_INTERNALS);
        response.getHeaders().values().forEach(v -> assertThat(v).doesNotContainPattern(JAVA_INTERNALS));
    }
}
