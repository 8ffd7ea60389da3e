package io.kitevend.secrets;

/**
 * A granted secret could not be handed out. {@code missing} distinguishes "it is not there"
 * (404: the secret, or the key in a JSON secret) from "it could not be read" (503).
 */
public final class SecretUnavailableException extends Exception {
    private final boolean missing;
    private final String reason;

    public SecretUnavailableException(boolean missing, String reason, String detail) {
        super(detail, null, false, false);
        this.missing = missing;
        this.reason = reason;
    }

    public boolean missing() {
        return missing;
    }

    /** A stable code for the audit record. */
    public String reason() {
        return reason;
    }
}
