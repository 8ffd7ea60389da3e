package io.kitevend.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.util.Base64;

/**
 * One secret a binding grants: exported to the job as an environment variable, read from Secrets
 * Manager by {@code secretId} (a name or ARN under the deployment's prefix), optionally only one
 * {@code key} of a JSON secret.
 */
public record SecretGrant(String secretId, String key) {

    public static SecretGrant whole(String secretId) {
        return new SecretGrant(secretId, null);
    }

    /**
     * The text the job gets: the secret string, or one key of it when it is JSON; a binary secret
     * is given base64-encoded. Never an empty stand-in: a missing key is an error.
     */
    public String valueOf(SecretValue value) throws SecretUnavailableException {
        if (key == null) {
            if (value.text() != null) {
                return value.text();
            }
            if (value.binary() != null) {
                return Base64.getEncoder().encodeToString(value.binary());
            }
            throw new SecretUnavailableException(true, "secret_empty", "secret " + secretId + " has no value");
        }
        JsonNode json = null;
        if (value.text() != null) {
            try {
                json = Json.readTree(value.text());
            } catch (Exception notJson) {
                json = null;
            }
        }
        if (json == null || !json.isObject()) {
            throw new SecretUnavailableException(
                    true,
                    "secret_key_not_found",
                    "secret " + secretId + " is not a JSON object, so it has no key '" + key + "'");
        }
        JsonNode field = json.get(key);
        if (field == null || field.isNull()) {
            throw new SecretUnavailableException(
                    true, "secret_key_not_found", "secret " + secretId + " has no key '" + key + "'");
        }
        return field.isValueNode() ? field.asText() : Json.write(field);
    }
}
