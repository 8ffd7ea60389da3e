package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.AuditStore;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.binding.SecretGrant;
import io.kitevend.credentials.SimulatedCredentialIssuer;
import io.kitevend.function.secrets.SecretsHandler;
import io.kitevend.function.vend.VendHandler;
import io.kitevend.job.JobPorts;
import io.kitevend.job.JobSettings;
import io.kitevend.secrets.SecretsService;
import io.kitevend.testing.JobRouteFuzz;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.SampleEvents;
import io.kitevend.testing.SecretsFixture;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.TokenMutator;
import io.kitevend.testing.VendFixture;
import io.kitevend.token.TokenPolicy;
import io.kitevend.vend.VendService;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A bounded, seeded fuzz run of the job routes through their real Lambda handlers ({@link
 * VendHandler}, {@link SecretsHandler}) on one set of job ports, as the deployed functions share
 * their tables: mutated tokens (see {@link TokenMutator}), each checked by {@link JobRouteFuzz}.
 *
 * <p>The size is a setting, so the same test makes the long run of the note: {@code
 * -Dkitevend.fuzz.tokens=1000000 -Dkitevend.fuzz.threads=2} ({@code kitevend.fuzz.seed} changes the
 * sequence; each thread runs the seed plus its number; {@code -Dkitevend.fuzz.key=ec} signs with the
 * ES256 test key, which is much faster to sign with than RS256; {@code
 * -Dkitevend.fuzz.progress=FILE} writes the counts so far to FILE as the run goes).
 */
class JobRoutesFuzzTest {
    private static final long TOKENS = Long.getLong("kitevend.fuzz.tokens", 3000);
    private static final long SEED = Long.getLong("kitevend.fuzz.seed", 20_261_129L);
    private static final int THREADS = Integer.getInteger("kitevend.fuzz.threads", 1);
    private static final String KEY = System.getProperty("kitevend.fuzz.key", "rsa");
    /** A file the counts so far are written to after each chunk, for a long run; none by default. */
    private static final String PROGRESS = System.getProperty("kitevend.fuzz.progress");

    private static final long CHUNK = 1000;

    /**
     * Audit records by request id, as the table keeps them. The fuzz takes each record when it checks
     * its request, so a long run holds only the records in flight.
     */
    static final class RecordsById implements AuditStore {
        final Map<String, Map<String, Object>> records = new ConcurrentHashMap<>();
        final AtomicLong duplicates = new AtomicLong();

        @Override
        public void put(AuditRecord record) {
            if (records.putIfAbsent(record.requestId(), record.fields()) != null) {
                duplicates.incrementAndGet();
            }
        }

        Map<String, Object> take(String requestId) {
            return records.remove(requestId);
        }
    }

    @Test
    void noInvalidTokenIsAcceptedNoInputGivesA5xxAndEveryRequestIsAudited() throws Exception {
        // RS256 as Buildkite signs; ES256 signs some ten times faster, for long runs.
        JWK key = KEY.equals("ec") ? TestKeys.ec() : TestKeys.rsa();
        try (JwksServer jwks = new JwksServer(key)) {
            TokenMinter minter = new TokenMinter(key, jwks.issuer(), VendFixture.AUDIENCE);
            Clock clock = Clock.systemUTC();
            InMemoryBindingStore bindings = new InMemoryBindingStore();
            bindings.put(VendFixture.deployMain()
                    .secret("NPM_TOKEN", SecretGrant.whole(SecretsFixture.NPM_ID))
                    .build());
            SecretsFixture.MapSecretSource secrets = new SecretsFixture.MapSecretSource();
            secrets.put(SecretsFixture.NPM_ID, "npm-secret-value");
            RecordsById audit = new RecordsById();
            var ports = JobPorts.inMemory(
                    new JobSettings(
                            onlyAlgorithm(
                                    VendFixture.policy(jwks),
                                    key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256),
                            new BindingRules("/kitevend/", Set.of(), SecretsFixture.PREFIX),
                            Duration.ofSeconds(30),
                            true),
                    bindings,
                    audit,
                    clock,
                    new PrintStream(OutputStream.nullOutputStream()));
            List<JobRouteFuzz.Route> routes = List.of(
                    route(
                            "vend-request.json",
                            new VendHandler(
                                    new VendService(ports, new SimulatedCredentialIssuer(clock), clock), clock)),
                    route(
                            "secrets-request.json",
                            new SecretsHandler(new SecretsService(ports, secrets, clock), clock)));

            JobRouteFuzz.Findings findings = new JobRouteFuzz.Findings();
            long started = System.nanoTime();
            try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
                List<Future<?>> runs = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    TokenMutator mutator = new TokenMutator(minter, SEED + t);
                    long share = TOKENS / THREADS + (t < TOKENS % THREADS ? 1 : 0);
                    runs.add(pool.submit(() -> {
                        // In chunks, so that a long run shows how far it got (PROGRESS).
                        for (long done = 0; done < share; done += CHUNK) {
                            var chunk = JobRouteFuzz.run(mutator, routes, audit::take, Math.min(CHUNK, share - done));
                            synchronized (findings) {
                                findings.add(chunk);
                                if (PROGRESS != null) {
                                    Files.writeString(
                                            Path.of(PROGRESS),
                                            String.format(
                                                    "%.0f s: %s%n",
                                                    (System.nanoTime() - started) / 1e9, findings.summary()));
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (var run : runs) {
                    run.get();
                }
            }
            System.out.printf(
                    "fuzz: %d tokens, seed %d, %d threads, %.1f s: %s%n",
                    TOKENS, SEED, THREADS, (System.nanoTime() - started) / 1e9, findings.summary());

            assertThat(findings.failures).as(findings.summary()).isEmpty();
            assertThat(findings.failureCount()).isZero();
            assertThat(findings.sent + findings.notSendable).isEqualTo(TOKENS);
            assertThat(audit.duplicates.get()).as("requests with two records").isZero();
            assertThat(audit.records).as("records of no request sent").isEmpty();
            // The run reached every outcome: the oracle is not trivially "refuse everything".
            assertThat(findings.accepted).isPositive();
            assertThat(findings.refusedAsToken).isPositive();
            assertThat(findings.refusedByBindings).isPositive();
        }
    }

    private static TokenPolicy onlyAlgorithm(TokenPolicy p, JWSAlgorithm algorithm) {
        return new TokenPolicy(
                p.issuer(),
                p.jwksUrl(),
                p.audience(),
                p.organizations(),
                p.organizationIds(),
                Set.of(algorithm),
                p.clockSkew(),
                p.maxAge(),
                p.jwksCacheTtl(),
                p.jwksMinRefreshInterval(),
                p.jwksOutageTolerance(),
                p.jwksTimeout());
    }

    /** A job route through its handler: the sample event with the token and a request id of its own. */
    private static JobRouteFuzz.Route route(
            String sample, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        return token -> {
            APIGatewayV2HTTPEvent event = SampleEvents.asStored(sample);
            String requestId = UUID.randomUUID().toString();
            event.getRequestContext().setRequestId(requestId);
            event.getRequestContext().setTimeEpoch(System.currentTimeMillis());
            SampleEvents.withHeader(event, "authorization", "Bearer " + token);
            APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
            Map<String, String> headers = new LinkedHashMap<>();
            if (response.getHeaders() != null) {
                response.getHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
            }
            return new JobRouteFuzz.Answer(
                    response.getStatusCode(), headers.get("content-type"), response.getBody(), requestId);
        };
    }
}
