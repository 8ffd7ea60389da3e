package io.kitevend.bench;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.kitevend.audit.AuditStore;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.credentials.SimulatedCredentialIssuer;
import io.kitevend.http.HttpRequest;
import io.kitevend.job.JobPorts;
import io.kitevend.job.JobSettings;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.VendFixture;
import io.kitevend.token.TokenPolicy;
import io.kitevend.vend.VendResult;
import io.kitevend.vend.VendService;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One whole vend (request shape, RS256 token verification, bindings from a warm cache, matching,
 * session request, simulated STS, audit record built and written to memory and to a discarded
 * log line) with in-memory ports. Replay protection is off here so that one token can be sent
 * again and again; its cost in production is a DynamoDB write, not CPU.
 *
 * <p>{@code signatureOnly} measures the floor: one RS256 signature check with Nimbus.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx512m"})
@State(Scope.Benchmark)
public class VendBenchmark {
    private JwksServer jwks;
    private VendService service;
    private HttpRequest request;
    private SignedJWT parsed;
    private JWSVerifier rsaVerifier;
    private volatile Map<String, Object> lastAuditFields;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        var key = TestKeys.rsa();
        jwks = new JwksServer(key);
        TokenMinter minter = new TokenMinter(key, jwks.issuer(), VendFixture.AUDIENCE);
        var claims = minter.claims();
        // Long-lived token so that it stays valid for the whole run.
        long now = Instant.now().getEpochSecond();
        claims.put("exp", now + 7200);
        String token = minter.sign(claims);
        TokenPolicy policy = new TokenPolicy(
                jwks.issuer(),
                jwks.jwksUrl(),
                VendFixture.AUDIENCE,
                Set.of("acme"),
                Set.of(JWSAlgorithm.RS256),
                Duration.ofSeconds(30),
                Duration.ofHours(2),
                Duration.ofHours(1),
                Duration.ofSeconds(30),
                Duration.ofHours(4),
                Duration.ofSeconds(2));
        Clock clock = Clock.systemUTC();
        InMemoryBindingStore store = new InMemoryBindingStore();
        store.put(Binding.builder()
                .name("deploy-main")
                .organization("acme")
                .pipeline("deploy")
                .condition("build_branch", "main")
                .condition("build_source", "ui", "webhook")
                .roleArn(VendFixture.ROLE_ARN)
                .build());
        store.put(Binding.builder()
                .name("infra-any")
                .organization("acme")
                .pipeline("infra-*")
                .roleArn(VendFixture.ROLE_ARN)
                .build());
        // Builds the stored form of each record, as the DynamoDB store would, but keeps none of them.
        AuditStore discard = record -> lastAuditFields = record.fields();
        var ports = JobPorts.inMemory(
                new JobSettings(policy, new BindingRules("/kitevend/", Set.of()), Duration.ofHours(1), false),
                store,
                discard,
                clock,
                new PrintStream(OutputStream.nullOutputStream()));
        service = new VendService(ports, new SimulatedCredentialIssuer(clock), clock);
        request = new HttpRequest(
                "bench",
                Instant.now(),
                "POST",
                "/v1/credentials",
                Map.of("authorization", "Bearer " + token),
                null,
                "192.0.2.1",
                "bench");
        if (!(service.vend(request) instanceof VendResult.Issued)) {
            throw new IllegalStateException("benchmark set-up does not vend: " + lastAuditFields);
        }
        parsed = SignedJWT.parse(token);
        rsaVerifier = new RSASSAVerifier(key.toRSAPublicKey());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        jwks.close();
    }

    @Benchmark
    public void vend(Blackhole bh) {
        bh.consume(service.vend(request));
    }

    @Benchmark
    public boolean signatureOnly() throws Exception {
        return parsed.verify(rsaVerifier);
    }
}
