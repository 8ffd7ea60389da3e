package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The runner's admin JWT API (the stack's {@code AdminJwtApi}) in front of the real admin
 * function: API Gateway's JWT authorizer lets a token of the configured issuer and audience
 * through with its claims, the function maps the groups claim to readers and writers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwtRoutesTest {
    static final String AUDIENCE = AdminIdp.AUDIENCE;

    AdminIdp idp;
    LocalRunner runner;
    URI api;

    @BeforeAll
    void start() throws Exception {
        idp = new AdminIdp();
        Path bindings = Files.createTempFile("bindings", ".yaml");
        Files.writeString(bindings, """
                bindings:
                  - {name: deploy-main, organization: acme, pipeline: deploy,
                     role_arn: "arn:aws:iam::123456789012:role/kitevend/deployer"}
                """);
        RunnerOptions options = new RunnerOptions();
        options.port = 0;
        options.region = "us-east-1";
        options.bindings = bindings;
        options.adminJwtIssuer = idp.issuer();
        options.adminJwtAudience = AUDIENCE;
        options.adminJwtReaderGroups = "kitevend-readers";
        options.adminJwtWriterGroups = "kitevend-writers";
        options.adminJwtPort = 0;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        runner = LocalRunner.start(options, quiet, quiet);
        api = runner.jwtUrl().orElseThrow();
    }

    @AfterAll
    void stop() {
        runner.close();
        idp.close();
    }

    String token(String audience, List<String> groups) {
        return idp.token(c -> {
            c.put("aud", audience);
            c.put("groups", groups);
        });
    }

    LocalHttp.Response call(String method, String target, String token, String body) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        return LocalHttp.call(method, api.resolve(target), headers, body);
    }

    @Test
    void aWritersTokenReachesTheAdminFunction() throws Exception {
        var r = call("GET", "/v1/admin/bindings?organization=acme", token(AUDIENCE, List.of("kitevend-writers")), null);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.readTree(r.body());
        assertThat(body.get("bindings").get(0).get("name").asText()).isEqualTo("deploy-main");
    }

    @Test
    void aReaderMayReadButNotChange() throws Exception {
        String reader = token(AUDIENCE, List.of("everyone", "kitevend-readers"));
        assertThat(call("GET", "/v1/admin/bindings/acme/deploy-main", reader, null)
                        .status())
                .isEqualTo(200);

        var put = call(
                "PUT",
                "/v1/admin/bindings/acme/new-one",
                reader,
                "{\"pipeline\":\"deploy\",\"role_arn\":\"arn:aws:iam::123456789012:role/kitevend/deployer\"}");
        assertThat(put.status()).as(put.body()).isEqualTo(403);
        assertThat(Json.readTree(put.body()).get("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void withoutAnAcceptedTokenApiGatewayAnswers401() throws Exception {
        for (String token : new String[] {null, token("someone-else", List.of("kitevend-writers")), "not-a-jwt"}) {
            var r = call("GET", "/v1/admin/bindings?organization=acme", token, null);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).isEqualTo(JwtAuthorizer.UNAUTHORIZED_BODY);
        }
    }

    @Test
    void theJwtApiServesOnlyTheAdminRoutes() throws Exception {
        String writer = token(AUDIENCE, List.of("kitevend-writers"));
        assertThat(call("POST", "/v1/credentials", writer, null).status()).isEqualTo(404);
        assertThat(call("GET", "/dev/audit", writer, null).status()).isEqualTo(404);
        assertThat(LocalHttp.get(runner.url().resolve("/v1/admin/bindings?organization=acme"))
                        .status())
                .as("the main API keeps IAM authorization")
                .isEqualTo(403);
    }
}
