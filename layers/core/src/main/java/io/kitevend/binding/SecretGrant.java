package io.kitevend.binding;

/**
 * One secret a binding grants: exported to the job as an environment variable, read from Secrets
 * Manager by {@code secretId} (a name or ARN under the deployment's prefix), optionally only one
 * {@code key} of a JSON secret. It is part of the binding; reading the value is the secrets use
 * case's business ({@code SecretValue.textFor}).
 */
public record SecretGrant(String secretId, String key) {

    public static SecretGrant whole(String secretId) {
        return new SecretGrant(secretId, null);
    }
}
