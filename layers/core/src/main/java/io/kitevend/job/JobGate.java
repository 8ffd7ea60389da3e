package io.kitevend.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.Decision;
import io.kitevend.binding.BindingDecision;
import io.kitevend.binding.BindingMatcher;
import io.kitevend.binding.CachedBindings;
import io.kitevend.binding.CompiledBinding;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import io.kitevend.json.Json;
import io.kitevend.replay.ReplayGuard;
import io.kitevend.text.Identifiers;
import io.kitevend.text.Text;
import io.kitevend.token.BuildkiteClaims;
import io.kitevend.token.SigningKeysUnavailableException;
import io.kitevend.token.TokenPolicy;
import io.kitevend.token.TokenRejectedException;
import io.kitevend.token.TokenRejection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every job request goes through before anything is handed out, credentials or secrets:
 * the request's shape, the token, the replay check, and the one binding that allows the job
 * (the last two side by side, refused in that order).
 * Each step records what it learned in the request's audit record and refuses with a
 * {@link Refusal} that carries the audit reason and the caller's problem.
 */
public final class JobGate {
    public static final int MAX_BODY_BYTES = 16 * 1024;
    private static final String GENERIC_401 = "The token was not accepted. An administrator can find the reason "
            + "in the audit record of this request id.";

    private final TokenCheck verifier;
    private final ReplayGuard replay;
    private final CachedBindings bindings;

    /** The token step, as a function, so the gate does not depend on how keys are found. */
    @FunctionalInterface
    public interface TokenCheck {
        BuildkiteClaims verify(String token) throws TokenRejectedException, SigningKeysUnavailableException;
    }

    public JobGate(TokenCheck verifier, ReplayGuard replay, CachedBindings bindings) {
        this.verifier = verifier;
        this.replay = replay;
        this.bindings = bindings;
    }

    /** A refusal raised by any step; carries what the audit record and the caller get. */
    public static final class Refusal extends Exception {
        private final Decision decision;
        private final String reason;
        private final transient Problem problem;

        public Refusal(Decision decision, String reason, String auditDetail, Problem problem) {
            super(auditDetail, null, false, false);
            this.decision = decision;
            this.reason = reason;
            this.problem = problem;
        }

        public Decision decision() {
            return decision;
        }

        public String reason() {
            return reason;
        }

        public Problem problem() {
            return problem;
        }
    }

    /** A job that passed the gate: its claims, its binding, and the duration it asked for (or null). */
    public record Admitted(BuildkiteClaims claims, CompiledBinding binding, Integer durationSeconds) {}

    /** The parts of a well-formed request. */
    private record Ask(String token, String binding, Integer durationSeconds) {}

    /**
     * Runs the checks in order; the record gets the token's hash, its claims and the binding.
     *
     * @param acceptsDuration whether the body may carry {@code duration_seconds}
     */
    public Admitted admit(HttpRequest request, AuditRecord record, boolean acceptsDuration) throws Refusal {
        Ask ask = checkShape(request, acceptsDuration);
        record.tokenSha256(Text.sha256Hex(ask.token()));
        BuildkiteClaims claims = verify(ask.token());
        record.claims(claims);
        // The replay write and the bindings lookup need nothing but the claims, so a cold cache is
        // read while the write is in flight. Closing the lookup waits for its reads: nothing of this
        // request runs on after it is answered, when Lambda may freeze the environment.
        CompiledBinding binding;
        try (CachedBindings.Lookup candidates = bindings.lookup(claims.organizationSlug(), claims.pipelineSlug())) {
            refuseReplay(claims, request.requestId());
            binding = selectBinding(claims, candidates, ask.binding());
        }
        record.binding(binding.name());
        return new Admitted(claims, binding, ask.durationSeconds());
    }

