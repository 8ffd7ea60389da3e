package io.kitevend.testing;

import com.nimbusds.jose.JWSAlgorithm;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.credentials.CredentialIssuer;
import io.kitevend.credentials.SimulatedCredentialIssuer;
import io.kitevend.http.HttpRequest;
import io.kitevend.job.JobPorts;
import io.kitevend.job.JobSettings;
import io.kitevend.token.TokenPolicy;
import io.kitevend.vend.VendService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link VendService} on in-memory ports (bindings, replay, audit, simulated STS) with a real
 * token verifier against a loopback {@link JwksServer}. Audit log lines are captured.
 */
public final class VendFixture implements AutoCloseable {
    public static final String AUDIENCE = "https://kitevend.test";
    public static final String ROLE_ARN = "arn:aws:iam::123456789012:role/kitevend/deployer";

    public final JwksServer jwks;
    public final TokenMinter minter;
    public final InMemoryBindingStore bindingStore = new InMemoryBindingStore();
    public final InMemoryAuditStore auditStore = new InMemoryAuditStore();
    public final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    public final TokenPolicy policy;
    public final VendService service;

    public VendFixture() {
        this(new SimulatedCredentialIssuer(Clock.systemUTC()));
    }

    public VendFixture(CredentialIssuer issuer) {
        var key = TestKeys.rsa();
        jwks = new JwksServer(key);
        minter = new TokenMinter(key, jwks.issuer(), AUDIENCE);
        policy = policy(jwks);
        Clock clock = Clock.systemUTC();
        var ports = JobPorts.inMemory(
                new JobSettings(policy, new BindingRules("/kitevend/", Set.of()), Duration.ofSeconds(30), true),
                bindingStore,
                auditStore,
                clock,
                new PrintStream(logBytes, true, StandardCharsets.UTF_8));
        service = new VendService(ports, issuer, clock);
        bindingStore.put(deployMain().build());
    }

    /** The fixtures' binding {@code deploy-main}: jobs of {@code acme/deploy} on main may assume {@link #ROLE_ARN}. */
    public static Binding.Builder deployMain() {
        return Binding.builder()
                .name("deploy-main")
                .organization("acme")
                .pipeline("deploy")
                .condition("build_branch", "main")
                .roleArn(ROLE_ARN);
    }

    public static TokenPolicy policy(JwksServer jwks) {
        return new TokenPolicy(
                jwks.issuer(),
                jwks.jwksUrl(),
                AUDIENCE,
                Set.of("acme"),
                Set.of(JWSAlgorithm.RS256),
                Duration.ofSeconds(30),
                Duration.ofMinutes(15),
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                Duration.ofHours(4),
                Duration.ofSeconds(2));
    }

    /** A POST /v1/credentials with the given Authorization value and JSON body (either may be null). */
    public static HttpRequest post(String authorization, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        return new HttpRequest(
                UUID.randomUUID().toString(),
                Instant.now(),
                "POST",
                "/v1/credentials",
                headers,
                body,
                "192.0.2.10",
                "test-agent/1.0");
    }

    public static HttpRequest bearer(String token) {
        return post("Bearer " + token, null);
    }

    /** Everything the audit log printed so far. */
    public String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    /** The last stored audit record. */
    public Map<String, Object> lastAudit() {
        var all = auditStore.records();
        return all.get(all.size() - 1);
    }

    @Override
    public void close() {
        jwks.close();
    }
}
