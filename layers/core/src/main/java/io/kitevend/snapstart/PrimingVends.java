package io.kitevend.snapstart;

import static io.kitevend.snapstart.VendPriming.SLUG;
import static io.kitevend.snapstart.VendPriming.cut;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.DynamoReplayGuard;
import io.kitevend.aws.StsCredentialIssuer;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.config.VendConfig;
import io.kitevend.job.JobPorts;
import io.kitevend.lambda.ApiGateway;
import io.kitevend.replay.InMemoryReplayGuard;
import io.kitevend.replay.ReplayGuard;
import io.kitevend.token.SigningKeys;
import io.kitevend.token.TokenPolicy;
import io.kitevend.token.TokenVerifier;
import io.kitevend.vend.VendResponses;
import io.kitevend.vend.VendService;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The vend function's path on ports without side effects, for a job of a pipeline of its own
 * in the deployment's first organization. Dropped with everything it holds when priming ends.
 */
final class PrimingVends implements AutoCloseable {
    /** Priming vends a handful of throw-away tokens; its replay guard never needs more room. */
    private static final int PRIMING_VENDS = 64;

    private final TokenPolicy policy;
    private final Clock clock;
    private final boolean replayProtection;
    private final String organization;
    private final Map<JWSAlgorithm, JWK> keys = new LinkedHashMap<>();
    private final VendService service;
    private final JobPorts ports;
    private final PrimingHttp http;
    private final DynamoDbClient dynamo;
    private final StsClient sts;
    /** The Lambda runtime's event serializer, while it is there and works. */
    private Optional<RuntimeEventJson> runtimeJson = RuntimeEventJson.find();

    PrimingVends(VendConfig config, Clock clock) {
        this.policy = config.token();
        this.clock = clock;
        this.replayProtection = config.replayProtection();
        this.organization = organization(policy);
        for (JWSAlgorithm alg : policy.algorithms().stream()
                .sorted(Comparator.comparing(JWSAlgorithm::getName))
                .toList()) {
            keys.put(alg, throwAwayKey(alg));
        }
        Binding binding = binding(config);
        InMemoryBindingStore bindings = new InMemoryBindingStore();
        bindings.put(binding);
        // A glob binding the job does not match, so that both reads find something.
        bindings.put(Binding.builder()
                .name(SLUG + "-other")
                .organization(organization)
                .pipeline(SLUG + "-*")
                .condition("build_branch", "release/*")
                .roleArn(binding.roleArn())
                .build());
        TokenVerifier verifier = new TokenVerifier(
                policy, SigningKeys.fromJwkSet(new JWKSet(List.copyOf(keys.values())), policy), clock);
        // The writes go through the SDK to an HTTP client that answers in process: the adapters'
        // and the SDK's code for PutItem and AssumeRole run as on the first real vend.
        this.http = new PrimingHttp(clock);
        AwsClients aws = new AwsClients(
                new AwsSettings(
                        config.region(),
                        Optional.of(PrimingHttp.ENDPOINT),
                        // A fixed dummy, not shaped like an AWS key: it signs requests nobody receives.
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(SLUG, SLUG))),
                List.of(),
                AwsClients.Limits.REQUEST,
                http);
        this.dynamo = aws.dynamo();
        this.sts = aws.sts();
        // The replay write's answer is always "first use"; the replayed token is refused by the
        // in-memory guard consulted first.
        ReplayGuard memory = new InMemoryReplayGuard(clock, Duration.ZERO, PRIMING_VENDS);
        ReplayGuard written = new DynamoReplayGuard(dynamo, config.replayTable(), policy.clockSkew());
        this.ports = JobPorts.of(
                config.job(),
                verifier,
                (tokenId, expiresAt, requestId) -> memory.firstUse(tokenId, expiresAt, requestId)
                        && written.firstUse(tokenId, expiresAt, requestId),
                bindings,
                new DynamoAuditStore(dynamo, config.auditTable(), config.auditRetention(), config.auditShards()),
                clock,
                new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
        this.service = new VendService(ports, new StsCredentialIssuer(sts), clock);
    }

    /** The calls priming's in-process HTTP client answered: PutItem, AssumeRole. */
    int[] answered() {
        return new int[] {http.putItems(), http.assumeRoles()};
    }

    /** Closes priming's SDK clients (and the threads they started), so the snapshot holds none. */
    @Override
    public void close() {
        dynamo.close();
        sts.close();
    }

    /** One vend issued per algorithm, then a token for another audience and a replay refused. */
    void round(int round) throws JOSEException {
        ports.bindings().invalidate();
        String lastToken = null;
        for (var key : keys.entrySet()) {
            String jti = SLUG + "-" + round + "-" + key.getKey().getName().toLowerCase(Locale.ROOT);
            lastToken = sign(key.getValue(), key.getKey(), claims(jti, policy.audience()));
            expect(200, lastToken, jti);
        }
        var first = keys.entrySet().iterator().next();
        expect(
                401,
                sign(first.getValue(), first.getKey(), claims(SLUG + "-" + round, policy.audience() + "/" + SLUG)),
                "audience");
        if (replayProtection) {
            expect(401, lastToken, "replay");
        }
    }

