package io.kitevend.function.vend;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.assembly.VendAssembly;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.RefreshableCredentialsProvider;
import io.kitevend.aws.Tables;
import io.kitevend.binding.Binding;
import io.kitevend.config.Settings;
import io.kitevend.config.VendConfig;
import io.kitevend.json.Json;
import io.kitevend.snapstart.VendPriming;
import io.kitevend.testing.Emulators;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.MutableClock;
import io.kitevend.testing.SampleEvents;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.VendFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The SnapStart hooks of the vend function against moto: {@code beforeCheckpoint} makes only
 * read-only calls (every call the function's SDK clients make is counted by an interceptor),
 * leaves the audit and replay tables empty, keeps no credentials and no cached bindings (but the
 * issuer's public keys), and a vend after {@code afterRestore} is issued.
 */
@Tag("integration")
class VendPrimingIT {
    private static final String BINDINGS = "kitevend-bindings";
    private static final String AUDIT = "kitevend-audit";
    private static final String REPLAY = "kitevend-replay";
    private static final Set<String> READ_ONLY = Set.of("DynamoDb:GetItem", "DynamoDb:Query", "Sts:GetCallerIdentity");

    /** Every call of the clients it is given, as Service:Operation, before anything is sent. */
    static final class Calls implements ExecutionInterceptor {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            seen.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                    + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    }

    private URI moto;
    private JwksServer jwks;
    private TokenMinter minter;
    private DynamoDbClient setup;
    private Map<String, String> env;
    private final Calls calls = new Calls();
    private final AtomicInteger credentialLookups = new AtomicInteger();
    private final RefreshableCredentialsProvider credentials = new RefreshableCredentialsProvider(() -> {
        credentialLookups.incrementAndGet();
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    });
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() throws Exception {
        moto = Emulators.moto();
        Emulators.resetMoto(moto);
        var key = TestKeys.rsa();
        jwks = new JwksServer(key);
        minter = new TokenMinter(key, jwks.issuer(), VendFixture.AUDIENCE);

        setup = new AwsClients(new AwsSettings(
                        Region.US_EAST_1,
                        Optional.of(moto),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))))
                .dynamo();
        Tables.ensure(setup, BINDINGS, AUDIT, REPLAY);
        new DynamoBindingStore(setup, BINDINGS)
                .put(Binding.builder()
                        .name("deploy-main")
                        .organization("acme")
                        .pipeline("deploy")
                        .condition("build_branch", "main")
                        .roleArn(VendFixture.ROLE_ARN)
                        .build());

        env = new HashMap<>();
        env.put(VendConfig.REGION, "us-east-1");
        env.put(VendConfig.AWS_ENDPOINT, moto.toString());
        env.put(VendConfig.ISSUER, jwks.issuer());
        env.put(VendConfig.AUDIENCE, VendFixture.AUDIENCE);
        env.put(VendConfig.ORGANIZATIONS, "acme");
        env.put(VendConfig.BINDINGS_TABLE, BINDINGS);
        env.put(VendConfig.AUDIT_TABLE, AUDIT);
        env.put(VendConfig.REPLAY_TABLE, REPLAY);
    }

    @AfterEach
    void tearDown() {
        setup.close();
        jwks.close();
    }

    private VendAssembly assembly() {
        return assembly(Clock.systemUTC());
    }

    private VendAssembly assembly(Clock clock) {
        VendConfig config = VendConfig.from(new Settings(env));
        AwsClients aws =
                new AwsClients(new AwsSettings(config.region(), config.awsEndpoint(), credentials), List.of(calls));
        return VendAssembly.create(config, aws, clock, log);
    }

    private int count(String table) {
        return setup.scan(b -> b.tableName(table)).count();
    }

    private APIGatewayV2HTTPResponse vend(VendHandler handler) {
        return handler.handleRequest(SampleEvents.withToken("vend-request.json", minter.sign()), null);
    }

    @Test
    void primingMakesOnlyReadOnlyCallsAndLeavesNoTrace() {
        VendAssembly assembly = assembly();
        VendPriming priming = new VendPriming(assembly, credentials::refresh, Clock.systemUTC(), log);

        priming.beforeCheckpoint(null);
        priming.afterRestore(null);

        assertThat(priming.lastReport().steps())
                .as("every step reached moto")
                .allSatisfy((step, outcome) -> assertThat(outcome).as(step).isEqualTo("ok"));
        // Each round: one GetItem, the two queries of a bindings lookup, one GetCallerIdentity;
        // after the restore: the organization's bindings (one Query), one GetItem, one GetCallerIdentity.
        assertThat(calls.seen)
                .as("the read-only calls were made, every round")
                .containsOnly("DynamoDb:GetItem", "DynamoDb:Query", "Sts:GetCallerIdentity")
                .hasSize(4 * VendPriming.ROUNDS + 3);
        assertThat(calls.seen).filteredOn("DynamoDb:Query"::equals).hasSize(2 * VendPriming.ROUNDS + 1);
        assertThat(calls.seen).filteredOn("Sts:GetCallerIdentity"::equals).hasSize(VendPriming.ROUNDS + 1);
        assertThat(calls.seen)
                .as("and nothing else")
                .allMatch(READ_ONLY::contains)
                .doesNotContain("Sts:AssumeRole");
        assertThat(count(AUDIT)).isZero();
        assertThat(count(REPLAY)).isZero();
        assertThat(count(BINDINGS)).isEqualTo(1);
        assertThat(jwks.fetches())
                .as("the issuer's JWKS fetched once, to warm the fetching code")
                .isEqualTo(1);
    }

    @Test
    void noCredentialsAndNoBindingsAreHeldAfterEitherHook() throws Exception {
        VendAssembly assembly = assembly();
        VendPriming priming = new VendPriming(assembly, credentials::refresh, Clock.systemUTC(), log);

        priming.beforeCheckpoint(null);
        assertThat(credentialLookups.get()).as("the calls were signed").isEqualTo(1);
        assertThat(credentials.holdsProvider()).isFalse();
        priming.afterRestore(null);
        assertThat(credentialLookups.get())
                .as("the restored environment's own reads resolved its credentials afresh")
                .isEqualTo(2);

        // The pipeline priming looked up is not answered from a cache: it is read again.
        calls.seen.clear();
        assembly.bindings().candidates(VendPriming.ORGANIZATION, VendPriming.PIPELINE);
        assertThat(calls.seen).containsExactly("DynamoDb:Query", "DynamoDb:Query");
    }

    @Test
    void afterTheRestoreTheOrganizationsBindingsAreReadSoTheFirstVendReadsNone() throws Exception {
        VendAssembly assembly = assembly();
        VendPriming priming = new VendPriming(assembly, credentials::refresh, Clock.systemUTC(), log);
        priming.beforeCheckpoint(null);
        calls.seen.clear();

        priming.afterRestore(null);

        assertThat(calls.seen)
                .as("read-only, like priming")
                .containsExactlyInAnyOrder("DynamoDb:Query", "DynamoDb:GetItem", "Sts:GetCallerIdentity");
        JsonNode restoreLine = Json.readTree(logBytes.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.contains("\"afterRestore\""))
                .reduce((a, b) -> b)
                .orElseThrow());
        assertThat(restoreLine.get("level").asText()).isEqualTo("INFO");
        assertThat(restoreLine.get("reads").get("bindings acme").asText()).isEqualTo("ok");
        calls.seen.clear();

        APIGatewayV2HTTPResponse response = vend(new VendHandler(assembly.service(), Clock.systemUTC()));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(Json.readTree(response.getBody()).get("Binding").asText()).isEqualTo("deploy-main");
        assertThat(calls.seen)
                .as("the binding came from the read-ahead: no query on the first vend")
                .containsExactlyInAnyOrder("DynamoDb:PutItem", "Sts:AssumeRole", "DynamoDb:PutItem");
    }

    @Test
    void aVendAfterTheHooksIsIssuedAndWrittenWhereTheHooksWroteNothing() throws Exception {
        VendAssembly assembly = assembly();
        VendPriming priming = new VendPriming(assembly, credentials::refresh, Clock.systemUTC(), log);
        priming.beforeCheckpoint(null);
        priming.afterRestore(null);
        calls.seen.clear();

        int fetchesBefore = jwks.fetches();

        APIGatewayV2HTTPResponse response = vend(new VendHandler(assembly.service(), Clock.systemUTC()));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(jwks.fetches())
                .as("the function's verifier kept the issuer's public keys from priming")
                .isEqualTo(fetchesBefore);
        JsonNode body = Json.readTree(response.getBody());
        assertThat(body.get("AccessKeyId").asText()).startsWith("ASIA");
        assertThat(body.get("Binding").asText()).isEqualTo("deploy-main");
        // The same counting shows the calls priming must never make.
        assertThat(calls.seen).contains("Sts:AssumeRole", "DynamoDb:PutItem");
        assertThat(count(AUDIT)).isEqualTo(1);
        assertThat(count(REPLAY)).isEqualTo(1);
        assertThat(credentialLookups.get()).isEqualTo(2);
    }

    @Test
    void aRestoreLaterThanTheKeysCacheTimeFetchesThemAgainOnTheFirstVend() throws Exception {
        // The snapshot taken six minutes before the restore: its keys are older than the cache time (5 minutes).
        MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofMinutes(6)));
        VendAssembly assembly = assembly(clock);
        VendPriming priming = new VendPriming(assembly, credentials::refresh, clock, log);
        priming.beforeCheckpoint(null);
        clock.set(Instant.now());
        priming.afterRestore(null);
        int fetchesBefore = jwks.fetches();

        APIGatewayV2HTTPResponse response = vend(new VendHandler(assembly.service(), clock));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(jwks.fetches()).as("the stale keys fetched again, once").isEqualTo(fetchesBefore + 1);
    }

    @Test
    void theLambdaWiringPrimesOverTheDefaultChainAndThenVends() throws Exception {
        // The default chain's first source; set only for this test.
        String[] names = {"aws.accessKeyId", "aws.secretAccessKey"};
        Map<String, String> before = new HashMap<>();
        for (String name : names) {
            before.put(name, System.getProperty(name));
            System.setProperty(name, "test");
        }
        try {
            VendHandler handler = new VendHandler(new Settings(env), Clock.systemUTC(), log);
            assertThat(handler.priming()).isNotNull();

            handler.priming().beforeCheckpoint(null);
            handler.priming().afterRestore(null);

            assertThat(handler.priming().lastReport().allOk())
                    .as(String.valueOf(handler.priming().lastReport()))
                    .isTrue();
            assertThat(count(AUDIT)).isZero();
            assertThat(count(REPLAY)).isZero();
            APIGatewayV2HTTPResponse response = vend(handler);
            assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
            assertThat(count(AUDIT)).isEqualTo(1);
            String logged = logBytes.toString(StandardCharsets.UTF_8);
            assertThat(logged).contains("\"hook\":\"beforeCheckpoint\"", "\"hook\":\"afterRestore\"");
        } finally {
            before.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }

    @Test
    void aHandlerGivenAServiceHasNoHooks() {
        assertThat(new VendHandler(assembly().service(), Clock.systemUTC()).priming())
                .isNull();
    }
}
