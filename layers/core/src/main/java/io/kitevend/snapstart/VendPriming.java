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
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kitevend.audit.AuditLog;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.Decision;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.BindingDecision;
import io.kitevend.binding.BindingMatcher;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.CompiledBinding;
import io.kitevend.binding.DynamoBindingStore;
import io.kitevend.credentials.IssuedCredentials;
import io.kitevend.credentials.SessionRequest;
import io.kitevend.credentials.SessionRequests;
import io.kitevend.http.ApiGateway;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.HttpResponse;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import io.kitevend.json.Json;
import io.kitevend.token.BuildkiteClaims;
import io.kitevend.token.SigningKeys;
import io.kitevend.token.TokenPolicy;
import io.kitevend.token.TokenRejectedException;
import io.kitevend.token.TokenVerifier;
import io.kitevend.vend.VendAssembly;
import io.kitevend.vend.VendResponses;
import io.kitevend.vend.VendResult;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Resource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * The vend function's SnapStart hooks (design §9). {@link #beforeCheckpoint} runs the real code
 * of a vend, without its side effects, so that the snapshot holds loaded and compiled classes:
 * <ul>
 *   <li>token verification of a token signed with a throw-away key, through a {@link TokenVerifier}
 *       with the deployment's policy over in-memory keys ({@link SigningKeys#fromJwkSet}), once
 *       accepted and once refused;</li>
 *   <li>a synthetic binding compiled with the deployment's rules, matched, and turned into an STS
 *       session request; its DynamoDB item form;</li>
 *   <li>JSON: a problem and a credentials body written and read back, the API Gateway mapping, an
 *       audit record and its log line (to a discarded stream);</li>
 *   <li>read-only AWS calls through the function's own clients: a DynamoDB {@code GetItem} of a
 *       key that cannot exist on the bindings table, the bindings lookup of a pipeline that cannot
 *       exist ({@code Query} on {@code by-pipeline}), and STS {@code GetCallerIdentity}.</li>
 * </ul>
 * Never {@code AssumeRole}, never a write to any table. A failing step (no network, no
 * permission) is logged and skipped: priming never fails the checkpoint.
 *
 * <p>Nothing unique is kept for the snapshot: the throw-away key, its random source and the
 * token are dropped when priming ends; the identifiers used are fixed strings; the bindings cache
 * is emptied and the credentials provider forgotten, so that the snapshot holds no credentials.
 * {@link #afterRestore} forgets both again, so a restored environment resolves its own
 * credentials and reads bindings on its first request. The JDK's own random sources (behind
 * {@code UUID.randomUUID}, RSA blinding and TLS) are {@code NativePRNG} on Linux, which reads
 * {@code /dev/urandom} for every output, so they do not repeat across restored environments;
 * kitevend keeps no {@code SecureRandom} of its own in the vend function. Keep-alive connections
 * opened here are not reused after a restore: the JDK drops idle connections after 5 seconds.
 */
public final class VendPriming implements Resource {
    /** The organization of the priming lookups: never a valid slug, so never a stored binding's. */
    public static final String ORGANIZATION = "kitevend:priming";
    public static final String PIPELINE = "none";
    static final String SLUG = "kitevend-priming";
    static final String REQUEST_ID = "kitevend-priming";

    /** The steps, in order. */
    public static final List<String> STEPS = List.of("token", "bindings", "json", "dynamodb", "sts");

