package io.kitevend.snapstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
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
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kitevend.assembly.VendAssembly;
import io.kitevend.audit.AuditLog;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.Decision;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.RefreshableCredentialsProvider;
import io.kitevend.aws.StsCredentialIssuer;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.BindingDecision;
import io.kitevend.binding.BindingMatcher;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.CompiledBinding;
import io.kitevend.credentials.IssuedCredentials;
import io.kitevend.credentials.SessionRequest;
import io.kitevend.credentials.SessionRequests;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.HttpResponse;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import io.kitevend.json.Json;
import io.kitevend.json.LogLine;
import io.kitevend.lambda.ApiGateway;
import io.kitevend.token.BuildkiteClaims;
import io.kitevend.token.SigningKeys;
import io.kitevend.token.TokenPolicy;
import io.kitevend.token.TokenRejectedException;
import io.kitevend.token.TokenVerifier;
import io.kitevend.vend.VendResponses;
import io.kitevend.vend.VendResult;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.crac.Context;
import org.crac.Resource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.AssumedRoleUser;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.utils.DateUtils;

/**
 * The vend function's SnapStart hooks (their cost and effect are measured by {@code bench/coldstart}, see
 * {@code bench/README.md}). {@link #beforeCheckpoint} runs the real code
 * of a vend, without its side effects, {@link #ROUNDS} times, so that the snapshot holds loaded
 * and compiled classes:
 * <ul>
 *   <li>{@code token}: a token signed with a throw-away key (one per configured algorithm) through
 *       a {@link TokenVerifier} with the deployment's policy over in-memory keys
 *       ({@link SigningKeys#fromJwkSet}), once accepted and once refused;</li>
 *   <li>{@code jwks}: once, the issuer's JWKS fetched through a {@link SigningKeys} of its own that
 *       is then dropped (the function's verifier holds no keys in the snapshot);</li>
 *   <li>{@code bindings}: a synthetic binding compiled with the deployment's rules, matched, turned
 *       into an STS session request, and its DynamoDB item form both ways;</li>
 *   <li>{@code json}: the API Gateway mapping, a credentials body and two problems written and read
 *       back, an audit record and its log line (to a discarded stream);</li>
 *   <li>{@code dynamodb}: a {@code GetItem} of a key no binding can have on the bindings table and
 *       the bindings lookup of a pipeline that cannot exist (two {@code Query} calls on
 *       {@code by-pipeline}), through the function's own client; the replay write's request is
 *       built, never sent;</li>
 *   <li>{@code sts}: {@code GetCallerIdentity}; the {@code AssumeRole} request of the priming job
 *       is built and an answer read from a model object, never sent.</li>
 * </ul>
 * Never {@code AssumeRole}, never a write to any table. A failing step (no network, no
 * permission) is logged and not run again: priming never fails the checkpoint.
 *
 * <p>Nothing unique is kept for the snapshot: the throw-away keys, their random source and the
 * tokens are dropped when priming ends; the identifiers used are fixed strings; the bindings
 * cache is emptied and the credentials provider forgotten, so that the snapshot holds no
 * credentials. {@link #afterRestore} forgets both again, so a restored environment resolves its
 * own credentials and reads bindings on its first request. The JDK's own random sources (behind
 * {@code UUID.randomUUID}, RSA blinding and TLS) are {@code NativePRNG} on Linux, which mixes
 * every output with bytes read from {@code /dev/urandom} (buffered for at most 100 ms of wall
 * time), so they do not repeat across restored environments; the vend function keeps no
 * {@code SecureRandom} of its own ({@code SimulatedCredentialIssuer} is not used in Lambda).
 * Keep-alive connections opened here are not reused after a restore: the JDK does not hand out a
 * connection idle for longer than its keep-alive time (5 seconds unless the server says otherwise).
 */
public final class VendPriming implements Resource {
    /** The organization of the priming lookups: never a valid slug, so never a stored binding's. */
    public static final String ORGANIZATION = "kitevend:priming";

    public static final String PIPELINE = "none";
    static final String SLUG = "kitevend-priming";
    static final String REQUEST_ID = "kitevend-priming";

    /** The steps, in order. */
    public static final List<String> STEPS = List.of("token", "jwks", "bindings", "json", "dynamodb", "sts");

    /** How many times the steps run: enough for the JIT to compile the hottest code, a second or so. */
    public static final int ROUNDS = 10;

    private final VendAssembly assembly;
    private final int rounds;
    private final Runnable forgetCredentials;
    private final Clock clock;
    private final PrintStream log;
    private volatile Report lastReport;

