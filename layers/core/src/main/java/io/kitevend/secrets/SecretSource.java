package io.kitevend.secrets;

/** Where secret values come from (Secrets Manager, or a local file for the local runner). */
public interface SecretSource {
    SecretValue fetch(String secretId) throws SecretUnavailableException;
}