    private final VendAssembly assembly;
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
        this.assembly = assembly;
        this.forgetCredentials = forgetCredentials;
        this.clock = clock;
        this.log = log;
    }

    /** What priming did: each step's outcome, {@code "ok"} or why it failed. */
    public record Report(Map<String, String> steps, long millis) {
        public Report {
            steps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(steps));
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
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", failure == null ? "INFO" : "WARN");
        line.put("message", failure == null
                ? "snapstart restore: credentials and bindings cache dropped"
                : "snapstart restore: could not drop everything; " + failure);
        line.put("hook", "afterRestore");
        logLine(line);
    }

    /** The last priming's report, or null before the first. */
    public Report lastReport() {
        return lastReport;
    }

    /** Runs every step, then forgets what the steps cached. Never throws. */
    public Report prime() {
        long started = System.nanoTime();
        Map<String, String> steps = new LinkedHashMap<>();
        try {
            BuildkiteClaims[] claims = new BuildkiteClaims[1];
            step(steps, "token", () -> claims[0] = primeTokens());
            BuildkiteClaims job = claims[0] != null ? claims[0] : syntheticClaims();
            CompiledBinding[] binding = new CompiledBinding[1];
            step(steps, "bindings", () -> binding[0] = primeBindings(job));
            step(steps, "json", () -> primeJson(job, binding[0]));
            step(steps, "dynamodb", this::primeDynamo);
            step(steps, "sts", () -> assembly.sts().getCallerIdentity());
        } finally {
            String forgotten = forget();
            if (forgotten != null) {
                steps.put("forget", forgotten);
            }
        }
        Report report = new Report(steps, (System.nanoTime() - started) / 1_000_000);
        lastReport = report;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", report.allOk() ? "INFO" : "WARN");
        line.put("message", report.allOk() ? "snapstart priming done" : "snapstart priming done; some steps failed and were skipped");
        line.put("hook", "beforeCheckpoint");
        line.put("steps", report.steps());
        line.put("millis", report.millis());
        logLine(line);
        return report;
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

    private static void step(Map<String, String> steps, String name, Step step) {
        try {
            step.run();
            steps.put(name, "ok");
        } catch (Exception | LinkageError e) {
            steps.put(name, "failed: " + e.getClass().getSimpleName() + ": " + cut(String.valueOf(e.getMessage())));
        }
    }

    // ------------------------------------------------------------------ token

    private BuildkiteClaims primeTokens() throws Exception {
        TokenPolicy policy = assembly.config().token();
        BuildkiteClaims accepted = null;
        for (JWSAlgorithm alg : policy.algorithms().stream().sorted(java.util.Comparator.comparing(JWSAlgorithm::getName)).toList()) {
            // A random source of its own, dropped with the key when this method returns.
            SecureRandom random = new SecureRandom();
            JWK key = JWSAlgorithm.Family.EC.contains(alg)
                    ? new ECKeyGenerator(Curve.P_256).keyID(SLUG + "-" + alg.getName().toLowerCase(java.util.Locale.ROOT))
                            .keyUse(KeyUse.SIGNATURE).algorithm(alg).secureRandom(random).generate()
                    : new RSAKeyGenerator(RSAKeyGenerator.MIN_KEY_SIZE_BITS).keyID(SLUG + "-" + alg.getName().toLowerCase(java.util.Locale.ROOT))
                            .keyUse(KeyUse.SIGNATURE).algorithm(alg).secureRandom(random).generate();
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
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String organization(TokenPolicy policy) {
        return policy.organizations().stream().sorted().findFirst().orElse(SLUG);
    }

    private BuildkiteClaims syntheticClaims() {
        TokenPolicy policy = assembly.config().token();
        Instant now = clock.instant();
        return new BuildkiteClaims(policy.issuer(), SLUG, REQUEST_ID, now, now.plusSeconds(60),
                organization(policy), SLUG, 1, "main", null, null, SLUG,
                "00000000-0000-0000-0000-000000000000", null, "api", "self-hosted", Map.of("agent_tag:queue", "default"));
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
                                .withMethod("POST").withPath("/v1/credentials")
                                .withSourceIp("192.0.2.1").withUserAgent(SLUG).build())
                        .build())
                .build();
        HttpRequest request = ApiGateway.request(event, clock);
        Json.readTree(request.body());

        String roleArn = binding != null ? binding.binding().roleArn() : "arn:aws:iam::000000000000:role/" + SLUG;
        List<HttpResponse> responses = new ArrayList<>();
        responses.add(VendResponses.toHttp(new VendResult.Issued(REQUEST_ID,
                new IssuedCredentials("KITEVENDPRIMING00000", SLUG, SLUG, now.plusSeconds(900),
                        "arn:aws:sts::000000000000:assumed-role/" + SLUG + "/" + SLUG, false),
                SLUG, roleArn)));
        responses.add(VendResponses.toHttp(new VendResult.Refused(REQUEST_ID,
                Problem.of(ProblemType.TOKEN_NOT_ACCEPTED, "The token was not accepted."))));
        responses.add(VendResponses.toHttp(new VendResult.Refused(REQUEST_ID,
                new Problem(ProblemType.AMBIGUOUS_BINDING, "Several bindings allow this job.",
                        Map.of("bindings", List.of(SLUG, SLUG + "-2")), null))));
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
        new AuditLog(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8)).write(record, "primed");
    }

    // ------------------------------------------------------------------ AWS, read only

    private void primeDynamo() throws Exception {
        // GetItem of a key no binding can have (the organization is not a slug).
        assembly.dynamo().getItem(GetItemRequest.builder()
                .tableName(assembly.config().bindingsTable())
                .key(Map.of(DynamoBindingStore.ORGANIZATION, AttributeValue.fromS(ORGANIZATION),
                        DynamoBindingStore.NAME, AttributeValue.fromS(PIPELINE)))
                .build());
        // The real lookup path: two queries on the by-pipeline index, cached, then forgotten.
        assembly.bindings().candidates(ORGANIZATION, PIPELINE);
    }

    // ------------------------------------------------------------------ helpers

    private void logLine(Map<String, Object> line) {
        try {
            String json = Json.write(line);
            synchronized (log) {
                log.println(json);
            }
        } catch (RuntimeException e) {
            // A log line is not worth failing a checkpoint or a restore.
        }
    }

    private static String cut(String s) {
        String oneLine = s.replaceAll("\\p{Cntrl}", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
