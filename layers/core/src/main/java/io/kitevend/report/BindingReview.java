package io.kitevend.report;

import io.kitevend.binding.Binding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The report's judgements of one binding: what makes it risky, and whether it is stale. */
public final class BindingReview {
    /** The pipeline is a glob: it covers pipelines that may not exist yet. */
    public static final String GLOB_PIPELINE = "glob_pipeline";
    /** No condition narrows the jobs by branch or tag, step, build source or queue. */
    public static final String NO_SCOPING_CONDITION = "no_scoping_condition";
    /** The maximum session is longer than the report's threshold. */
    public static final String LONG_MAX_DURATION = "long_max_duration";
    /** No session policy scopes the role down. */
    public static final String NO_SESSION_POLICY = "no_session_policy";

    /** Conditions on these claims scope a binding to some jobs of its pipeline. */
    public static final Set<String> SCOPING_CLAIMS =
            Set.of("build_branch", "build_tag", "step_key", "build_source", "queue_id", "queue_key");

    /** Which of {@code last_used}, {@code created_at} or {@code history_start} a staleness judgement rests on. */
    public static final String BASIS_LAST_USED = "last_used";

    public static final String BASIS_CREATED = "created_at";
    public static final String BASIS_HISTORY = "history_start";

    private BindingReview() {}

    /** The risk reasons of a binding, in a fixed order; empty when none. */
    public static List<String> risks(Binding b, int longDurationSeconds) {
        List<String> reasons = new ArrayList<>();
        if (b.hasGlobPipeline()) {
            reasons.add(GLOB_PIPELINE);
        }
        if (!hasScopingCondition(b)) {
            reasons.add(NO_SCOPING_CONDITION);
        }
        if (b.maxDurationSeconds() > longDurationSeconds) {
            reasons.add(LONG_MAX_DURATION);
        }
        if (b.sessionPolicy() == null || b.sessionPolicy().isBlank()) {
            reasons.add(NO_SESSION_POLICY);
        }
        return reasons;
    }

    /**
     * True when a condition on a scoping claim narrows the jobs. A list holding a glob of only
     * {@code *} matches every value, so such a condition does not count.
     */
    static boolean hasScopingCondition(Binding b) {
        return b.conditions().entrySet().stream()
                .filter(e -> SCOPING_CLAIMS.contains(e.getKey()))
                .anyMatch(e -> e.getValue().stream().noneMatch(BindingReview::matchesEverything));
    }

    private static boolean matchesEverything(String glob) {
        return glob != null && !glob.isEmpty() && glob.chars().allMatch(c -> c == '*');
    }

    /** A staleness judgement. {@code lastUsed} is null when no use is known. */
    public record Staleness(boolean stale, Instant reference, String basis, long unusedDays) {}

    /**
     * Whether {@code b} has gone unused for {@code staleDays} as of {@code asOf}. The judgement rests
     * on the latest of: its last known use, its creation, and the start of the report's history
     * ({@code historySince}, before which nothing is known). So a binding that was never seen in
     * use is only called stale once the history, and the binding itself, are old enough.
     */
    public static Staleness staleness(Binding b, Instant lastUsed, Instant historySince, Instant asOf, int staleDays) {
        Instant reference = historySince;
        String basis = BASIS_HISTORY;
        if (b.createdAt() != null && b.createdAt().isAfter(reference)) {
            reference = b.createdAt();
            basis = BASIS_CREATED;
        }
        if (lastUsed != null && !lastUsed.isBefore(reference)) {
            reference = lastUsed;
            basis = BASIS_LAST_USED;
        }
        Duration unused = Duration.between(reference, asOf);
        return new Staleness(
                unused.compareTo(Duration.ofDays(staleDays)) >= 0, reference, basis, Math.max(0, unused.toDays()));
    }
}
