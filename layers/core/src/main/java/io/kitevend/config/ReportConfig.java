package io.kitevend.config;

import io.kitevend.report.ReportOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every setting of the audit report function, read once from environment variables and validated
 * without any network call. A bad value fails start-up with the variable's name. The tables,
 * region, endpoint, organizations and shard count are the {@link SharedConfig} every function
 * reads, with the same variables and meaning; {@code KITEVEND_AUDIT_SHARDS} must equal the vend
 * function's.
 */
public record ReportConfig(
        SharedConfig shared, String bucket, Optional<String> topicArn, ReportOptions options, Duration maxWindow)
        implements FunctionConfig {

    public static final String BUCKET = "KITEVEND_REPORT_BUCKET";
    public static final String TOPIC_ARN = "KITEVEND_REPORT_TOPIC_ARN";
    public static final String STALE_DAYS = "KITEVEND_REPORT_STALE_DAYS";
    public static final String LONG_DURATION = "KITEVEND_REPORT_LONG_DURATION_SECONDS";
    public static final String BOOTSTRAP_DAYS = "KITEVEND_REPORT_BOOTSTRAP_DAYS";
    public static final String MAX_WINDOW_DAYS = "KITEVEND_REPORT_MAX_WINDOW_DAYS";

    /** Every variable the function reads. */
    public static final Set<String> VARIABLES = Set.of(
            REGION,
            AWS_ENDPOINT,
            BINDINGS_TABLE,
            AUDIT_TABLE,
            AUDIT_SHARDS,
            ORGANIZATIONS,
            BUCKET,
            TOPIC_ARN,
            STALE_DAYS,
            LONG_DURATION,
            BOOTSTRAP_DAYS,
            MAX_WINDOW_DAYS);

    /** S3 bucket naming rules, without the rarer exceptions (no dots next to each other, not an IP address). */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private static final Pattern TOPIC =
            Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?");

    public static ReportConfig from(Settings s) {
        SharedConfig shared = SharedConfig.from(s, "whose bindings are reviewed");
        String bucket = s.required(BUCKET);
        if (!BUCKET_NAME.matcher(bucket).matches() || bucket.contains("..")) {
            throw new ConfigException(BUCKET, "is not an S3 bucket name: '" + bucket + "'");
        }
        Optional<String> topic = s.optional(TOPIC_ARN);
        if (topic.isPresent() && !TOPIC.matcher(topic.get()).matches()) {
            throw new ConfigException(TOPIC_ARN, "is not an SNS topic ARN: '" + topic.get() + "'");
        }
        ReportOptions options = ReportOptions.DEFAULTS
                .withStaleDays((int) s.longValue(STALE_DAYS, ReportOptions.DEFAULTS.staleDays(), 1, 3650))
                .withLongDurationSeconds(
                        (int) s.longValue(LONG_DURATION, ReportOptions.DEFAULTS.longDurationSeconds(), 900, 43_200))
                .withBootstrapDays((int) s.longValue(BOOTSTRAP_DAYS, ReportOptions.DEFAULTS.bootstrapDays(), 0, 400));
        return new ReportConfig(
                shared, bucket, topic, options, Duration.ofDays(s.longValue(MAX_WINDOW_DAYS, 31, 1, 400)));
    }
}
