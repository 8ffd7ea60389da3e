package io.kitevend.token;

/**
 * The issuer's keys could not be fetched and none cached fits the token: a dependency outage,
 * answered with 503, not a verdict on the token.
 */
public final class SigningKeysUnavailableException extends Exception {
    public SigningKeysUnavailableException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
