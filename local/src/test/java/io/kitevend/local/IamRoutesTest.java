package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * IAM-authorized routes of an in-process runner over real HTTP: signed requests reach the function
 * with API Gateway's authorizer context and path parameters; every other request is answered
 * 403 {"message":"Forbidden"} without reaching it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IamRoutesTest {
    static final String ADMIN_AKID = "AKIAADMINEXAMPLE0001";
    static final String ADMIN_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYADMINKEY01";
    static final String ADMIN_ARN = "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/alice";
    static final String READER_AKID = "AKIAREADEREXAMPLE002";
    static final String READER_SECRET = "readerSecretreaderSecretreaderSecret0002";
    static final String READER_ARN = "arn:aws:iam::123456789012:user/reader";

    final ByteArrayOutputStream requestLog = new ByteArrayOutputStream();
    final EchoHandler echo = new EchoHandler();
    LocalRunner runner;

    static LocalRunner start(RunnerOptions options, PrintStream requestLog) throws Exception {
        options.port = 0;
        options.region = "us-east-1";
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        return LocalRunner.start(options, quiet, requestLog);
    }

    @BeforeAll
    void start() throws Exception {
        RunnerOptions options = new RunnerOptions();
        options.adminKey = List.of(
                ADMIN_AKID + ":" + ADMIN_SECRET + ":" + ADMIN_ARN,
                READER_AKID + ":" + READER_SECRET + ":" + READER_ARN);
        runner = start(options, new PrintStream(requestLog, true, StandardCharsets.UTF_8));
        for (String key : List.of(
                "GET /v1/admin/bindings",
                "GET /v1/admin/bindings/{organization}/{name}",
                "PUT /v1/admin/bindings/{organization}/{name}")) {
            runner.replace(key, Routes.Authorization.AWS_IAM, echo);
        }
        runner.mount("GET /v1/open/{thing}", Routes.Authorization.NONE, echo);
    }

    @AfterAll
    void stop() {
        runner.close();
    }

    @BeforeEach
    void clear() {
        echo.events.clear();
    }

    /** The request log line containing this text; the runner writes it just after answering. */
    String awaitLogLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            var line = requestLog
                    .toString(StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> l.contains(text))
                    .findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError(
                "no request log line with " + text + " in:\n" + requestLog.toString(StandardCharsets.UTF_8));
    }

    AdminClient client(String akid, String secret) {
        return new AdminClient(
                runner.url(),
                "us-east-1",
                StaticCredentialsProvider.create(AwsBasicCredentials.create(akid, secret)),
                Clock.systemUTC());
    }

    @Test
    void aSignedRequestReachesTheFunctionWithTheCallersIdentity() throws Exception {
        var r = client(ADMIN_AKID, ADMIN_SECRET)
                .get(
                        List.of("v1", "admin", "bindings"),
                        AdminClient.query("organization", "acme", "pipeline", "deploy"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode seen = Json.readTree(r.body());
        assertThat(seen.get("routeKey").asText()).isEqualTo("GET /v1/admin/bindings");
        assertThat(seen.get("rawQueryString").asText()).isEqualTo("organization=acme&pipeline=deploy");
        assertThat(seen.get("iam").get("userArn").asText()).isEqualTo(ADMIN_ARN);
        assertThat(seen.get("iam").get("accessKey").asText()).isEqualTo(ADMIN_AKID);
        assertThat(seen.get("iam").get("accountId").asText()).isEqualTo("123456789012");
        assertThat(seen.get("iam").get("userId").asText()).matches("AROA[A-Z2-7]{17}:alice");
        assertThat(echo.last().getPathParameters()).isNull();
        assertThat(awaitLogLine("request_id=" + r.header("apigw-requestid")))
                .contains(" GET /v1/admin/bindings 200 ")
                .endsWith(" iam=" + ADMIN_ARN);
        assertThat(requestLog.toString(StandardCharsets.UTF_8)).doesNotContain(ADMIN_SECRET);
    }

    @Test
    void eachKeyIsItsOwnPrincipal() throws Exception {
        var r = client(READER_AKID, READER_SECRET).get(List.of("v1", "admin", "bindings"), Map.of());
        assertThat(r.status()).isEqualTo(200);
        assertThat(echo.last().getRequestContext().getAuthorizer().getIam().getUserArn())
                .isEqualTo(READER_ARN);
    }

    @Test
    void pathTemplatesGiveTheRouteKeyAndDecodedPathParameters() throws Exception {
        var r = client(ADMIN_AKID, ADMIN_SECRET)
                .send(
                        "PUT",
                        List.of("v1", "admin", "bindings", "acme", "deploy main"),
                        Map.of(),
                        Map.of("content-type", "application/json", "if-match", "\"3\""),
                        "{\"pipeline\":\"deploy\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        var event = echo.last();
        assertThat(event.getRouteKey()).isEqualTo("PUT /v1/admin/bindings/{organization}/{name}");
        assertThat(event.getRequestContext().getRouteKey()).isEqualTo("PUT /v1/admin/bindings/{organization}/{name}");
        // HTTP APIs hand the function the path decoded; only the query string stays as sent.
        assertThat(event.getRawPath()).isEqualTo("/v1/admin/bindings/acme/deploy main");
        assertThat(event.getRequestContext().getHttp().getPath()).isEqualTo("/v1/admin/bindings/acme/deploy main");
        assertThat(event.getPathParameters()).isEqualTo(Map.of("organization", "acme", "name", "deploy main"));
        assertThat(event.getHeaders()).containsEntry("if-match", "\"3\"");
        assertThat(event.getBody()).isEqualTo("{\"pipeline\":\"deploy\"}");
        assertThat(event.getRequestContext().getAuthorizer().getIam().getUserArn())
                .isEqualTo(ADMIN_ARN);
    }

    @Test
    void routesWithoutIamAuthorizationNeedNoSignature() throws Exception {
        var r = RawHttp.send(runner.url(), "GET", "/v1/open/x%2Fy", Map.of(), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(echo.last().getPathParameters()).isEqualTo(Map.of("thing", "x/y"));
        assertThat(echo.last().getRequestContext().getAuthorizer()).isNull();
        // The vend route is still the vend function's to refuse, with its own problem, not API Gateway's 403.
        var vend = RawHttp.send(runner.url(), "POST", "/v1/credentials", Map.of(), null);
        assertThat(vend.status()).isEqualTo(401);
        assertThat(vend.headers().get("content-type")).startsWith("application/problem+json");
    }

    @Test
    void anotherMethodOnAnIamPathIsNotAllowed() throws Exception {
        var r = RawHttp.send(runner.url(), "PATCH", "/v1/admin/bindings/acme/x", Map.of(), null);
        assertThat(r.status()).isEqualTo(405);
        assertThat(echo.events).isEmpty();
    }

    Stream<Arguments> refusedOverTheWire() {
        String url = runner.url() + "/v1/admin/bindings/acme/deploy-main";
        Instant now = Instant.now();
        AwsCredentialsIdentity admin = AwsCredentialsIdentity.create(ADMIN_AKID, ADMIN_SECRET);
        SignedRequest put = SignedRequest.sign(
                "PUT",
                url,
                Map.of("content-type", "application/json"),
                "{\"pipeline\":\"deploy\"}",
                admin,
                "us-east-1",
                "execute-api",
                now);
        return Stream.of(
                Arguments.of(
                        Named.of(
                                "no signature at all (curl)",
                                put.withoutHeader("Authorization")
                                        .withoutHeader("X-Amz-Date")
                                        .withoutHeader("x-amz-content-sha256")),
                        "missing_authorization"),
                Arguments.of(Named.of("a tampered body", put.withBody("{\"pipeline\":\"*\"}")), "body_hash_mismatch"),
                Arguments.of(
                        Named.of("a tampered path", put.withPath("/v1/admin/bindings/acme/deploy-prod")),
                        "signature_mismatch"),
                Arguments.of(Named.of("a tampered query", put.withQuery("dry_run=true")), "signature_mismatch"),
                Arguments.of(
                        Named.of(
                                "an unknown key",
                                SignedRequest.sign(
                                        "PUT",
                                        url,
                                        Map.of(),
                                        "{}",
                                        AwsCredentialsIdentity.create("AKIANOBODYEXAMPLE003", ADMIN_SECRET),
                                        "us-east-1",
                                        "execute-api",
                                        now)),
                        "unknown_access_key"),
                Arguments.of(
                        Named.of(
                                "a known key, wrong secret",
                                SignedRequest.sign(
                                        "PUT",
                                        url,
                                        Map.of(),
                                        "{}",
                                        AwsCredentialsIdentity.create(ADMIN_AKID, READER_SECRET),
                                        "us-east-1",
                                        "execute-api",
                                        now)),
                        "signature_mismatch"),
                Arguments.of(
                        Named.of(
                                "signed for another service",
                                SignedRequest.sign("PUT", url, Map.of(), "{}", admin, "us-east-1", "lambda", now)),
                        "wrong_service"),
                Arguments.of(
                        Named.of(
                                "signed ten minutes ago",
                                SignedRequest.sign(
                                        "PUT",
                                        url,
                                        Map.of(),
                                        "{}",
                                        admin,
                                        "us-east-1",
                                        "execute-api",
                                        now.minusSeconds(600))),
                        "clock_skew"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedOverTheWire")
    void refusedRequestsGetApiGatewaysForbiddenAndNeverReachTheFunction(SignedRequest request, String reason)
            throws Exception {
        var r = RawHttp.send(request, runner.url());
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.headers().get("content-type")).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo("{\"message\":\"Forbidden\"}");
        assertThat(r.headers().get("apigw-requestid")).isNotBlank();
        assertThat(echo.events).isEmpty();
        assertThat(awaitLogLine("request_id=" + r.headers().get("apigw-requestid")))
                .contains(" 403 ")
                .endsWith(" iam=denied:" + reason);
    }

    @Test
    void theSameSignedRequestPassesUntampered() throws Exception {
        // The control for the refusals above: sent as is, the request is accepted.
        SignedRequest put = SignedRequest.sign(
                "PUT",
                runner.url() + "/v1/admin/bindings/acme/deploy-main",
                Map.of("content-type", "application/json"),
                "{\"pipeline\":\"deploy\"}",
                AwsCredentialsIdentity.create(ADMIN_AKID, ADMIN_SECRET),
                "us-east-1",
                "execute-api",
                Instant.now());
        var r = RawHttp.send(put, runner.url());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(echo.events).hasSize(1);
    }

    @Test
    void withoutConfiguredKeysTheRunnerMakesOneForTheLocalAdminAndSaysHowToUseIt() throws Exception {
        try (LocalRunner fresh = start(new RunnerOptions(), new PrintStream(OutputStream.nullOutputStream()))) {
            fresh.replace("GET /v1/admin/bindings", Routes.Authorization.AWS_IAM, echo);
            var key = fresh.devAdminKey().orElseThrow();
            assertThat(key.principalArn())
                    .isEqualTo(IamAuthorizer.LOCAL_ADMIN_ARN)
                    .isEqualTo("arn:aws:sts::000000000000:assumed-role/kitevend-local-admin/dev");
            var client = new AdminClient(
                    fresh.url(),
                    "us-east-1",
                    StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())),
                    Clock.systemUTC());
            assertThat(client.get(List.of("v1", "admin", "bindings"), Map.of()).status())
                    .isEqualTo(200);
            assertThat(echo.last().getRequestContext().getAuthorizer().getIam().getUserArn())
                    .isEqualTo(IamAuthorizer.LOCAL_ADMIN_ARN);

            String notice = String.join("\n", Main.adminAccessNotice(fresh));
            assertThat(notice)
                    .contains(key.accessKeyId())
                    .doesNotContain(key.secretAccessKey())
                    .doesNotContain("export ")
                    .contains("made for this run only")
                    .contains(IamAuthorizer.LOCAL_ADMIN_ARN)
                    .contains("./kitevend bindings list --url " + fresh.url());
        }
    }

    @Test
    void withConfiguredKeysNothingIsMadeAndNoSecretIsShown() {
        assertThat(runner.devAdminKey()).isEmpty();
        String notice = String.join("\n", Main.adminAccessNotice(runner));
        assertThat(notice)
                .contains(ADMIN_AKID + " -> " + ADMIN_ARN)
                .contains(READER_ARN)
                .doesNotContain(ADMIN_SECRET)
                .doesNotContain(READER_SECRET)
                .doesNotContain("export");
    }

    @Test
    void keysFromAFileIncludingTemporaryOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("admin-keys");
        Files.writeString(file, """
                # temporary credentials of an SSO admin
                ASIATEMPEXAMPLE00003 tempSecret/tempSecret/tempSecret/0003 arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admins_0123/carol IQoJb3JpZ2luX2VjEXAMPLE
                """);
        RunnerOptions options = new RunnerOptions();
        options.adminKeysFile = file;
        try (LocalRunner fromFile = start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            fromFile.replace("GET /v1/admin/bindings", Routes.Authorization.AWS_IAM, echo);
            var withToken = new AdminClient(
                    fromFile.url(),
                    "us-east-1",
                    StaticCredentialsProvider.create(AwsSessionCredentials.create(
                            "ASIATEMPEXAMPLE00003",
                            "tempSecret/tempSecret/tempSecret/0003",
                            "IQoJb3JpZ2luX2VjEXAMPLE")),
                    Clock.systemUTC());
            var r = withToken.get(List.of("v1", "admin", "bindings"), Map.of());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(echo.last().getHeaders()).containsEntry("x-amz-security-token", "IQoJb3JpZ2luX2VjEXAMPLE");
            assertThat(echo.last().getRequestContext().getAuthorizer().getIam().getUserArn())
                    .isEqualTo("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admins_0123/carol");

            var withoutToken = new AdminClient(
                    fromFile.url(),
                    "us-east-1",
                    StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            "ASIATEMPEXAMPLE00003", "tempSecret/tempSecret/tempSecret/0003")),
                    Clock.systemUTC());
            assertThat(withoutToken
                            .get(List.of("v1", "admin", "bindings"), Map.of())
                            .status())
                    .isEqualTo(403);
        }
    }
}
