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
        Secrets secrets,
        Reasons refusals,
        Reasons errors,
        NewPairs newPairs,
        Bindings bindings,
        Admin admin,
        Replays replays,
        Latency latency) {

    public static final int SCHEMA_VERSION = 2;

    /**
     * Where the report's memory of earlier windows starts. {@code bootstrapped}: there was no saved
     * state, so history starts at {@code since} (the window's start, or earlier when bootstrap days
     * were read); pairs "first seen" then means first seen since {@code since}.
     */
    public record History(boolean bootstrapped, Instant since, int bootstrapDays) {}

    /** What the source delivered; records outside the window or without a readable time are skipped. */
    public record Source(long recordsRead, long outsideWindow, long malformed) {}

    /**
     * Requests by decision: {@code allow} (handed out, or a binding changed), {@code deny} (refused:
     * kitevend said no), {@code error} (kitevend could not answer: a dependency unavailable, 503, or
     * an internal error, 500), {@code other} (a record whose decision cannot be read).
     */
    public record Decisions(long allow, long deny, long error, long other) {
        public static final Decisions NONE = new Decisions(0, 0, 0, 0);

        public long total() {
            return allow + deny + error + other;
        }
    }

    /**
     * Every audit record of the window is one request: a vend ({@code POST /v1/credentials}), a
     * secrets request ({@code POST /v1/secrets}) or an admin request (a change of a binding, or a
     * refused attempt; an allowed read is the kind {@code admin_read}). {@code byKind} always has {@code vend},
     * {@code secrets} and {@code admin}, then any other kind seen, in that order.
     */
    public record Totals(long records, Decisions byDecision, Map<String, Decisions> byKind) {
        public long allow() {
            return byDecision.allow();
        }

        public long deny() {
            return byDecision.deny();
        }

        public long error() {
            return byDecision.error();
        }

        public long other() {
            return byDecision.other();
        }

        public Decisions kind(String kind) {
            return byKind.getOrDefault(kind, Decisions.NONE);
        }
    }

    public record TimeBucket(Instant start, long allow, long deny, long error, long other) {
        public long total() {
            return allow + deny + error + other;
        }
    }

    public record PipelineCount(String organization, String pipeline, long count) {}

    public record BindingCount(String organization, String binding, String roleArn, long count) {}

    /**
     * Vends: allowed vend requests (credentials handed out). Each list holds at most the report's
     * key limit; what it leaves out is counted in its {@code NotListed} number, so each list plus
     * that number adds up to {@code total}.
     */
    public record Vends(
            long total,
            List<PipelineCount> byPipeline,
            List<BindingCount> byBinding,
            long byPipelineNotListed,
            long byBindingNotListed) {
        public boolean truncated() {
            return byPipelineNotListed > 0 || byBindingNotListed > 0;
        }
    }

    /**
     * One reason's requests, by kind; {@code count} is the sum of {@code byKind}. A few request ids
     * of the reason, of any kind, to look up.
     */
    public record ReasonCount(String reason, long count, Map<String, Long> byKind, List<String> sampleRequestIds) {}

    /**
     * Refused (decision deny) or failed (decision error) requests of every kind by reason.
     * {@code total} = the listed reasons' counts + {@code notListed}; {@code byKind} has the same
     * kinds as the totals.
     */
    public record Reasons(long total, Map<String, Long> byKind, List<ReasonCount> byReason, long notListed) {
        public boolean truncated() {
            return notListed > 0;
        }
    }

    /** The requests of one binding by decision; organization and binding are null for requests refused before a binding was chosen. */
    public record BindingRequests(String organization, String binding, Decisions requests) {}

    /**
     * Secrets requests ({@code total} = every secrets request) by decision and by binding;
     * the listed bindings' totals + {@code byBindingNotListed} add up to {@code total}.
     */
    public record Secrets(long total, Decisions byDecision, List<BindingRequests> byBinding, long byBindingNotListed) {
        public boolean truncated() {
            return byBindingNotListed > 0;
        }
    }

    /** The admin requests of one action ({@code create}, {@code replace}, {@code delete}, ...) or one principal, by decision. */
    public record KeyRequests(String key, Decisions requests) {}

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

    /**
     * Admin requests (kind {@code admin}): changes made (allow) and refused attempts (deny), by
     * action and by principal (each list + its not-listed number adds up to {@code total}); the
     * first records are listed with their fields ({@code changes}).
     */
    public record Admin(
            long total,
            Decisions byDecision,
            List<KeyRequests> byAction,
            List<KeyRequests> byPrincipal,
            long byActionNotListed,
            long byPrincipalNotListed,
            List<Map<String, Object>> changes,
            boolean changesTruncated) {
        /** Changes made: allowed admin requests. */
        public long changesMade() {
            return byDecision.allow();
        }
    }

    /**
     * Replays: requests of any kind refused because their token had been used before (reason
     * {@code token_replayed}); a part of the refusals. {@code byKind} adds up to {@code total}, and
     * so do the listed pipelines + {@code byPipelineNotListed}.
     */
    public record Replays(
            long total,
            Map<String, Long> byKind,
            List<String> sampleRequestIds,
            List<PipelineCount> byPipeline,
            long byPipelineNotListed) {}

    /** Latency of vend requests, milliseconds; median and p99 within {@code relativeError}. */
    public record Latency(long count, long medianMs, long p99Ms, long maxMs, double meanMs, double relativeError) {}
}
