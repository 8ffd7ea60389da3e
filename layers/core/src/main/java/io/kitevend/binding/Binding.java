package io.kitevend.binding;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A binding as an admin writes it and as it is stored: jobs of {@link #pipeline()} in
 * {@link #organization()}, when all {@link #conditions()} hold, may assume {@link #roleArn()}.
 * It is only data; {@link BindingCompiler} validates it and turns it into a {@link CompiledBinding}.
 *
 * @param organizationId when set, the job's {@code organization_id} claim must be exactly this
 *     Buildkite id: slugs can be renamed and reused, ids cannot
 * @param pipelineId when set, the job's {@code pipeline_id} claim must be exactly this id
 */
public record Binding(
        String name,
        String organization,
        String pipeline,
        String organizationId,
        String pipelineId,
        Map<String, List<String>> conditions,
        String roleArn,
        int maxDurationSeconds,
        String sessionPolicy,
        List<String> sessionTags,
        String externalId,
        Map<String, SecretGrant> secrets,
        boolean enabled,
        String description,
        long version,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy) {

    public static final int DEFAULT_MAX_DURATION_SECONDS = 3600;
    /** The claim (and the binding field) that pins the organization's Buildkite id. */
    public static final String ORGANIZATION_ID = "organization_id";
    /** The claim (and the binding field) that pins the pipeline's Buildkite id. */
    public static final String PIPELINE_ID = "pipeline_id";

    /** Claims that become session tags when a binding names none. */
    public static final List<String> DEFAULT_SESSION_TAGS =
            List.of("organization_slug", "pipeline_slug", "build_number", "build_branch", "job_id");

    public Binding {
        conditions = conditions == null ? Map.of() : copyConditions(conditions);
        sessionTags = sessionTags == null ? DEFAULT_SESSION_TAGS : List.copyOf(sessionTags);
        secrets = secrets == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    }

    private static Map<String, List<String>> copyConditions(Map<String, List<String>> in) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, v == null ? List.of() : List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .name(name)
                .organization(organization)
                .pipeline(pipeline)
                .organizationId(organizationId)
                .pipelineId(pipelineId)
                .conditions(conditions)
                .roleArn(roleArn)
                .maxDurationSeconds(maxDurationSeconds)
                .sessionPolicy(sessionPolicy)
                .sessionTags(sessionTags)
                .externalId(externalId)
                .secrets(secrets)
                .enabled(enabled)
                .description(description)
                .version(version)
                .createdAt(createdAt)
                .createdBy(createdBy)
                .updatedAt(updatedAt)
                .updatedBy(updatedBy);
    }

    /** The identity claims this binding pins ({@code organization_id}, {@code pipeline_id}) and their ids. */
    public Map<String, String> pins() {
        Map<String, String> pins = new LinkedHashMap<>();
        if (organizationId != null) {
            pins.put(ORGANIZATION_ID, organizationId);
        }
        if (pipelineId != null) {
            pins.put(PIPELINE_ID, pipelineId);
        }
        return Collections.unmodifiableMap(pins);
    }

    /** True when the pipeline field is a glob rather than one exact slug. */
    public boolean hasGlobPipeline() {
        return pipeline != null && Glob.isGlob(pipeline);
    }

    public static final class Builder {
        private String name;
        private String organization;
        private String pipeline;
        private String organizationId;
        private String pipelineId;
        private Map<String, List<String>> conditions = new LinkedHashMap<>();
        private String roleArn;
        private int maxDurationSeconds = DEFAULT_MAX_DURATION_SECONDS;
        private String sessionPolicy;
        private List<String> sessionTags;
        private String externalId;
        private Map<String, SecretGrant> secrets = new LinkedHashMap<>();
        private boolean enabled = true;
        private String description;
        private long version;
        private Instant createdAt;
        private String createdBy;
        private Instant updatedAt;
        private String updatedBy;

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder organization(String v) {
            organization = v;
            return this;
        }

        public Builder pipeline(String v) {
            pipeline = v;
            return this;
        }

        public Builder organizationId(String v) {
            organizationId = v;
            return this;
        }

        public Builder pipelineId(String v) {
            pipelineId = v;
            return this;
        }

        public Builder conditions(Map<String, List<String>> v) {
            conditions = v == null ? new LinkedHashMap<>() : new LinkedHashMap<>(v);
            return this;
        }

        public Builder condition(String claim, String... globs) {
            conditions.put(claim, List.of(globs));
            return this;
        }

        public Builder roleArn(String v) {
            roleArn = v;
            return this;
        }

        public Builder maxDurationSeconds(int v) {
            maxDurationSeconds = v;
            return this;
        }

        public Builder sessionPolicy(String v) {
            sessionPolicy = v;
            return this;
        }

        public Builder sessionTags(List<String> v) {
            sessionTags = v;
            return this;
        }

        public Builder externalId(String v) {
            externalId = v;
            return this;
        }

        public Builder secrets(Map<String, SecretGrant> v) {
            secrets = v == null ? new LinkedHashMap<>() : new LinkedHashMap<>(v);
            return this;
        }

        public Builder secret(String envName, SecretGrant grant) {
            secrets.put(envName, grant);
            return this;
        }

        public Builder enabled(boolean v) {
            enabled = v;
            return this;
        }

        public Builder description(String v) {
            description = v;
            return this;
        }

        public Builder version(long v) {
            version = v;
            return this;
        }

        public Builder createdAt(Instant v) {
            createdAt = v;
            return this;
        }

        public Builder createdBy(String v) {
            createdBy = v;
            return this;
        }

        public Builder updatedAt(Instant v) {
            updatedAt = v;
            return this;
        }

        public Builder updatedBy(String v) {
            updatedBy = v;
            return this;
        }

        public Binding build() {
            return new Binding(
                    name,
                    organization,
                    pipeline,
                    organizationId,
                    pipelineId,
                    conditions,
                    roleArn,
                    maxDurationSeconds,
                    sessionPolicy,
                    sessionTags,
                    externalId,
                    secrets,
                    enabled,
                    description,
                    version,
                    createdAt,
                    createdBy,
                    updatedAt,
                    updatedBy);
        }
    }
}
