package io.kitevend.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.binding.SecretGrant;
import io.kitevend.json.Json;
import java.util.Base64;

/**
 * A secret as fetched: its version id (for the audit record) and its value, text or binary.
 * {@link #toString()} never shows the value.
 */
public record SecretValue(String secretId, String versionId, String text, byte[] binary) {

    /**
     * The text the job gets for {@code grant}: the secret string, or one key of it when it is JSON;
     * a binary secret is given base64-encoded. Never an empty stand-in: a missing key is an error.
     */
    public String textFor(SecretGrant grant) throws SecretUnavailableException {
        String secretId = grant.secretId();
        String key = grant.key();
        if (key == null) {
            if (text != null) {
                return text;
            }
            if (binary != null) {
                return Base64.getEncoder().encodeToString(binary);
            }
            throw new SecretUnavailableException(true, "secret_empty", "secret " + secretId + " has no value");
        }
        JsonNode json = null;
        if (text != null) {
            try {
                json = Json.readTree(text);
            } catch (Json.DuplicateKeyException twice) {
                throw new SecretUnavailableException(
                        true,
                        "secret_key_not_found",
                        "secret " + secretId + " has a key twice in one object, so its value for '" + key
                                + "' is unclear");
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

    @Override
    public String toString() {
        return "SecretValue[" + secretId + "@" + versionId + (binary != null ? ", binary" : "") + "]";
    }
}
