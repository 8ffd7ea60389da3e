package io.kitevend.aws;

import io.kitevend.report.ReportException;
import io.kitevend.report.ReportNotifier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;

/** Publishes the report's summary to an SNS topic (e-mail subscribers read it as plain text). */
public final class SnsReportNotifier implements ReportNotifier {
    /** SNS refuses longer e-mail subjects. */
    static final int MAX_SUBJECT = 100;

    private final SnsClient sns;
    private final String topicArn;

    public SnsReportNotifier(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    @Override
    public void publish(String subject, String message) {
        String s = subject.length() <= MAX_SUBJECT ? subject : subject.substring(0, MAX_SUBJECT);
        try {
            sns.publish(b -> b.topicArn(topicArn).subject(s).message(message));
        } catch (SdkException e) {
            throw new ReportException("publishing the report summary to " + topicArn + " failed: " + e.getMessage(), e);
        }
    }
}
