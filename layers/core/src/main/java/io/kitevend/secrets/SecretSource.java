package io.kitevend.secrets;

/** Where secret values come from (Secrets Manager, or a local file for the local runner). */
public interface SecretSource {
    SecretValue fetch(String secretId) throws SecretUnavailableException;

    /** Told to the job with its secrets, so that values from a local file are never taken for real ones. */
    default String name() {
        return "secretsmanager";
    }
}
