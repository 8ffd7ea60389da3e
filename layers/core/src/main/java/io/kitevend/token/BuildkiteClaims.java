package io.kitevend.token;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The claims of a verified Buildkite job token. Required claims are fields; the claims a job only
 * gets when it asks for them ({@code --claim}) sit in {@link #optional()} under their claim names.
 */
public record BuildkiteClaims(
        String issuer,
        String subject,
        String jti,
        Instant issuedAt,
        Instant expiresAt,
        String organizationSlug,
        String pipelineSlug,
        long buildNumber,
        String buildBranch,
        String buildTag,
        String buildCommit,
        String stepKey,
        String jobId,
        String agentId,
        String buildSource,
        String runnerEnvironment,
        Map<String, String> optional) {

    /** Claims a job may request with {@code --claim}, besides {@code agent_tag:NAME}. */
    public static final Set<String> OPTIONAL_CLAIMS =
            Set.of("organization_id", "pipeline_id", "build_id", "cluster_id", "cluster_name", "queue_id", "queue_key");

    public static final String AGENT_TAG_PREFIX = "agent_tag:";

    public BuildkiteClaims {
        Objects.requireNonNull(organizationSlug, "organizationSlug");
        Objects.requireNonNull(pipelineSlug, "pipelineSlug");
        optional = optional == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(optional));
    }

    /** The value of a claim by its Buildkite name, as a string; null when absent or null. */
    public String value(String claim) {
        return switch (claim) {
            case "iss" -> issuer;
            case "sub" -> subject;
            case "jti" -> jti;
            case "organization_slug" -> organizationSlug;
            case "pipeline_slug" -> pipelineSlug;
            case "build_number" -> Long.toString(buildNumber);
            case "build_branch" -> buildBranch;
            case "build_tag" -> buildTag;
            case "build_commit" -> buildCommit;
            case "step_key" -> stepKey;
            case "job_id" -> jobId;
            case "agent_id" -> agentId;
            case "build_source" -> buildSource;
            case "runner_environment" -> runnerEnvironment;
            default -> optional.get(claim);
        };
    }

    /** True when the claim is one kitevend knows (for conditions and session tags). */
    public static boolean isKnownClaim(String claim) {
        return switch (claim) {
            case "organization_slug",
                    "pipeline_slug",
                    "build_number",
                    "build_branch",
                    "build_tag",
                    "build_commit",
                    "step_key",
                    "job_id",
                    "agent_id",
                    "build_source",
                    "runner_environment" -> true;
            default -> isRequestable(claim);
        };
    }

    /**
     * True for a claim a job carries only when it asks for it ({@code buildkite-agent oidc request-token
     * --claim NAME}): the optional claims and {@code agent_tag:NAME}.
     */
    public static boolean isRequestable(String claim) {
        return OPTIONAL_CLAIMS.contains(claim) || isAgentTag(claim);
    }

    public static boolean isAgentTag(String claim) {
        return claim.startsWith(AGENT_TAG_PREFIX) && claim.length() > AGENT_TAG_PREFIX.length();
    }
}
