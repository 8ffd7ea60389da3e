package io.kitevend.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One audit report: what happened in a window, and what the bindings look like at its end. Plain
 * data; {@link ReportJson} writes it (schema {@code report.schema.json}, version
 * {@value #SCHEMA_VERSION}) and {@link ReportHtml} draws it.
 */
public record AuditReport(
        Instant generatedAt,
        ReportWindow window,
        History history,
        Source source,
        Totals totals,
        Duration bucket,
        List<TimeBucket> timeline,
        Vends vends,
        Reasons refusals,
        Reasons errors,
        NewPairs newPairs,
        Bindings bindings,
        Admin admin,
        Replays replays,
        Latency latency) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * Where the report's memory of earlier windows starts. {@code bootstrapped}: there was no saved
     * state, so history starts at {@code since} (the window's start, or earlier when bootstrap days
     * were read); pairs "first seen" then means first seen since {@code since}.
     */
    public record History(boolean bootstrapped, Instant since, int bootstrapDays) {}

    /** What the source delivered; records outside the window or without a readable time are skipped. */
    public record Source(long recordsRead, long outsideWindow, long malformed) {}

    public record Totals(long records, long allow, long deny, long error, long other, List<Count> byKind) {}

    public record Count(String key, long count) {}

    public record TimeBucket(Instant start, long allow, long deny, long error, long other) {
        public long total() {
            return allow + deny + error + other;
        }
    }

    public record PipelineCount(String organization, String pipeline, long count) {}

    public record BindingCount(String organization, String binding, String roleArn, long count) {}

    /** Allowed vends. */
    public record Vends(long total, List<PipelineCount> byPipeline, List<BindingCount> byBinding, boolean truncated) {}

    public record ReasonCount(String reason, long count, List<String> sampleRequestIds) {}

    /** Refused (decision deny) or failed (decision error) requests by reason. */
    public record Reasons(long total, List<ReasonCount> byReason, boolean truncated) {}

    public record NewPair(
            String organization,
            String pipeline,
            String roleArn,
            String binding,
            Instant firstSeen,
            String requestId,
            long vends) {}

    public record NewPairs(List<NewPair> pairs, long pairsSeen, boolean truncated) {}

    public record StaleBinding(
            String organization,
            String name,
            String pipeline,
            String roleArn,
            Instant lastUsed,
            String basis,
            Instant since,
            long unusedDays) {}

    public record RiskyBinding(
            String organization,
            String name,
            String pipeline,
            String roleArn,
            int maxDurationSeconds,
            List<String> reasons) {}

    public record Bindings(
            int total,
            int enabled,
            int staleAfterDays,
            int longDurationSeconds,
            List<StaleBinding> stale,
            List<RiskyBinding> risky) {}

    /** Admin records (kind {@code admin}); the first ones are listed with their fields. */
    public record Admin(
            long total, long allow, long deny, long error, List<Map<String, Object>> changes, boolean truncated) {}

    public record Replays(long total, List<String> sampleRequestIds, List<PipelineCount> byPipeline) {}

    /** Latency of vend requests, milliseconds; median and p99 within {@code relativeError}. */
    public record Latency(long count, long medianMs, long p99Ms, long maxMs, double meanMs, double relativeError) {}
}