    /**
     * @param forgetCredentials drops every credential the SDK clients' provider holds (see
     *                          {@link RefreshableCredentialsProvider#refresh()})
     * @param log where the one line per hook goes (standard output in Lambda)
     */
    public VendPriming(VendAssembly assembly, Runnable forgetCredentials, Clock clock, PrintStream log) {
        this(assembly, ROUNDS, forgetCredentials, clock, log);
    }

    VendPriming(VendAssembly assembly, int rounds, Runnable forgetCredentials, Clock clock, PrintStream log) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1");
        }
        this.assembly = assembly;
        this.rounds = rounds;
        this.forgetCredentials = forgetCredentials;
        this.clock = clock;
        this.log = log;
    }

    /** What priming did: each step's outcome, {@code "ok"} or why it failed. */
    public record Report(Map<String, String> steps, long millis) {
        public Report {
            steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        }

        public boolean allOk() {
            return steps.values().stream().allMatch("ok"::equals);
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        String failure = forget();
        logLine(
                failure == null ? "INFO" : "WARN",
                failure == null
                        ? "snapstart restore: credentials and bindings cache dropped"
                        : "snapstart restore: could not drop everything; " + failure,
                Map.of("hook", "afterRestore"));
    }

    /** The last priming's report, or null before the first. */
    public Report lastReport() {
        return lastReport;
    }

    /**
     * Runs every step {@link #ROUNDS} times (the JIT compiles what runs often; a step that failed
     * is not run again), then forgets what the steps cached. Never throws.
     */
    public Report prime() {
        long started = System.nanoTime();
        Map<String, String> steps = new LinkedHashMap<>();
        try {
            Job job = new Job();
            for (int round = 1; round <= rounds; round++) {
                boolean first = round == 1;
                step(steps, "token", () -> job.claims = primeTokens(job));
                if (first) {
                    step(steps, "jwks", this::primeJwksFetch);
                }
                BuildkiteClaims claims = job.claims != null ? job.claims : syntheticClaims();
                step(steps, "bindings", () -> job.binding = primeBindings(claims));
                step(steps, "json", () -> primeJson(claims, job.binding));
                step(steps, "dynamodb", this::primeDynamo);
                step(steps, "sts", () -> primeSts(claims, job.binding));
            }
        } catch (RuntimeException | LinkageError e) {
            // Outside any step (the stand-in claims, say): reported like a step, never thrown.
            steps.put(
                    "priming", "failed: " + e.getClass().getSimpleName() + ": " + cut(String.valueOf(e.getMessage())));
        } finally {
            String forgotten = forget();
            if (forgotten != null) {
                steps.put("forget", forgotten);
            }
        }
        Report report = new Report(steps, (System.nanoTime() - started) / 1_000_000);
        lastReport = report;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("hook", "beforeCheckpoint");
        fields.put("steps", report.steps());
        fields.put("rounds", rounds);
        fields.put("millis", report.millis());
        logLine(
                report.allOk() ? "INFO" : "WARN",
                report.allOk()
                        ? "snapstart priming done"
                        : "snapstart priming done; some steps failed and were skipped",
                fields);
        return report;
    }

    /** What one priming carries from round to round; dropped when it ends. */
    private static final class Job {
        final Map<JWSAlgorithm, JWK> keys = new LinkedHashMap<>();
        BuildkiteClaims claims;
        CompiledBinding binding;
    }

    /** Empties the bindings cache and drops the credentials; null, or why it could not. */
    private String forget() {
        Map<String, String> outcome = new LinkedHashMap<>();
        step(outcome, "bindings", () -> assembly.bindings().invalidate());
        step(outcome, "credentials", forgetCredentials::run);
        return outcome.values().stream().allMatch("ok"::equals) ? null : outcome.toString();
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs the step unless it failed before; its outcome stays its first failure, if any. */
    private static void step(Map<String, String> steps, String name, Step step) {
        String before = steps.get(name);
        if (before != null && !before.equals("ok")) {
            return;
        }
        try {
            step.run();
            steps.put(name, "ok");
        } catch (Exception | LinkageError e) {
            steps.put(name, "failed: " + e.getClass().getSimpleName() + ": " + cut(String.valueOf(e.getMessage())));
        }
    }

    // ------------------------------------------------------------------ token

    private BuildkiteClaims primeTokens(Job job) throws Exception {
        TokenPolicy policy = assembly.config().token();
        BuildkiteClaims accepted = null;
        for (JWSAlgorithm alg : policy.algorithms().stream()
                .sorted(Comparator.comparing(JWSAlgorithm::getName))
                .toList()) {
            JWK key = job.keys.computeIfAbsent(alg, VendPriming::throwAwayKey);
            // The JWKS document as the URL source reads it, then the verifier over those keys.
            JWKSet published = JWKSet.parse(new JWKSet(key).toPublicJWKSet().toString());
            TokenVerifier verifier = new TokenVerifier(policy, SigningKeys.fromJwkSet(published, policy), clock);
            BuildkiteClaims claims = verifier.verify(sign(key, alg, claims(policy, policy.audience())));
            if (accepted == null) {
                accepted = claims;
            }
            try {
                verifier.verify(sign(key, alg, claims(policy, policy.audience() + "/" + SLUG)));
                throw new IllegalStateException("a token for another audience was accepted");
            } catch (TokenRejectedException expected) {
                // the refusal path, warmed
            }
        }
        if (accepted == null) {
            throw new IllegalStateException("no algorithm configured");
        }
        return accepted;
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

    private JWTClaimsSet claims(TokenPolicy policy, String audience) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder()
                .issuer(policy.issuer())
                .subject("organization:" + organization(policy) + ":pipeline:" + SLUG + ":ref:refs/heads/main:commit:"
                        + "0000000000000000000000000000000000000000:step:" + SLUG)
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(60)))
                .jwtID(REQUEST_ID)
                .claim("organization_slug", organization(policy))
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

    private static String organization(TokenPolicy policy) {
        return policy.organizations().stream().sorted().findFirst().orElse(SLUG);
    }

    private BuildkiteClaims syntheticClaims() {
        TokenPolicy policy = assembly.config().token();
        Instant now = clock.instant();
        return new BuildkiteClaims(
                policy.issuer(),
                SLUG,
                REQUEST_ID,
                now,
                now.plusSeconds(60),
                organization(policy),
                SLUG,
                1,
                "main",
                null,
                null,
                SLUG,
                "00000000-0000-0000-0000-000000000000",
                null,
                "api",
                "self-hosted",
                Map.of("agent_tag:queue", "default"));
    }

    /**
     * One fetch of the issuer's JWKS through a {@link SigningKeys} of its own, dropped afterwards:
     * the fetching and parsing code is warmed, and the function's verifier holds no keys, so a
     * restored environment fetches them on its first request.
     */
    private void primeJwksFetch() throws Exception {
        TokenPolicy policy = assembly.config().token();
        SigningKeys.fromUrl(policy).select(new JWKSelector(new JWKMatcher.Builder().build()));
    }

    // ------------------------------------------------------------------ bindings

    private CompiledBinding primeBindings(BuildkiteClaims claims) throws Exception {
        BindingRules rules = assembly.config().bindingRules();
        String account = rules.allowedAccounts().stream().sorted().findFirst().orElse("000000000000");
        Binding binding = Binding.builder()
                .name(SLUG)
                .organization(claims.organizationSlug())
                .pipeline("kitevend-*")
                .condition("build_branch", "main", "release/*")
                .condition("agent_tag:queue", "default")
                .roleArn("arn:aws:iam::" + account + ":role" + rules.rolePath() + SLUG)
                .build();
        CompiledBinding compiled = new BindingCompiler(rules).compile(binding);
        // The stored form, both ways, as the DynamoDB store reads it.
        DynamoBindingStore.fromItem(DynamoBindingStore.toItem(binding));
        if (!(BindingMatcher.decide(List.of(compiled), claims, null) instanceof BindingDecision.Selected)) {
            throw new IllegalStateException("the priming binding did not match the priming job");
        }
        BindingMatcher.decide(List.of(compiled), claims, "another-binding");
        SessionRequest session = SessionRequests.forJob(binding, claims, 900);
        if (session.durationSeconds() != 900) {
            throw new IllegalStateException("unexpected session duration");
        }
        return compiled;
    }

    // ------------------------------------------------------------------ JSON and HTTP

    private void primeJson(BuildkiteClaims claims, CompiledBinding binding) throws Exception {
        Instant now = clock.instant();
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withHeaders(Map.of("authorization", "Bearer " + SLUG, "content-type", "application/json"))
                .withBody("{\"binding\":\"" + SLUG + "\",\"duration_seconds\":900}")
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(REQUEST_ID)
                        .withTimeEpoch(now.toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod("POST")
                                .withPath("/v1/credentials")
                                .withSourceIp("192.0.2.1")
                                .withUserAgent(SLUG)
                                .build())
                        .build())
                .build();
        HttpRequest request = ApiGateway.request(event, clock);
        Json.readTree(request.body());

        String roleArn = binding != null ? binding.binding().roleArn() : "arn:aws:iam::000000000000:role/" + SLUG;
        List<HttpResponse> responses = new ArrayList<>();
        responses.add(VendResponses.toHttp(new VendResult.Issued(
                REQUEST_ID,
                new IssuedCredentials(
                        "KITEVENDPRIMING00000",
                        SLUG,
                        SLUG,
                        now.plusSeconds(900),
                        "arn:aws:sts::000000000000:assumed-role/" + SLUG + "/" + SLUG,
                        false),
                SLUG,
                roleArn)));
        responses.add(VendResponses.toHttp(new VendResult.Refused(
                REQUEST_ID, Problem.of(ProblemType.TOKEN_NOT_ACCEPTED, "The token was not accepted."))));
        responses.add(VendResponses.toHttp(new VendResult.Refused(
                REQUEST_ID,
                new Problem(
                        ProblemType.AMBIGUOUS_BINDING,
                        "Several bindings allow this job.",
                        Map.of("bindings", List.of(SLUG, SLUG + "-2")),
                        null))));
        for (HttpResponse response : responses) {
            Json.readTree(response.body());
            ApiGateway.response(response);
        }

        AuditRecord record = new AuditRecord(REQUEST_ID, now, AuditRecord.KIND_VEND);
        record.sourceIp(request.sourceIp());
        record.userAgent(request.userAgent());
        record.claims(claims);
        record.binding(SLUG);
        record.roleArn(roleArn);
        record.outcome(Decision.ALLOW, "issued", null, 200);
        new AuditLog(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
                .write(record, "primed");
    }

    // ------------------------------------------------------------------ AWS, read only

    private void primeDynamo() throws Exception {
        // GetItem of a key no binding can have (the organization is not a slug).
        assembly.dynamo()
                .getItem(GetItemRequest.builder()
                        .tableName(assembly.config().bindingsTable())
                        .key(Map.of(
                                DynamoBindingStore.ORGANIZATION,
                                AttributeValue.fromS(ORGANIZATION),
                                DynamoBindingStore.NAME,
                                AttributeValue.fromS(PIPELINE)))
                        .build());
        // The real lookup path: two queries on the by-pipeline index, cached, then forgotten
        // (so that the next round reads again).
        assembly.bindings().candidates(ORGANIZATION, PIPELINE);
        assembly.bindings().invalidate();
        // The shapes of the replay and audit writes, built and never sent.
        PutItemRequest.builder()
                .tableName(assembly.config().replayTable())
                .item(Map.of(
                        "jti",
                        AttributeValue.fromS(REQUEST_ID),
                        "request_id",
                        AttributeValue.fromS(REQUEST_ID),
                        "use_id",
                        AttributeValue.fromS(REQUEST_ID),
                        "expires_at",
                        AttributeValue.fromN("0")))
                .conditionExpression("attribute_not_exists(#key)")
                .expressionAttributeNames(Map.of("#key", "jti"))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
        PutItemResponse.builder().build();
        ConditionalCheckFailedException.builder().message(SLUG).build();
    }

    /**
     * STS: one {@code GetCallerIdentity}, the only call; the AssumeRole request of the priming
     * job is built and its answer read from a model object, neither sent nor received.
     */
    private void primeSts(BuildkiteClaims claims, CompiledBinding binding) throws Exception {
        assembly.sts().getCallerIdentity();
        if (binding == null) {
            return;
        }
        SessionRequest session = SessionRequests.forJob(binding.binding(), claims, null);
        StsCredentialIssuer.assumeRoleRequest(session);
        Instant expiration = DateUtils.parseIso8601Date(
                DateUtils.formatIso8601Date(clock.instant().plusSeconds(900)));
        StsCredentialIssuer.credentials(AssumeRoleResponse.builder()
                .credentials(Credentials.builder()
                        .accessKeyId("KITEVENDPRIMING00000")
                        .secretAccessKey(SLUG)
                        .sessionToken(SLUG)
                        .expiration(expiration)
                        .build())
                .assumedRoleUser(AssumedRoleUser.builder()
                        .assumedRoleId(SLUG)
                        .arn("arn:aws:sts::000000000000:assumed-role/" + SLUG + "/" + session.sessionName())
                        .build())
                .build());
    }

    // ------------------------------------------------------------------ helpers

    private void logLine(String level, String message, Map<String, Object> fields) {
        try {
            LogLine.print(log, level, message, fields);
        } catch (RuntimeException e) {
            // A log line is not worth failing a checkpoint or a restore.
        }
    }

    private static String cut(String s) {
        String oneLine = s.replaceAll("\\p{Cntrl}", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
