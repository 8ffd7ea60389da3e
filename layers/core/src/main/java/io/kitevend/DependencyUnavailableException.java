package io.kitevend;

import java.time.Duration;

/**
 * A service kitevend depends on (DynamoDB, STS, the issuer's JWKS) failed in a way that may pass:
 * throttling, 5xx, timeouts. Answered with 503 and a {@code Retry-After}.
 */
public class DependencyUnavailableException extends Exception {
    /** When to retry, unless the dependency says otherwise: after the SDK's own retries, a short wait. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(2);

    private final String dependency;
    private final Duration retryAfter;

    public DependencyUnavailableException(String dependency, String detail, Duration retryAfter, Throwable cause) {
        super(dependency + ": " + detail, cause);
        this.dependency = dependency;
        this.retryAfter = retryAfter;
    }

    public String dependency() {
        return dependency;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
