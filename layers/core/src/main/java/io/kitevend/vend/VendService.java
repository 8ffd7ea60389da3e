package io.kitevend.vend;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.AuditTrail;
import io.kitevend.audit.Decision;
import io.kitevend.binding.BindingDecision;
import io.kitevend.binding.BindingMatcher;
import io.kitevend.binding.CachedBindings;
import io.kitevend.binding.CompiledBinding;
import io.kitevend.credentials.CredentialIssuer;
import io.kitevend.credentials.IssuedCredentials;
import io.kitevend.credentials.RoleRefusedException;
import io.kitevend.credentials.SessionRequest;
import io.kitevend.credentials.SessionRequests;
import io.kitevend.http.ApiGateway;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import io.kitevend.json.Json;
import io.kitevend.replay.ReplayGuard;
import io.kitevend.token.BuildkiteClaims;
import io.kitevend.token.SigningKeysUnavailableException;
import io.kitevend.token.TokenPolicy;
import io.kitevend.token.TokenRejectedException;
import io.kitevend.token.TokenRejection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The vend use case, as a chain of small steps: check the request's shape, verify the token,
 * refuse a replay, pick the binding, assume the role. Whatever happens, one audit record is
 * written at the end; if it cannot be stored, credentials are withheld (fail closed).
 */
public final class VendService {
    public static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Pattern BINDING_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final String GENERIC_401 = "The token was not accepted. An administrator can find the reason "
            + "in the audit record of this request id.";

    private final TokenVerifier verifier;
    private final ReplayGuard replay;
    private final CachedBindings bindings;
    private final CredentialIssuer issuer;
    private final AuditTrail audit;
    private final Clock clock;

    public VendService(io.kitevend.token.TokenVerifier verifier, ReplayGuard replay, CachedBindings bindings,
                       CredentialIssuer issuer, AuditTrail audit, Clock clock) {
        this.verifier = verifier::verify;
        this.replay = replay;
        this.bindings = bindings;
        this.issuer = issuer;
        this.audit = audit;
        this.clock = clock;
    }

    /** The token step, as a function, so the service does not depend on how keys are found. */
    @FunctionalInterface
    private interface TokenVerifier {
        BuildkiteClaims verify(String token) throws TokenRejectedException, SigningKeysUnavailableException;
    }

    /** A refusal raised by any step; carries what the audit record and the caller get. */
    private static final class Stop extends Exception {
        final Decision decision;
        final String reason;
        final Problem problem;

        Stop(Decision decision, String reason, String auditDetail, Problem problem) {
            super(auditDetail, null, false, false);
            this.decision = decision;
            this.reason = reason;
            this.problem = problem;
        }
    }

    /** The parts of a well-formed request. */
    private record Ask(String token, String binding, Integer durationSeconds) {}

    public VendResult vend(HttpRequest request) {
        long started = System.nanoTime();
        AuditRecord record = new AuditRecord(request.requestId(), clock.instant(), AuditRecord.KIND_VEND);
        record.sourceIp(request.sourceIp());
        record.userAgent(request.userAgent());
        VendResult result;
        try {
            IssuedVend issued = run(request, record);
            record.outcome(Decision.ALLOW, "issued", null, 200);
            result = new VendResult.Issued(request.requestId(), issued.credentials(), issued.binding(), issued.roleArn());
        } catch (Stop stop) {
            record.outcome(stop.decision, stop.reason, stop.getMessage(), stop.problem.type().status());
            result = new VendResult.Refused(request.requestId(), stop.problem);
        } catch (RuntimeException e) {
            record.outcome(Decision.ERROR, "internal_error", e.getClass().getName(), 500);
            result = new VendResult.Refused(request.requestId(),
                    Problem.of(ProblemType.INTERNAL_ERROR, "Unexpected error; no credentials were issued."));
        }
        record.latencyMillis((System.nanoTime() - started) / 1_000_000);
        try {
            audit.write(record, unstored -> {
                if (unstored.decision() == Decision.ALLOW) {
                    unstored.outcome(Decision.ERROR, "audit_write_failed",
                            "credentials were issued by STS but withheld because the audit record could not be stored", 503);
                }
            });
        } catch (DependencyUnavailableException e) {
            if (result instanceof VendResult.Issued) {
                return new VendResult.Refused(request.requestId(), new Problem(ProblemType.DEPENDENCY_UNAVAILABLE,
                        "The audit trail is unavailable, so no credentials were issued. Retry later.",
                        Map.of(), e.retryAfter().toSeconds()));
            }
        }
        return result;
    }

