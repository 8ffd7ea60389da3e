package io.kitevend.aws;

import io.kitevend.DependencyUnavailableException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns SDK failures that may pass (after the SDK's own retries) into a 503 for the caller. */
public final class AwsErrors {
    private AwsErrors() {}

    public static DependencyUnavailableException unavailable(String dependency, SdkException e) {
        String detail;
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            detail = ase.statusCode() + " " + ase.awsErrorDetails().errorCode();
        } else {
            detail = e.getClass().getSimpleName();
        }
        return new DependencyUnavailableException(
                dependency, detail, DependencyUnavailableException.DEFAULT_RETRY_AFTER, e);
    }

    /** Throttling, 5xx, or no answer at all: worth retrying later. */
    public static boolean isTransient(SdkException e) {
        if (e instanceof AwsServiceException ase) {
            return ase.isThrottlingException()
                    || ase.statusCode() >= 500
                    || "ExpiredTokenException".equals(errorCode(ase))
                    || "ExpiredToken".equals(errorCode(ase));
        }
        return true;
    }

    public static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }
}
