package io.kitevend.binding;

import io.kitevend.text.Text;
import io.kitevend.token.BuildkiteClaims;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Deny by default: picks the one binding that lets this job assume a role, if there is one. */
public final class BindingMatcher {
    private BindingMatcher() {}

    public static BindingDecision decide(
            List<CompiledBinding> candidates, BuildkiteClaims claims, String requestedName) {
        String unsafe = claimWithControlCharacters(claims);
        if (unsafe != null) {
            return new BindingDecision.NoMatch(
                    "claim_control_characters", "claim " + unsafe + " contains control characters", List.of());
        }
        List<CompiledBinding> matched = new ArrayList<>();
        for (CompiledBinding candidate : candidates) {
            if (candidate.matches(claims)) {
                matched.add(candidate);
            }
        }
        if (requestedName != null) {
            for (CompiledBinding b : matched) {
                if (b.name().equals(requestedName)) {
                    return new BindingDecision.Selected(b);
                }
            }
            return new BindingDecision.NoMatch(
                    "requested_binding_not_matched",
                    "binding '" + requestedName + "' does not exist for this pipeline or does not match this job",
                    missingClaims(
                            candidates.stream()
                                    .filter(c -> c.name().equals(requestedName))
                                    .toList(),
                            claims));
        }
        if (matched.isEmpty()) {
            return new BindingDecision.NoMatch(
                    "no_matching_binding", whyNone(candidates, claims), missingClaims(candidates, claims));
        }
        if (matched.size() > 1) {
            return new BindingDecision.Ambiguous(
                    matched.stream().map(CompiledBinding::name).sorted().toList());
        }
        return new BindingDecision.Selected(matched.get(0));
    }

    /** The requestable claims that alone keep any of these bindings from matching, sorted. */
    private static List<String> missingClaims(List<CompiledBinding> bindings, BuildkiteClaims claims) {
        Set<String> missing = new TreeSet<>();
        for (CompiledBinding b : bindings) {
            missing.addAll(b.missingRequestableClaims(claims));
        }
        return List.copyOf(missing);
    }

    /** For the audit record: why each candidate (the first few) did not match. */
    private static String whyNone(List<CompiledBinding> candidates, BuildkiteClaims claims) {
        if (candidates.isEmpty()) {
            return "no bindings for this pipeline";
        }
        StringBuilder sb = new StringBuilder("no binding matched:");
        int shown = 0;
        for (CompiledBinding c : candidates) {
            if (shown++ == 5) {
                sb.append(" and ").append(candidates.size() - 5).append(" more");
                break;
            }
            sb.append(shown > 1 ? "; " : " ")
                    .append(c.name())
                    .append(" (")
                    .append(c.mismatch(claims))
                    .append(')');
        }
        return sb.toString();
    }

    /** Returns the name of a claim whose value has control characters, or null. */
    static String claimWithControlCharacters(BuildkiteClaims claims) {
        String[][] fields = {
            {"organization_slug", claims.organizationSlug()}, {"pipeline_slug", claims.pipelineSlug()},
            {"build_branch", claims.buildBranch()}, {"build_tag", claims.buildTag()},
            {"build_commit", claims.buildCommit()}, {"step_key", claims.stepKey()},
            {"job_id", claims.jobId()}, {"agent_id", claims.agentId()},
            {"build_source", claims.buildSource()}, {"runner_environment", claims.runnerEnvironment()},
            {"sub", claims.subject()}
        };
        for (String[] f : fields) {
            if (Text.hasControls(f[1])) {
                return f[0];
            }
        }
        for (var e : claims.optional().entrySet()) {
            if (Text.hasControls(e.getKey()) || Text.hasControls(e.getValue())) {
                return e.getKey();
            }
        }
        return null;
    }
}