    private void expect(int status, String token, String requestId) {
        APIGatewayV2HTTPEvent built = event(token, requestId);
        APIGatewayV2HTTPEvent event = throughRuntimeJson(json -> json.asDelivered(built), built);
        APIGatewayV2HTTPResponse response =
                ApiGateway.handle(event, clock, request -> VendResponses.toHttp(service.vend(request)));
        throughRuntimeJson(json -> json.asSent(response), null);
        if (response.getStatusCode() != status) {
            throw new IllegalStateException("the priming vend '" + requestId + "' answered " + response.getStatusCode()
                    + " where " + status + " was expected: " + cut(response.getBody()));
        }
    }

    /**
     * What the runtime's serializer makes of a value, or {@code otherwise} without it. A failure
     * there is the runtime's, not the vend path's: priming goes on without the serializer.
     */
    private <R> R throughRuntimeJson(Function<RuntimeEventJson, R> use, R otherwise) {
        if (runtimeJson.isEmpty()) {
            return otherwise;
        }
        try {
            return use.apply(runtimeJson.get());
        } catch (RuntimeException | LinkageError e) {
            runtimeJson = Optional.empty();
            return otherwise;
        }
    }

    private APIGatewayV2HTTPEvent event(String token, String requestId) {
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey("POST /v1/credentials")
                .withRawPath("/v1/credentials")
                .withHeaders(Map.of(
                        "authorization", "Bearer " + token, "content-type", "application/json", "user-agent", SLUG))
                .withBody("{\"binding\":\"" + SLUG + "\",\"duration_seconds\":900}")
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(SLUG + "-" + requestId)
                        .withTimeEpoch(clock.millis())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod("POST")
                                .withPath("/v1/credentials")
                                .withSourceIp("192.0.2.1")
                                .withUserAgent(SLUG)
                                .build())
                        .build())
                .build();
    }

    private static String organization(TokenPolicy policy) {
        return policy.organizations().stream().sorted().findFirst().orElseThrow();
    }

    /** The job's binding: in the deployment's first organization, for a role its rules allow. */
    static Binding binding(VendConfig config) {
        BindingRules rules = config.bindingRules();
        String account = rules.allowedAccounts().stream().sorted().findFirst().orElse("000000000000");
        return Binding.builder()
                .name(SLUG)
                .organization(organization(config.token()))
                .pipeline(SLUG)
                .condition("build_branch", "main", "release/*")
                .condition("agent_tag:queue", "default")
                .roleArn("arn:aws:iam::" + account + ":role" + rules.rolePath() + SLUG)
                .build();
    }

    private JWTClaimsSet claims(String jti, String audience) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder()
                .issuer(policy.issuer())
                .subject("organization:" + organization + ":pipeline:" + SLUG + ":ref:refs/heads/main:commit:"
                        + "0000000000000000000000000000000000000000:step:" + SLUG)
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60)))
                .jwtID(jti)
                .claim("organization_slug", organization)
                .claim("pipeline_slug", SLUG)
                .claim("build_number", 1)
                .claim("build_branch", "main")
                .claim("build_commit", "0000000000000000000000000000000000000000")
                .claim("step_key", SLUG)
                .claim("job_id", "00000000-0000-0000-0000-000000000000")
                .claim("agent_id", "00000000-0000-0000-0000-000000000000")
                .claim("build_source", "api")
                .claim("runner_environment", "self-hosted")
                .claim("agent_tag:queue", "default")
                .build();
    }

    /** A key pair made here, with a random source of its own; both are dropped when priming ends. */
    private static JWK throwAwayKey(JWSAlgorithm alg) {
        SecureRandom random = new SecureRandom();
        String kid = SLUG + "-" + alg.getName().toLowerCase(Locale.ROOT);
        try {
            return JWSAlgorithm.Family.EC.contains(alg)
                    ? new ECKeyGenerator(Curve.P_256)
                            .keyID(kid)
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(alg)
                            .secureRandom(random)
                            .generate()
                    : new RSAKeyGenerator(RSAKeyGenerator.MIN_KEY_SIZE_BITS)
                            .keyID(kid)
                            .keyUse(KeyUse.SIGNATURE)
                            .algorithm(alg)
                            .secureRandom(random)
                            .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make a " + alg + " key: " + e.getMessage(), e);
        }
    }

    private static String sign(JWK key, JWSAlgorithm alg, JWTClaimsSet claims) throws JOSEException {
        JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(alg)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(signer);
        return jwt.serialize();
    }
}
