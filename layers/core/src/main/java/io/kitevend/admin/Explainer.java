package io.kitevend.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.DependencyUnavailableException;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.BindingDecision;
import io.kitevend.binding.BindingMatcher;
import io.kitevend.binding.BindingStore;
import io.kitevend.binding.CompiledBinding;
import io.kitevend.binding.Glob;
import io.kitevend.binding.InvalidBindingException;
import io.kitevend.http.ProblemType;
import io.kitevend.text.Text;
import io.kitevend.token.AssumedClaims;
import io.kitevend.token.BuildkiteClaims;
import io.kitevend.token.SigningKeysUnavailableException;
import io.kitevend.token.TokenRejectedException;
import io.kitevend.token.TokenRejection;
import io.kitevend.token.TokenVerifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Explains what the vend path would decide for a job, without calling STS: for each binding of
 * the job's pipeline, whether it matched or the first condition that failed, then the decision.
 * It reads the store directly (no cache, so it shows what is stored now) and decides with the
 * vend path's own {@link CompiledBinding#mismatch} and {@link BindingMatcher#decide}, so the two
 * agree by construction. A token is verified like the vend path's, but its jti is not consumed.
 */
public final class Explainer {
    public static final String ALLOW = "allow";
    public static final String DENY = "deny";
    public static final String AMBIGUOUS = "ambiguous";

    private final BindingStore store;
    private final BindingCompiler compiler;
    private final TokenVerifier verifier;
    private final Set<String> organizations;

    public Explainer(BindingStore store, BindingCompiler compiler, TokenVerifier verifier, Set<String> organizations) {
        this.store = store;
        this.compiler = compiler;
        this.verifier = verifier;
        this.organizations = Set.copyOf(organizations);
    }

    /** One binding of the pipeline: matched, or why not. */
    public record Candidate(String name, boolean matched, String reason) {}

    /**
     * The explanation. {@code decision} is {@code allow}, {@code deny} or {@code ambiguous};
     * {@code reason} the code the vend path's audit record would carry. {@code assumedClaims} are
     * the claims every real token carries that the job was described without, with the values
     * assumed ({@link AssumedClaims}); {@code missingClaims} the claims the job would have to
     * request ({@code --claim}) for a binding to match, when that is all that keeps one from
     * matching.
     */
    public record Explanation(
            String organization,
            String pipeline,
            List<Candidate> bindings,
            String decision,
            String selected,
            String reason,
            List<String> matched,
            Map<String, String> assumedClaims,
            List<String> missingClaims) {}

    /** Explains for a token, verified like the vend path's; a refused token is a 400 with the rejection code. */
    public Explanation explainToken(String token, String requested)
            throws AdminProblem, DependencyUnavailableException {
        BuildkiteClaims claims;
        try {
            claims = verifier.verify(token);
        } catch (TokenRejectedException e) {
            throw AdminProblem.of(
                    ProblemType.EXPLAIN_TOKEN_NOT_ACCEPTED,
                    "The vend path would refuse this token: " + e.reason().code() + " (" + e.getMessage() + ").",
                    Map.of("reason", e.reason().code()));
        } catch (SigningKeysUnavailableException e) {
            throw new DependencyUnavailableException("jwks", e.getMessage(), Duration.ofSeconds(5), e);
        }
        return explain(claims, requested, Map.of());
    }

    /**
     * Explains for claims as given (not a token): the same organization allowlist, the same pinned
     * organization ids, and the same matching. A claim every real token carries that is not given is
     * assumed ({@link AssumedClaims}), as the token of such a job would carry it, and named in the
     * answer.
     */
    public Explanation explainClaims(JsonNode claims, String requested)
            throws AdminProblem, DependencyUnavailableException {
        if (claims == null || !claims.isObject()) {
            throw AdminProblem.malformed("'claims' must be an object of Buildkite claims");
        }
        ObjectNode job = ((ObjectNode) claims).deepCopy();
        Map<String, String> assumed = new LinkedHashMap<>();
        AssumedClaims.VALUES.forEach((name, value) -> {
            if (!job.has(name)) {
                assumed.put(name, value);
                job.put(name, value);
            }
        });
        BuildkiteClaims typed = typed(job);
        String refusal = organizationRefusal(typed);
        Explanation e = explain(typed, requested, assumed);
        if (refusal == null) {
            return e;
        }
        return new Explanation(
                e.organization(),
                e.pipeline(),
                e.bindings(),
                DENY,
                null,
                refusal,
                e.matched(),
                e.assumedClaims(),
                List.of());
    }

