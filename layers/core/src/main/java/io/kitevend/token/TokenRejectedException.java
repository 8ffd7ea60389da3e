package io.kitevend.token;

/** The token is not accepted. {@link #getMessage()} is a detail for the audit record, never for the caller. */
public final class TokenRejectedException extends Exception {
    private final TokenRejection reason;

    public TokenRejectedException(TokenRejection reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public TokenRejection reason() {
        return reason;
    }
}
