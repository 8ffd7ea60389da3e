package io.kitevend.report;

/**
 * A report could not be made: a dependency (DynamoDB, S3, SNS) failed after the SDK's retries, or
 * stored data could not be read. The run fails as a whole; nothing is half-written except what
 * the message says.
 */
public final class ReportException extends RuntimeException {
    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }

    public ReportException(String message) {
        super(message);
    }
}
