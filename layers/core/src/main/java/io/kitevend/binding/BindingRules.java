package io.kitevend.binding;

import java.util.Set;

/**
 * The deployment's limits on what a binding may grant: target roles only under one IAM path, in
 * the deployment's partition and, optionally, only in some AWS accounts; secrets only under one
 * name prefix (none: no secrets), and within it only under the binding's organization
 * ({@code <prefix><organization>/}). A secret granted by ARN must be in the deployment's own
 * partition, region and account ({@code account} null: the account is not known, so secrets are
 * granted by name only). Checked when a binding is compiled.
 */
public record BindingRules(
        String rolePath,
        Set<String> allowedAccounts,
        String secretPrefix,
        String partition,
        String region,
        String account) {

    /** The partition of AWS's commercial regions, where a rule without one applies. */
    public static final String DEFAULT_PARTITION = "aws";

    public BindingRules(String rolePath, Set<String> allowedAccounts) {
        this(rolePath, allowedAccounts, null);
    }

    /** Rules of a deployment in the {@value #DEFAULT_PARTITION} partition whose region and account are not known. */
    public BindingRules(String rolePath, Set<String> allowedAccounts, String secretPrefix) {
        this(rolePath, allowedAccounts, secretPrefix, DEFAULT_PARTITION, null, null);
    }

    public BindingRules {
        if (secretPrefix != null && secretPrefix.isBlank()) {
            secretPrefix = null;
        }
        if (rolePath == null || !rolePath.startsWith("/") || !rolePath.endsWith("/")) {
            throw new IllegalArgumentException("role path must start and end with '/'");
        }
        if (partition == null || partition.isBlank()) {
            throw new IllegalArgumentException("the partition is required");
        }
        allowedAccounts = allowedAccounts == null ? Set.of() : Set.copyOf(allowedAccounts);
    }

    public static BindingRules anyRole() {
        return new BindingRules("/", Set.of());
    }

    /** Where this organization's secrets are: {@code <prefix><organization>/}; null without a prefix. */
    public String secretPrefixOf(String organization) {
        return secretPrefix == null ? null : secretPrefix + organization + "/";
    }

    /** The start of every secret ARN this deployment may grant; null when its region or account is not known. */
    public String secretArnPrefix() {
        return region == null || account == null
                ? null
                : "arn:" + partition + ":secretsmanager:" + region + ":" + account + ":secret:";
    }
}
