package io.kitevend.testing;

import io.kitevend.token.BuildkiteClaims;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds verified-token claims directly, for domain tests that need no signed token. Defaults
 * match {@link TokenMinter#claims()}: org {@code acme}, pipeline {@code deploy}, branch
 * {@code main}, build 42, step {@code build}, no tag, no optional claims.
 */
public final class JobClaims {
    private String issuer = "https://agent.buildkite.com";
    private String subject = "organization:acme:pipeline:deploy:ref:refs/heads/main"
            + ":commit:9f3182061f1e2cca4702c368cbc039b7dc9d4485:step:build";
    private String jti = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d";
    private Instant issuedAt = Instant.parse("2025-01-01T00:00:00Z");
    private Instant expiresAt = Instant.parse("2025-01-01T00:05:00Z");
    private String organizationSlug = "acme";
    private String pipelineSlug = "deploy";
    private long buildNumber = 42;
    private String buildBranch = "main";
    private String buildTag;
    private String buildCommit = "9f3182061f1e2cca4702c368cbc039b7dc9d4485";
    private String stepKey = "build";
    private String jobId = "0184990a-477b-4fa8-9968-496074483cee";
    private String agentId = "0184990a-4782-42b5-afc1-16715b10b8ff";
    private String buildSource = "ui";
    private String runnerEnvironment = "self-hosted";
    private final Map<String, String> optional = new LinkedHashMap<>();

    private JobClaims() {}

    public static JobClaims job() {
        return new JobClaims();
    }

    public JobClaims subject(String v) {
        subject = v;
        return this;
    }

    public JobClaims jti(String v) {
        jti = v;
        return this;
    }

    public JobClaims organization(String v) {
        organizationSlug = v;
        return this;
    }

    public JobClaims pipeline(String v) {
        pipelineSlug = v;
        return this;
    }

    public JobClaims buildNumber(long v) {
        buildNumber = v;
        return this;
    }

    public JobClaims branch(String v) {
        buildBranch = v;
        return this;
    }

    public JobClaims tag(String v) {
        buildTag = v;
        return this;
    }

    public JobClaims commit(String v) {
        buildCommit = v;
        return this;
    }

    public JobClaims stepKey(String v) {
        stepKey = v;
        return this;
    }

    public JobClaims jobId(String v) {
        jobId = v;
        return this;
    }

    public JobClaims agentId(String v) {
        agentId = v;
        return this;
    }

    public JobClaims buildSource(String v) {
        buildSource = v;
        return this;
    }

    public JobClaims runnerEnvironment(String v) {
        runnerEnvironment = v;
        return this;
    }

    /** An optional claim ({@code cluster_id}, {@code queue_key}, {@code agent_tag:NAME}, ...). */
    public JobClaims claim(String name, String value) {
        optional.put(name, value);
        return this;
    }

    public BuildkiteClaims build() {
        return new BuildkiteClaims(
                issuer,
                subject,
                jti,
                issuedAt,
                expiresAt,
                organizationSlug,
                pipelineSlug,
                buildNumber,
                buildBranch,
                buildTag,
                buildCommit,
                stepKey,
                jobId,
                agentId,
                buildSource,
                runnerEnvironment,
                optional);
    }
}
