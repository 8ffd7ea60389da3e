package io.kitevend.credentials;

/**
 * STS refused to let kitevend assume the role: the role does not trust kitevend
 * ({@code role_trust_denied}) or rejected the request's parameters ({@code role_refused}).
 * Retrying does not help; an admin must fix the role or the binding.
 */
public final class RoleRefusedException extends Exception {
    public static final String TRUST_DENIED = "role_trust_denied";
    public static final String REFUSED = "role_refused";

    private final String reason;

    public RoleRefusedException(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
