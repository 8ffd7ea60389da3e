package io.kitevend.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.assembly.VendAssembly;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import io.kitevend.aws.RefreshableCredentialsProvider;
import io.kitevend.config.Settings;
import io.kitevend.config.VendConfig;
import io.kitevend.json.Json;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The SnapStart priming with AWS out of reach (a loopback port nobody listens on): the AWS steps
 * fail and are reported, the steps that need no network succeed, nothing is thrown, and the
 * credentials are forgotten all the same; with an issuer on loopback, its public keys are kept for
 * the snapshot. The moto run is {@code VendPrimingIT}.
 */
class VendPrimingTest {
    private static String unreachable;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    private final AtomicInteger credentialLookups = new AtomicInteger();
    /** Every SDK call started, as Operation. */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private final RefreshableCredentialsProvider credentials = new RefreshableCredentialsProvider(() -> {
        credentialLookups.incrementAndGet();
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    });

    @BeforeAll
    static void findAClosedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unreachable = "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static Map<String, String> environment(Map<String, String> changes) {
        Map<String, String> env = new HashMap<>();
        env.put(VendConfig.REGION, "us-east-1");
        env.put(VendConfig.AWS_ENDPOINT, unreachable);
        env.put(VendConfig.ISSUER, unreachable);
        env.put(VendConfig.AUDIENCE, "https://kitevend.test");
        env.put(VendConfig.ORGANIZATIONS, "acme");
        env.put(VendConfig.BINDINGS_TABLE, "kitevend-bindings");
        env.put(VendConfig.AUDIT_TABLE, "kitevend-audit");
        env.put(VendConfig.REPLAY_TABLE, "kitevend-replay");
        env.putAll(changes);
        return env;
    }

    private VendPriming priming(Map<String, String> changes, Runnable forgetCredentials) {
        return new VendPriming(assembly(changes), forgetCredentials, Clock.systemUTC(), log);
    }

    private VendAssembly assembly(Map<String, String> changes) {
        VendConfig config = VendConfig.from(new Settings(environment(changes)));
        AwsClients aws = new AwsClients(
                new AwsSettings(config.region(), config.awsEndpoint(), credentials),
                List.of(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        calls.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
                    }
                }));
        return VendAssembly.create(config, aws, Clock.systemUTC(), log);
    }

    private List<JsonNode> logLines() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : logBytes.toString(StandardCharsets.UTF_8).lines().toList()) {
            if (!line.isBlank()) {
                lines.add(Json.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void unreachableAwsFailsOnlyTheAwsStepsAndTheHooksDoNotThrow() throws IOException {
        VendPriming priming = priming(Map.of(), credentials::refresh);

        assertThatCode(() -> priming.beforeCheckpoint(null)).doesNotThrowAnyException();
        assertThatCode(() -> priming.afterRestore(null)).doesNotThrowAnyException();

        VendPriming.Report report = priming.lastReport();
        assertThat(report.steps()).containsOnlyKeys(VendPriming.STEPS);
        assertThat(report.steps()).containsEntry("vend", "ok");
        assertThat(report.steps().get("jwks")).startsWith("failed: ");
        assertThat(report.steps().get("dynamodb")).startsWith("failed: ");
        assertThat(report.steps().get("sts")).startsWith("failed: ");
        assertThat(report.allOk()).isFalse();

        List<JsonNode> lines = logLines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("hook").asText()).isEqualTo("beforeCheckpoint");
        assertThat(lines.get(0).get("level").asText()).isEqualTo("WARN");
        assertThat(lines.get(0).get("steps").get("sts").asText()).startsWith("failed: ");
        assertThat(lines.get(0).get("rounds").asInt()).isEqualTo(VendPriming.ROUNDS);
        assertThat(lines.get(1).get("hook").asText()).isEqualTo("afterRestore");
        // The restored environment's own reads failed too, and said so; the first request makes them.
        assertThat(lines.get(1).get("level").asText()).isEqualTo("WARN");
        JsonNode reads = lines.get(1).get("reads");
        assertThat(reads.fieldNames()).toIterable().containsExactly("bindings acme", "dynamodb", "sts");
        reads.forEach(outcome -> assertThat(outcome.asText()).startsWith("failed: "));
    }

    @Test
    void thePrimingVendsWriteThroughTheSdkToAnAnswerInProcess() throws Exception {
        VendConfig config = VendConfig.from(new Settings(environment(Map.of())));
        try (PrimingVends vends = new PrimingVends(config, Clock.systemUTC())) {
            vends.round(1);

            int[] answered = vends.answered();
            // One vend issued (RS256): its replay write, its AssumeRole and its audit record; the
            // token for another audience and the replay (refused by the in-memory guard first)
            // leave their audit records.
            assertThat(answered[0]).as("PutItem").isEqualTo(4);
            assertThat(answered[1]).as("AssumeRole").isEqualTo(1);
        }
        assertThat(calls).as("none of it through the function's own clients").isEmpty();
    }

    @Test
    void aStepThatFailedIsNotRunAgainInLaterRounds() {
        VendPriming priming = priming(Map.of(), credentials::refresh);

        priming.beforeCheckpoint(null);

        // Round one's GetItem and GetCallerIdentity failed; no later round tried again (the
        // bindings lookup comes after the GetItem in the same step, so it never ran).
        assertThat(calls).containsExactly("GetItem", "GetCallerIdentity");
    }

    @Test
    void theCredentialsTheFailedCallsResolvedAreForgottenBeforeTheSnapshot() {
        VendPriming priming = priming(Map.of(), credentials::refresh);

        priming.beforeCheckpoint(null);

        // The SDK signs before it connects, so the failed calls did resolve credentials.
        assertThat(credentialLookups.get()).isEqualTo(1);
        assertThat(credentials.holdsProvider()).isFalse();
    }

    @Test
    void theIssuersPublicKeysAreKeptForTheSnapshot() throws Exception {
        var key = TestKeys.rsa();
        try (JwksServer jwks = new JwksServer(key)) {
            VendAssembly assembly = assembly(Map.of(VendConfig.ISSUER, jwks.issuer()));
            VendPriming priming = new VendPriming(assembly, credentials::refresh, Clock.systemUTC(), log);

            priming.beforeCheckpoint(null);
            priming.afterRestore(null);

            assertThat(priming.lastReport().steps()).containsEntry("jwks", "ok");
            assertThat(jwks.fetches())
                    .as("fetched once, by the function's own verifier")
                    .isEqualTo(1);
            String token = new TokenMinter(key, jwks.issuer(), "https://kitevend.test").sign();
            assertThat(assembly.verifier().verify(token).pipelineSlug()).isEqualTo("deploy");
            assertThat(jwks.fetches())
                    .as("the first request after the restore fetches nothing")
                    .isEqualTo(1);
        }
    }

    @Test
    void aFailureToForgetIsReportedNotThrown() throws IOException {
        VendPriming priming = priming(Map.of(), () -> {
            throw new IllegalStateException("provider stuck");
        });

        assertThatCode(() -> priming.beforeCheckpoint(null)).doesNotThrowAnyException();
        assertThatCode(() -> priming.afterRestore(null)).doesNotThrowAnyException();

        assertThat(priming.lastReport().steps().get("forget")).contains("provider stuck");
        List<JsonNode> lines = logLines();
        assertThat(lines.get(1).get("level").asText()).isEqualTo("WARN");
        assertThat(lines.get(1).get("message").asText()).contains("provider stuck");
    }

    static Stream<Arguments> deployments() {
        return Stream.of(
                Arguments.of("RS256 only (the default)", Map.of()),
                Arguments.of("ES256 only", Map.of(VendConfig.ALGORITHMS, "ES256")),
                Arguments.of("RS256 and ES256", Map.of(VendConfig.ALGORITHMS, "RS256,ES256")),
                Arguments.of("several organizations", Map.of(VendConfig.ORGANIZATIONS, "zeta,acme,mid")),
                Arguments.of(
                        "roles limited to two accounts",
                        Map.of(VendConfig.ALLOWED_ACCOUNTS, "210987654321,123456789012")),
                Arguments.of("a deeper role path", Map.of(VendConfig.ROLE_PATH, "/ci/kitevend/")),
                Arguments.of(
                        "short token lifetime, no clock skew",
                        Map.of(VendConfig.TOKEN_MAX_AGE, "60", VendConfig.CLOCK_SKEW, "0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deployments")
    void theOfflineStepsWorkForEveryValidDeployment(String name, Map<String, String> changes) {
        VendPriming priming = priming(changes, credentials::refresh);

        VendPriming.Report report = priming.prime();

        assertThat(report.steps()).containsEntry("vend", "ok");
    }
}
