package io.kitevend.binding;

import io.kitevend.token.BuildkiteClaims;
import java.util.List;
import java.util.Map;

/** A validated binding with its globs compiled, ready to be checked against many tokens. */
public final class CompiledBinding {
    private final Binding binding;
    private final Glob pipeline;
    private final Map<String, List<Glob>> conditions;

    CompiledBinding(Binding binding, Glob pipeline, Map<String, List<Glob>> conditions) {
        this.binding = binding;
        this.pipeline = pipeline;
        this.conditions = conditions;
    }

    public Binding binding() {
        return binding;
    }

    public String name() {
        return binding.name();
    }

    /**
     * Checks the claims; returns null when the binding matches, otherwise why it does not, naming
     * the first condition that failed. Claims missing or null never satisfy a condition.
     */
    public String mismatch(BuildkiteClaims claims) {
        if (!binding.enabled()) {
            return "binding is disabled";
        }
        if (!binding.organization().equals(claims.organizationSlug())) {
            return "organization '" + claims.organizationSlug() + "' is not " + binding.organization();
        }
        if (!pipeline.matches(claims.pipelineSlug())) {
            return "pipeline '" + claims.pipelineSlug() + "' does not match " + pipeline;
        }
        for (Map.Entry<String, List<Glob>> condition : conditions.entrySet()) {
            String value = claims.value(condition.getKey());
            if (value == null) {
                return condition.getKey() + " is missing";
            }
            if (condition.getValue().stream().noneMatch(g -> g.matches(value))) {
                return condition.getKey() + " '" + value + "' matches none of " + condition.getValue();
            }
        }
        return null;
    }

    public boolean matches(BuildkiteClaims claims) {
        return mismatch(claims) == null;
    }
}