    private static Ask checkShape(HttpRequest request, boolean acceptsDuration) throws Refusal {
        if (!"POST".equals(request.method())) {
            throw deny("method_not_allowed", request.method(), Problem.of(ProblemType.METHOD_NOT_ALLOWED, "Use POST."));
        }
        if (request.header(HttpRequest.UNDECODABLE_BODY) != null) {
            throw malformed("body is not valid base64");
        }
        String body = request.body();
        if (body != null && body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw deny(
                    "payload_too_large",
                    "body over " + MAX_BODY_BYTES + " bytes",
                    Problem.of(
                            ProblemType.PAYLOAD_TOO_LARGE, "The body must be at most " + MAX_BODY_BYTES + " bytes."));
        }
        String authorization = request.header("authorization");
        if (authorization != null && authorization.length() > TokenPolicy.MAX_TOKEN_BYTES + 64) {
            throw tokenRefused(
                    TokenRejection.TOKEN_TOO_LARGE, "authorization header is " + authorization.length() + " bytes");
        }
        String binding = null;
        Integer duration = null;
        if (body != null && !body.isBlank()) {
            String contentType = request.header("content-type");
            if (contentType == null
                    || !contentType.toLowerCase(Locale.ROOT).strip().matches("application/json\\s*(;.*)?")) {
                throw deny(
                        "unsupported_media_type",
                        "content type " + printable(contentType),
                        Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json."));
            }
            JsonNode json;
            try {
                json = Json.readTree(body);
            } catch (JsonProcessingException e) {
                throw malformed("the body " + Text.printableAscii(Json.problem(e, "JSON"), 200));
            }
            if (json == null || !json.isObject()) {
                throw malformed("body must be a JSON object");
            }
            for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!name.equals("binding") && !(acceptsDuration && name.equals("duration_seconds"))) {
                    throw malformed("the body has an unknown field; accepted fields: binding"
                            + (acceptsDuration ? ", duration_seconds" : ""));
                }
            }
            JsonNode b = json.get("binding");
            if (b != null && !b.isNull()) {
                if (!b.isTextual() || !Identifiers.BINDING_NAME.matches(b.asText())) {
                    throw malformed("'binding' must be a binding name (" + Identifiers.BINDING_NAME.pattern() + ")");
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

    private BuildkiteClaims verify(String token) throws Refusal {
        try {
            return verifier.verify(token);
        } catch (TokenRejectedException e) {
            throw tokenRefused(e.reason(), e.getMessage());
        } catch (SigningKeysUnavailableException e) {
            throw unavailable("jwks_unavailable", e.getMessage(), Duration.ofSeconds(5));
        }
    }

    private void refuseReplay(BuildkiteClaims claims, String requestId) throws Refusal {
        boolean first;
        try {
            first = replay.firstUse(claims.jti(), claims.expiresAt(), requestId);
        } catch (DependencyUnavailableException e) {
            throw unavailable(e);
        }
        if (!first) {
            throw tokenRefused(TokenRejection.REPLAYED, "jti " + claims.jti() + " was already used");
        }
    }

    private CompiledBinding selectBinding(BuildkiteClaims claims, CachedBindings.Lookup lookup, String requested)
            throws Refusal {
        List<CompiledBinding> candidates;
        try {
            candidates = lookup.candidates();
        } catch (DependencyUnavailableException e) {
            throw unavailable(e);
        }
        return switch (BindingMatcher.decide(candidates, claims, requested)) {
            case BindingDecision.Selected s -> s.binding();
            case BindingDecision.NoMatch n -> throw deny(n.reason(), n.detail(), noMatchingBinding(requested, n));
            case BindingDecision.Ambiguous a ->
                throw deny(
                        "ambiguous_binding",
                        "matched " + a.names(),
                        new Problem(
                                ProblemType.AMBIGUOUS_BINDING,
                                "Several bindings allow this job; name one in the request body as {\"binding\": \"NAME\"}.",
                                Map.of("bindings", a.names()),
                                null));
        };
    }

    /**
     * The 403 for a job no binding allows. When claims the job did not ask for are all that keeps a
     * binding from matching, it names them (and only them) and says how to ask for them.
     */
    private static Problem noMatchingBinding(String requested, BindingDecision.NoMatch n) {
        String refusal = requested == null
                ? "No binding of this pipeline allows this job."
                : "The binding '" + requested + "' does not allow this job.";
        if (n.missingClaims().isEmpty()) {
            return Problem.of(ProblemType.NO_MATCHING_BINDING, refusal);
        }
        String flags = "--claim " + String.join(" --claim ", n.missingClaims());
        return new Problem(
                ProblemType.NO_MATCHING_BINDING,
                refusal + " The job's token does not carry " + String.join(", ", n.missingClaims())
                        + ", which a binding tests. Request "
                        + (n.missingClaims().size() == 1 ? "it" : "them")
                        + " with 'buildkite-agent oidc request-token " + flags
                        + "' (the kitevend plugin's 'claims' property).",
                Map.of("missing_claims", n.missingClaims()),
                null);
    }

    public static Refusal deny(String reason, String detail, Problem problem) {
        return new Refusal(Decision.DENY, reason, detail, problem);
    }

    public static Refusal malformed(String detail) {
        return deny("malformed_request", detail, Problem.of(ProblemType.MALFORMED_REQUEST, detail + "."));
    }

    public static Refusal tokenRefused(TokenRejection reason, String detail) {
        return deny(reason.code(), detail, Problem.of(ProblemType.TOKEN_NOT_ACCEPTED, GENERIC_401));
    }

    public static Refusal unavailable(DependencyUnavailableException e) {
        return unavailable(
                e.dependency().replace('-', '_').replace(':', '_') + "_unavailable", e.getMessage(), e.retryAfter());
    }

    public static Refusal unavailable(String reason, String detail, Duration retryAfter) {
        return new Refusal(
                Decision.ERROR,
                reason,
                detail,
                Problem.unavailable(
                        "A service kitevend depends on is unavailable; nothing was handed out. Retry later.",
                        retryAfter));
    }

    private static String printable(String s) {
        return s == null ? "none" : Text.printableAscii(s, 64);
    }
}