    private record IssuedVend(IssuedCredentials credentials, String binding, String roleArn) {}

    private IssuedVend run(HttpRequest request, AuditRecord record) throws Stop {
        Ask ask = checkShape(request);
        record.tokenSha256(sha256(ask.token()));
        BuildkiteClaims claims = verify(ask.token());
        record.claims(claims);
        refuseReplay(claims);
        CompiledBinding binding = selectBinding(claims, ask.binding());
        record.binding(binding.name());
        record.roleArn(binding.binding().roleArn());
        SessionRequest session = SessionRequests.forJob(binding.binding(), claims, ask.durationSeconds());
        record.sessionName(session.sessionName());
        record.sourceIdentity(session.sourceIdentity());
        record.durationSeconds(session.durationSeconds());
        IssuedCredentials credentials = assume(session);
        record.accessKeyId(credentials.accessKeyId());
        record.expiration(credentials.expiration());
        return new IssuedVend(credentials, binding.name(), session.roleArn());
    }

    private static Ask checkShape(HttpRequest request) throws Stop {
        if (!"POST".equals(request.method())) {
            throw deny("method_not_allowed", request.method(), Problem.of(ProblemType.METHOD_NOT_ALLOWED, "Use POST."));
        }
        if (request.header(ApiGateway.UNDECODABLE_BODY) != null) {
            throw malformed("body is not valid base64");
        }
        String body = request.body();
        if (body != null && body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw deny("payload_too_large", "body over " + MAX_BODY_BYTES + " bytes",
                    Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "The body must be at most " + MAX_BODY_BYTES + " bytes."));
        }
        String authorization = request.header("authorization");
        if (authorization != null && authorization.length() > TokenPolicy.MAX_TOKEN_BYTES + 64) {
            throw tokenRefused(TokenRejection.TOKEN_TOO_LARGE, "authorization header is " + authorization.length() + " bytes");
        }
        String binding = null;
        Integer duration = null;
        if (body != null && !body.isBlank()) {
            String contentType = request.header("content-type");
            if (contentType == null || !contentType.toLowerCase(Locale.ROOT).strip().matches("application/json\\s*(;.*)?")) {
                throw deny("unsupported_media_type", "content type " + printable(contentType),
                        Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json."));
            }
            JsonNode json;
            try {
                json = Json.readTree(body);
            } catch (Exception e) {
                throw malformed("body is not valid JSON");
            }
            if (json == null || !json.isObject()) {
                throw malformed("body must be a JSON object");
            }
            for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("binding") && !name.equals("duration_seconds")) {
                    throw malformed("the body has an unknown field; accepted fields: binding, duration_seconds");
                }
            }
            JsonNode b = json.get("binding");
            if (b != null && !b.isNull()) {
                if (!b.isTextual() || !BINDING_NAME.matcher(b.asText()).matches()) {
                    throw malformed("'binding' must be a binding name ([a-z0-9][a-z0-9-]{0,62})");
                }
                binding = b.asText();
            }
            JsonNode d = json.get("duration_seconds");
            if (d != null && !d.isNull()) {
                if (!d.canConvertToInt() || !d.isIntegralNumber() || d.asInt() < 900 || d.asInt() > 43_200) {
                    throw malformed("'duration_seconds' must be a whole number from 900 to 43200");
                }
                duration = d.asInt();
            }
        }
        if (authorization == null || authorization.isBlank()) {
            throw tokenRefused(TokenRejection.TOKEN_MISSING, "no Authorization header");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw tokenRefused(TokenRejection.TOKEN_MALFORMED, "Authorization is not a Bearer token");
        }
        String token = authorization.substring(7).strip();
        if (token.length() > TokenPolicy.MAX_TOKEN_BYTES) {
            throw tokenRefused(TokenRejection.TOKEN_TOO_LARGE, "token is " + token.length() + " bytes");
        }
        return new Ask(token, binding, duration);
    }

    private BuildkiteClaims verify(String token) throws Stop {
        try {
            return verifier.verify(token);
        } catch (TokenRejectedException e) {
            throw tokenRefused(e.reason(), e.getMessage());
        } catch (SigningKeysUnavailableException e) {
            throw unavailable("jwks_unavailable", e.getMessage(), 5);
        }
    }

    private void refuseReplay(BuildkiteClaims claims) throws Stop {
        boolean first;
        try {
            first = replay.firstUse(claims.jti(), claims.expiresAt());
        } catch (DependencyUnavailableException e) {
            throw unavailable(e);
        }
        if (!first) {
            throw tokenRefused(TokenRejection.REPLAYED, "jti " + claims.jti() + " was already used");
        }
    }

    private CompiledBinding selectBinding(BuildkiteClaims claims, String requested) throws Stop {
        List<CompiledBinding> candidates;
        try {
            candidates = bindings.candidates(claims.organizationSlug(), claims.pipelineSlug());
        } catch (DependencyUnavailableException e) {
            throw unavailable(e);
        }
        return switch (BindingMatcher.decide(candidates, claims, requested)) {
            case BindingDecision.Selected s -> s.binding();
            case BindingDecision.NoMatch n -> throw deny(n.reason(), n.detail(), Problem.of(ProblemType.NO_MATCHING_BINDING,
                    requested == null
                            ? "No binding of this pipeline allows this job."
                            : "The binding '" + requested + "' does not allow this job."));
            case BindingDecision.Ambiguous a -> throw deny("ambiguous_binding", "matched " + a.names(),
                    new Problem(ProblemType.AMBIGUOUS_BINDING,
                            "Several bindings allow this job; name one in the request body as {\"binding\": \"NAME\"}.",
                            Map.of("bindings", a.names()), null));
        };
    }

    private IssuedCredentials assume(SessionRequest session) throws Stop {
        try {
            return issuer.issue(session);
        } catch (RoleRefusedException e) {
            ProblemType type = RoleRefusedException.TRUST_DENIED.equals(e.reason())
                    ? ProblemType.ROLE_TRUST_DENIED : ProblemType.ROLE_REFUSED;
            throw deny(e.reason(), e.getMessage(), Problem.of(type,
                    "AWS refused to let kitevend assume the binding's role. An administrator must check the role's trust policy."));
        } catch (DependencyUnavailableException e) {
            throw unavailable(e);
        }
    }

    private static Stop deny(String reason, String detail, Problem problem) {
        return new Stop(Decision.DENY, reason, detail, problem);
    }

    private static Stop malformed(String detail) {
        return deny("malformed_request", detail, Problem.of(ProblemType.MALFORMED_REQUEST, detail + "."));
    }

    private static Stop tokenRefused(TokenRejection reason, String detail) {
        return deny(reason.code(), detail, Problem.of(ProblemType.TOKEN_NOT_ACCEPTED, GENERIC_401));
    }

    private static Stop unavailable(DependencyUnavailableException e) {
        return unavailable(e.dependency().replace('-', '_').replace(':', '_') + "_unavailable", e.getMessage(),
                e.retryAfter().toSeconds());
    }

    private static Stop unavailable(String reason, String detail, long retryAfterSeconds) {
        return new Stop(Decision.ERROR, reason, detail, new Problem(ProblemType.DEPENDENCY_UNAVAILABLE,
                "A service kitevend depends on is unavailable; no credentials were issued. Retry later.",
                Map.of(), Math.max(1, retryAfterSeconds)));
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "none";
        }
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
