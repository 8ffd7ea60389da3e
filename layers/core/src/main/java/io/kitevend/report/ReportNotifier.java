package io.kitevend.report;

/** Tells someone a report is ready (an SNS topic), with a short summary. */
@FunctionalInterface
public interface ReportNotifier {
    ReportNotifier NONE = (subject, message) -> {};

    void publish(String subject, String message);
}
