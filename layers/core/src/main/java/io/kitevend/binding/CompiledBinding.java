package io.kitevend.binding;

import io.kitevend.token.BuildkiteClaims;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A validated binding with its globs compiled, ready to be checked against many tokens. */
public final class CompiledBinding {
    private final Binding binding;
    private final Glob pipeline;
    /** Identity claims that must carry exactly these ids ({@link Binding#pins()}). */
    private final Map<String, String> pins;

    private final Map<String, List<Glob>> conditions;

    CompiledBinding(Binding binding, Glob pipeline, Map<String, String> pins, Map<String, List<Glob>> conditions) {
        this.binding = binding;
        this.pipeline = pipeline;
        this.pins = pins;
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
     * the first pin or condition that failed. Claims missing or null never satisfy a condition.
     */
    public String mismatch(BuildkiteClaims claims) {
        String outOfScope = scopeMismatch(claims);
        if (outOfScope != null) {
            return outOfScope;
        }
        for (Map.Entry<String, String> pin : pins.entrySet()) {
            String value = claims.value(pin.getKey());
            if (value == null) {
                return pin.getKey() + " is missing (the binding pins it)";
            }
            if (!value.equals(pin.getValue())) {
                return pin.getKey() + " '" + value + "' is not the pinned " + pin.getValue();
            }
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

    /**
     * The claims that are all that keeps this binding from matching the job and that the job can ask
     * for ({@link BuildkiteClaims#isRequestable}): pins and conditions on claims the token does not
     * carry, when every other pin and condition holds. Empty when the binding matches, or fails for
     * any other reason.
     */
    public List<String> missingRequestableClaims(BuildkiteClaims claims) {
        if (scopeMismatch(claims) != null) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> pin : pins.entrySet()) {
            String value = claims.value(pin.getKey());
            if (value == null) {
                missing.add(pin.getKey());
            } else if (!value.equals(pin.getValue())) {
                return List.of();
            }
        }
        for (Map.Entry<String, List<Glob>> condition : conditions.entrySet()) {
            String value = claims.value(condition.getKey());
            if (value == null && BuildkiteClaims.isRequestable(condition.getKey())) {
                missing.add(condition.getKey());
            } else if (value == null || condition.getValue().stream().noneMatch(g -> g.matches(value))) {
                return List.of();
            }
        }
        return List.copyOf(missing);
    }

    /** Why the job is outside this binding before any condition is looked at, or null. */
    private String scopeMismatch(BuildkiteClaims claims) {
        if (!binding.enabled()) {
            return "binding is disabled";
        }
        if (!binding.organization().equals(claims.organizationSlug())) {
            return "organization '" + claims.organizationSlug() + "' is not " + binding.organization();
        }
        if (!pipeline.matches(claims.pipelineSlug())) {
            return "pipeline '" + claims.pipelineSlug() + "' does not match " + pipeline;
        }
        return null;
    }

    public boolean matches(BuildkiteClaims claims) {
        return mismatch(claims) == null;
    }
}
