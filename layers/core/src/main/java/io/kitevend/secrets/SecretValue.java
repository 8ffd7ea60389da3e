package io.kitevend.secrets;

/**
 * A secret as fetched: its version id (for the audit record) and its value, text or binary.
 * {@link #toString()} never shows the value.
 */
public record SecretValue(String secretId, String versionId, String text, byte[] binary) {

    @Override
    public String toString() {
        return "SecretValue[" + secretId + "@" + versionId + (binary != null ? ", binary" : "") + "]";
    }
}