    /** The reason the vend path would refuse the job's organization (allowlist, pinned id), or null. */
    private String organizationRefusal(BuildkiteClaims claims) {
        if (!organizations.contains(claims.organizationSlug())) {
            return TokenRejection.ORGANIZATION_NOT_ALLOWED.code();
        }
        String pinned = verifier.policy().organizationIds().get(claims.organizationSlug());
        String id = claims.value(Binding.ORGANIZATION_ID);
        if (pinned == null || pinned.equals(id)) {
            return null;
        }
        return id == null ? TokenRejection.CLAIM_MISSING.code() : TokenRejection.ORGANIZATION_NOT_ALLOWED.code();
    }

    private Explanation explain(BuildkiteClaims claims, String requested, Map<String, String> assumed)
            throws DependencyUnavailableException {
        List<Binding> stored = new ArrayList<>(store.exactPipeline(claims.organizationSlug(), claims.pipelineSlug()));
        stored.addAll(store.globPipelines(claims.organizationSlug()));
        stored.sort(Comparator.comparing(Binding::name));
        List<CompiledBinding> compiled = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        List<String> matched = new ArrayList<>();
        for (Binding b : stored) {
            if (b.hasGlobPipeline()
                    && (Glob.problem(b.pipeline()) != null
                            || !Glob.compile(b.pipeline()).matches(claims.pipelineSlug()))) {
                continue; // a glob of other pipelines: not one of this pipeline's bindings
            }
            CompiledBinding c;
            try {
                c = compiler.compile(b);
            } catch (InvalidBindingException e) {
                // The vend path skips a stored binding that no longer compiles; so does the decision here.
                candidates.add(new Candidate(
                        b.name(), false, "the stored binding is invalid and never used: " + e.getMessage()));
                continue;
            }
            compiled.add(c);
            String why = c.mismatch(claims);
            candidates.add(new Candidate(b.name(), why == null, why));
            if (why == null) {
                matched.add(b.name());
            }
        }
        BindingDecision decision = BindingMatcher.decide(compiled, claims, requested);
        return switch (decision) {
            case BindingDecision.Selected s ->
                new Explanation(
                        claims.organizationSlug(),
                        claims.pipelineSlug(),
                        candidates,
                        ALLOW,
                        s.binding().name(),
                        "binding_matched",
                        matched,
                        assumed,
                        List.of());
            case BindingDecision.NoMatch n ->
                new Explanation(
                        claims.organizationSlug(),
                        claims.pipelineSlug(),
                        candidates,
                        DENY,
                        null,
                        n.reason(),
                        matched,
                        assumed,
                        n.missingClaims());
            case BindingDecision.Ambiguous a ->
                new Explanation(
                        claims.organizationSlug(),
                        claims.pipelineSlug(),
                        candidates,
                        AMBIGUOUS,
                        null,
                        "ambiguous_binding",
                        matched,
                        assumed,
                        List.of());
        };
    }

    /** Claims written by an admin, typed as a verified token's would be. */
    static BuildkiteClaims typed(JsonNode claims) throws AdminProblem {
        if (claims == null || !claims.isObject()) {
            throw AdminProblem.malformed("'claims' must be an object of Buildkite claims");
        }
        Map<String, String> optional = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = claims.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (BuildkiteClaims.isRequestable(name) && !v.isNull()) {
                if (!v.isTextual()) {
                    // As in a token: a number or a boolean where a string is meant is refused.
                    throw AdminProblem.malformed("claim '" + Text.printableAscii(name, 64) + "' must be a string");
                }
                optional.put(name, v.asText());
            }
        }
        String org = string(claims, "organization_slug");
        String pipeline = string(claims, "pipeline_slug");
        if (org == null || pipeline == null) {
            throw AdminProblem.malformed("'claims' must have organization_slug and pipeline_slug");
        }
        long buildNumber = 0;
        JsonNode build = claims.get("build_number");
        if (build != null && !build.isNull()) {
            if (build.isIntegralNumber() && build.canConvertToLong() && build.asLong() >= 0) {
                buildNumber = build.asLong();
            } else if (build.isTextual() && build.asText().matches("\\d{1,18}")) {
                buildNumber = Long.parseLong(build.asText());
            } else {
                throw AdminProblem.malformed("claim 'build_number' must be a whole number");
            }
        }
        return new BuildkiteClaims(
                string(claims, "iss"),
                string(claims, "sub"),
                string(claims, "jti"),
                null,
                null,
                org,
                pipeline,
                buildNumber,
                string(claims, "build_branch"),
                string(claims, "build_tag"),
                string(claims, "build_commit"),
                string(claims, "step_key"),
                string(claims, "job_id"),
                string(claims, "agent_id"),
                string(claims, "build_source"),
                string(claims, "runner_environment"),
                optional);
    }

    private static String string(JsonNode claims, String name) throws AdminProblem {
        JsonNode v = claims.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw AdminProblem.malformed("claim '" + name + "' must be a string");
        }
        return v.asText();
    }
}
