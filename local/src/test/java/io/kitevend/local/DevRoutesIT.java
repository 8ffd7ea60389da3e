package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.json.Json;
import io.kitevend.testing.Emulators;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who can reach what {@code ./kitevend dev} serves besides the functions: the dev issuer (which
 * mints tokens the runner trusts, for anyone who asks) and the {@code /dev/*} views are on only
 * when everything is embedded, or when asked for with {@code --dev-routes}; and the runner answers
 * only requests addressed to its own loopback address, so a web page cannot reach it by DNS
 * rebinding.
 */
class DevRoutesIT {
    /** What the refusal of another Host says. */
    private static final String LOOPBACK_ONLY = "only requests addressed to its own loopback address";

    private static final String TOKEN_REQUEST = "{\"organization\":\"acme\",\"pipeline\":\"deploy\"}";

    /** Every path the dev routes serve, with their method. */
    private static final List<String[]> DEV_ROUTES = List.of(
            new String[] {"POST", "/dev/token"},
            new String[] {"GET", "/dev/bindings"},
            new String[] {"GET", "/dev/audit"},
            new String[] {"GET", "/.well-known/jwks"},
            new String[] {"GET", "/.well-known/openid-configuration"});

    private static RawHttp.Response call(URI url, String method, String path, String host) throws Exception {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("Host", List.of(host));
        headers.put("Content-Type", List.of("application/json"));
        byte[] body = method.equals("POST") ? TOKEN_REQUEST.getBytes(StandardCharsets.UTF_8) : null;
        return RawHttp.send(url, method, path, headers, body);
    }

    private static String own(URI url) {
        return "127.0.0.1:" + url.getPort();
    }

    /** Placeholder credentials and no AWS configuration of the developer's: nothing here may reach AWS. */
    private static Map<String, String> noAws() {
        return RunnerProcess.awsEnvironment("AKIAKITEVENDTEST0000", "kitevend-test-not-a-secret");
    }

    @Test
    void theEmbeddedRunnerAnswersOnlyRequestsAddressedToItsOwnLoopbackAddress() throws Exception {
        try (RunnerProcess runner = RunnerProcess.start("dev", "--port", "0")) {
            URI url = runner.awaitListening();
            int port = url.getPort();
            for (String host :
                    List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port)) {
                assertThat(call(url, "POST", "/dev/token", host).status())
                        .as("Host " + host)
                        .isEqualTo(200);
            }
            for (String host : List.of(
                    "evil.example:" + port,
                    "evil.example",
                    "127.0.0.1",
                    "127.0.0.1:" + (port + 1),
                    "localhost.evil.example:" + port,
                    "127.0.0.2:" + port,
                    "")) {
                for (String[] route : DEV_ROUTES) {
                    RawHttp.Response r = call(url, route[0], route[1], host);
                    assertThat(r.status())
                            .as(route[1] + " with Host '" + host + "'")
                            .isEqualTo(403);
                    assertThat(r.headers().get("content-type")).isEqualTo("application/problem+json");
                    assertThat(Json.readTree(r.body()).get("code").asText()).isEqualTo("forbidden");
                    assertThat(Json.readTree(r.body()).get("detail").asText())
                            .contains(LOOPBACK_ONLY)
                            .contains(own(url));
                    assertThat(r.body()).doesNotContain("token\":\"ey");
                }
            }
            // The functions' routes too, whatever their own authorization.
            for (String[] route : List.of(
                    new String[] {"POST", "/v1/credentials"},
                    new String[] {"POST", "/v1/secrets"},
                    new String[] {"GET", "/v1/admin/bindings"})) {
                RawHttp.Response refused = call(url, route[0], route[1], "rebound.evil.example:" + port);
                assertThat(refused.status()).as(route[1]).isEqualTo(403);
                assertThat(refused.body()).as(route[1]).contains(LOOPBACK_ONLY);
                RawHttp.Response own = call(url, route[0], route[1], own(url));
                assertThat(own.body())
                        .as(route[1] + ": the function (or its authorizer) answers its own host")
                        .doesNotContain(LOOPBACK_ONLY);
            }
        }
    }

    @Test
    void anEmulatorRunnerHasNoDevIssuerNorDevRoutesUnlessAsked() throws Exception {
        URI moto = Emulators.moto();
        try (RunnerProcess runner =
                RunnerProcess.start(noAws(), "dev", "--port", "0", "--aws-endpoint", moto.toString())) {
            URI url = runner.awaitListening();
            for (String[] route : DEV_ROUTES) {
                assertThat(call(url, route[0], route[1], own(url)).status())
                        .as(route[0] + " " + route[1])
                        .isEqualTo(404);
            }
            String err = String.join("\n", runner.stderr);
            assertThat(err)
                    .contains("issuer https://agent.buildkite.com")
                    .contains("--dev-routes")
                    .doesNotContain("mint a token with");
        }
    }

    @Test
    void realAwsHasNoDevIssuerNorDevRoutesUnlessAsked() throws Exception {
        try (RunnerProcess runner = RunnerProcess.start(noAws(), "dev", "--port", "0", "--aws")) {
            URI url = runner.awaitListening();
            for (String[] route : DEV_ROUTES) {
                assertThat(call(url, route[0], route[1], own(url)).status())
                        .as(route[0] + " " + route[1])
                        .isEqualTo(404);
            }
            assertThat(String.join("\n", runner.stderr)).contains("issuer https://agent.buildkite.com");
        }
    }

    @Test
    void devRoutesWithRealAwsAreServedWithALoudWarning() throws Exception {
        try (RunnerProcess runner = RunnerProcess.start(noAws(), "dev", "--port", "0", "--aws", "--dev-routes")) {
            URI url = runner.awaitListening();
            RawHttp.Response minted = call(url, "POST", "/dev/token", own(url));
            assertThat(minted.status()).isEqualTo(200);
            assertThat(Json.readTree(minted.body()).get("token").asText()).startsWith("ey");
            assertThat(call(url, "POST", "/dev/token", "evil.example:" + url.getPort())
                            .status())
                    .isEqualTo(403);
            String err = String.join("\n", runner.stderr);
            assertThat(err)
                    .contains("WARNING")
                    .contains("REAL AWS credentials")
                    .contains("--dev-routes")
                    .contains("issuer " + url);
        }
    }
}
