package io.kitevend.binding;

import java.util.Set;

/**
 * The deployment's limits on what a binding may grant: target roles only under one IAM path and,
 * optionally, only in some AWS accounts; secrets only under one name prefix (none: no secrets).
 * Checked when a binding is compiled.
 */
public record BindingRules(String rolePath, Set<String> allowedAccounts, String secretPrefix) {

    public BindingRules(String rolePath, Set<String> allowedAccounts) {
        this(rolePath, allowedAccounts, null);
    }

    public BindingRules {
        if (secretPrefix != null && secretPrefix.isBlank()) {
            secretPrefix = null;
        }
        if (rolePath == null || !rolePath.startsWith("/") || !rolePath.endsWith("/")) {
            throw new IllegalArgumentException("role path must start and end with '/'");
        }
        allowedAccounts = allowedAccounts == null ? Set.of() : Set.copyOf(allowedAccounts);
    }

    public static BindingRules anyRole() {
        return new BindingRules("/", Set.of());
    }
}
