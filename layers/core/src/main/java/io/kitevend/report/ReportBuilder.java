package io.kitevend.report;

import io.kitevend.binding.Binding;
import io.kitevend.report.AuditReport.Admin;
import io.kitevend.report.AuditReport.BindingCount;
import io.kitevend.report.AuditReport.Count;
import io.kitevend.report.AuditReport.History;
import io.kitevend.report.AuditReport.Latency;
import io.kitevend.report.AuditReport.NewPair;
import io.kitevend.report.AuditReport.NewPairs;
import io.kitevend.report.AuditReport.PipelineCount;
import io.kitevend.report.AuditReport.ReasonCount;
import io.kitevend.report.AuditReport.Reasons;
import io.kitevend.report.AuditReport.RiskyBinding;
import io.kitevend.report.AuditReport.StaleBinding;
import io.kitevend.report.AuditReport.TimeBucket;
import io.kitevend.report.ReportState.BindingKey;
import io.kitevend.report.ReportState.Pair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Computes a report from audit records fed one at a time ({@link #accept}), keeping only
 * counters, capped count tables, a few sample request ids, the first admin records and a
 * fixed-size latency histogram: its memory does not grow with the number of records. Records
 * before the window can first be fed to {@link #learn} to seed history when there is no saved
 * state. Not thread-safe: one builder per run.
 */
public final class ReportBuilder {
    public static final String KIND_VEND = "vend";
    public static final String KIND_ADMIN = "admin";
    public static final String REPLAYED = "token_replayed";

    private static final int ALLOW = 0;
    private static final int DENY = 1;
    private static final int ERROR = 2;
    private static final int OTHER = 3;
    private static final char SEP = '\u001f';
    private static final int MAX_FIELD_CHARS = 4096;
    private static final Set<String> INTERNAL_FIELDS = Set.of("pk", "sk", "pipeline_key", "expires_at", "token_sha256");
    private static final List<Duration> BUCKETS = List.of(
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(15),
            Duration.ofHours(1),
            Duration.ofHours(6),
            Duration.ofDays(1),
            Duration.ofDays(7),
            Duration.ofDays(30));
    private static final int MAX_BUCKETS = 60;

    private final ReportWindow window;
    private final ReportOptions options;
    private final long fromMs;
    private final long toMs;
    private final History history;
    private final Instant previousThrough;
    private final long bucketMs;
    private final long[][] timeline;

    // History: when pairs were first seen and bindings last used, before and during this window.
    private final Map<Pair, Long> firstSeen = new HashMap<>();
    private final Map<BindingKey, Long> lastUsed = new HashMap<>();

    private long recordsRead;
    private long outside;
    private long malformed;
    private long records;
    private final long[] decisions = new long[4];
    private final CappedCounter kinds;
    private final CappedCounter vendsByPipeline;
    private final CappedCounter vendsByBinding;
    private long vends;
    private final CappedCounter refusals;
    private final CappedCounter errors;
    private long replays;
    private final List<String> replaySamples = new ArrayList<>();
    private final CappedCounter replayPipelines;
    private final Map<Pair, Sight> windowPairs = new HashMap<>();
    private boolean windowPairsTruncated;
    private long admin;
    private final long[] adminDecisions = new long[4];
    private final List<Map<String, Object>> adminChanges = new ArrayList<>();
    private final LatencyHistogram latency = new LatencyHistogram();

    /** The first sight of a pair in the window. */
    private static final class Sight {
        long time;
        String requestId;
        String binding;
        long vends;
    }

    /**
     * @param previous the state the last run saved; empty to start history at the window's start
     *                 (or {@code options.bootstrapDays()} earlier, for records fed to {@link #learn})
     */
    public ReportBuilder(ReportWindow window, ReportOptions options, Optional<ReportState> previous) {
        this.window = window;
        this.options = options;
        this.fromMs = window.from().toEpochMilli();
        this.toMs = window.to().toEpochMilli();
        if (previous.isPresent()) {
            ReportState s = previous.get();
            Instant since = s.since().isBefore(window.from()) ? s.since() : window.from();
            this.history = new History(false, since, 0);
            this.previousThrough = s.through();
            s.firstSeen().forEach((k, v) -> firstSeen.put(k, v.toEpochMilli()));
            s.lastUsed().forEach((k, v) -> lastUsed.put(k, v.toEpochMilli()));
        } else {
            this.history = new History(
                    true, window.from().minus(Duration.ofDays(options.bootstrapDays())), options.bootstrapDays());
            this.previousThrough = window.to();
        }
        Duration bucket = bucketFor(window.length());
        this.bucketMs = bucket.toMillis();
        this.timeline = new long[(int) ((toMs - fromMs + bucketMs - 1) / bucketMs)][4];
        int keys = options.maxKeys();
        int samples = options.samplesPerReason();
        this.kinds = new CappedCounter(64, 0);
        this.vendsByPipeline = new CappedCounter(keys, 0);
        this.vendsByBinding = new CappedCounter(keys, 0);
        this.refusals = new CappedCounter(keys, samples);
        this.errors = new CappedCounter(keys, samples);
        this.replayPipelines = new CappedCounter(keys, 0);
    }

    /** The time-line bucket for a window: the smallest of 1 min ... 30 days that gives at most 60 bars. */
    static Duration bucketFor(Duration length) {
        for (Duration d : BUCKETS) {
            if ((length.toMillis() + d.toMillis() - 1) / d.toMillis() <= MAX_BUCKETS) {
                return d;
            }
        }
        return BUCKETS.getLast();
    }

    /** The window from which records should be fed to {@link #learn}, when there is one. */
    public Optional<ReportWindow> bootstrapWindow() {
        return history.bootstrapped() && history.bootstrapDays() > 0
                ? Optional.of(new ReportWindow(history.since(), window.from()))
                : Optional.empty();
    }

    /** Feeds a record from before the window into history only: first sight of pairs, last use of bindings. */
    public void learn(Map<String, Object> record) {
        long t = AuditTimes.parseMillis(record.get("time"));
        if (t == AuditTimes.INVALID || t >= fromMs || !KIND_VEND.equals(kind(record)) || decision(record) != ALLOW) {
            return;
        }
        String org = string(record, "organization_slug");
        String pipeline = string(record, "pipeline_slug");
        String binding = string(record, "binding");
        String role = string(record, "role_arn");
        if (org != null && binding != null) {
            lastUsed.merge(new BindingKey(org, binding), t, Math::max);
        }
        if (org != null && pipeline != null && role != null) {
            firstSeen.merge(new Pair(org, pipeline, role), t, Math::min);
        }
    }

    /** Feeds one record of the window (records outside it are counted and skipped). */
    public void accept(Map<String, Object> record) {
        recordsRead++;
        long t = AuditTimes.parseMillis(record.get("time"));
        if (t == AuditTimes.INVALID) {
            malformed++;
            return;
        }
        if (t < fromMs || t >= toMs) {
            outside++;
            return;
        }
        records++;
        String kind = kind(record);
        int d = decision(record);
        decisions[d]++;
        timeline[(int) ((t - fromMs) / bucketMs)][d]++;
        kinds.add(kind);
        String requestId = string(record, "request_id");
        if (KIND_ADMIN.equals(kind)) {
            admin++;
            adminDecisions[d]++;
            if (adminChanges.size() < options.maxAdminChanges()) {
                adminChanges.add(adminEntry(record));
            }
            return;
        }
        if (!KIND_VEND.equals(kind)) {
            return;
        }
        if (record.get("latency_ms") instanceof Number n) {
            latency.record(n.longValue());
        }
        String reason = string(record, "reason");
        String org = string(record, "organization_slug");
        String pipeline = string(record, "pipeline_slug");
        if (REPLAYED.equals(reason)) {
            replays++;
            if (replaySamples.size() < options.samplesPerReason() && requestId != null) {
                replaySamples.add(requestId);
            }
            replayPipelines.add(key(org, pipeline));
        }
        switch (d) {
            case ALLOW -> vend(t, requestId, org, pipeline, string(record, "binding"), string(record, "role_arn"));
            case DENY -> refusals.add(reason == null ? "unknown" : reason, requestId);
            case ERROR -> errors.add(reason == null ? "unknown" : reason, requestId);
            default -> {}
        }
    }

    private void vend(long t, String requestId, String org, String pipeline, String binding, String role) {
        vends++;
        vendsByPipeline.add(key(org, pipeline));
        vendsByBinding.add(key(org, binding) + SEP + nz(role));
        if (org != null && binding != null) {
            lastUsed.merge(new BindingKey(org, binding), t, Math::max);
        }
        if (org == null || pipeline == null || role == null) {
            return;
        }
        Pair pair = new Pair(org, pipeline, role);
        Sight sight = windowPairs.get(pair);
        if (sight == null) {
            if (windowPairs.size() >= options.maxKeys()) {
                windowPairsTruncated = true;
                return;
            }
            sight = new Sight();
            sight.time = Long.MAX_VALUE;
            windowPairs.put(pair, sight);
        }
        sight.vends++;
        if (t < sight.time
                || (t == sight.time
                        && requestId != null
                        && (sight.requestId == null || requestId.compareTo(sight.requestId) < 0))) {
            sight.time = t;
            sight.requestId = requestId;
            sight.binding = binding;
        }
    }

    /** The report, judging {@code bindings} as they are at the end of the window. */
    public AuditReport finish(List<Binding> bindings, Instant generatedAt) {
        List<Count> byKind =
                kinds.entries().stream().map(e -> new Count(e.key(), e.count())).toList();
        List<TimeBucket> buckets = new ArrayList<>(timeline.length);
        for (int i = 0; i < timeline.length; i++) {
            long[] b = timeline[i];
            buckets.add(
                    new TimeBucket(Instant.ofEpochMilli(fromMs + i * bucketMs), b[ALLOW], b[DENY], b[ERROR], b[OTHER]));
        }
        List<PipelineCount> byPipeline = vendsByPipeline.entries().stream()
                .map(e -> {
                    String[] k = split(e.key(), 2);
                    return new PipelineCount(k[0], k[1], e.count());
                })
                .toList();
        List<BindingCount> byBinding = vendsByBinding.entries().stream()
                .map(e -> {
                    String[] k = split(e.key(), 3);
                    return new BindingCount(k[0], k[1], k[2], e.count());
                })
                .toList();
        List<NewPair> newPairs = new ArrayList<>();
        windowPairs.forEach((pair, sight) -> {
            Long before = firstSeen.get(pair);
            if (before == null || before >= fromMs) {
                newPairs.add(new NewPair(
                        pair.organization(),
                        pair.pipeline(),
                        pair.roleArn(),
                        sight.binding,
                        Instant.ofEpochMilli(sight.time),
                        sight.requestId,
                        sight.vends));
            }
        });
        newPairs.sort(Comparator.comparing(NewPair::firstSeen)
                .thenComparing(NewPair::organization)
                .thenComparing(NewPair::pipeline)
                .thenComparing(NewPair::roleArn));
        List<PipelineCount> replayByPipeline = replayPipelines.entries().stream()
                .map(e -> {
                    String[] k = split(e.key(), 2);
                    return new PipelineCount(k[0], k[1], e.count());
                })
                .toList();
        return new AuditReport(
                generatedAt,
                window,
                history,
                new AuditReport.Source(recordsRead, outside, malformed),
                new AuditReport.Totals(
                        records, decisions[ALLOW], decisions[DENY], decisions[ERROR], decisions[OTHER], byKind),
                Duration.ofMillis(bucketMs),
                buckets,
                new AuditReport.Vends(
                        vends, byPipeline, byBinding, vendsByPipeline.truncated() || vendsByBinding.truncated()),
                reasons(refusals),
                reasons(errors),
                new NewPairs(newPairs, windowPairs.size(), windowPairsTruncated),
                reviewBindings(bindings),
                new Admin(
                        admin,
                        adminDecisions[ALLOW],
                        adminDecisions[DENY],
                        adminDecisions[ERROR],
                        List.copyOf(adminChanges),
                        admin > adminChanges.size()),
                new AuditReport.Replays(replays, List.copyOf(replaySamples), replayByPipeline),
                new Latency(
                        latency.count(),
                        latency.quantile(0.5),
                        latency.quantile(0.99),
                        latency.max(),
                        latency.mean(),
                        LatencyHistogram.RELATIVE_ERROR));
    }

    private AuditReport.Bindings reviewBindings(List<Binding> bindings) {
        List<StaleBinding> stale = new ArrayList<>();
        List<RiskyBinding> risky = new ArrayList<>();
        int enabled = 0;
        List<Binding> sorted = bindings.stream()
                .sorted(Comparator.comparing(Binding::organization).thenComparing(Binding::name))
                .toList();
        for (Binding b : sorted) {
            if (!b.enabled()) {
                continue;
            }
            enabled++;
            Long used = lastUsed.get(new BindingKey(b.organization(), b.name()));
            BindingReview.Staleness s = BindingReview.staleness(
                    b,
                    used == null ? null : Instant.ofEpochMilli(used),
                    history.since(),
                    window.to(),
                    options.staleDays());
            if (s.stale()) {
                stale.add(new StaleBinding(
                        b.organization(),
                        b.name(),
                        b.pipeline(),
                        b.roleArn(),
                        used == null ? null : Instant.ofEpochMilli(used),
                        s.basis(),
                        s.reference(),
                        s.unusedDays()));
            }
            List<String> reasons = BindingReview.risks(b, options.longDurationSeconds());
            if (!reasons.isEmpty()) {
                risky.add(new RiskyBinding(
                        b.organization(), b.name(), b.pipeline(), b.roleArn(), b.maxDurationSeconds(), reasons));
            }
        }
        risky.sort(Comparator.comparingInt((RiskyBinding r) -> -r.reasons().size())
                .thenComparing(RiskyBinding::organization)
                .thenComparing(RiskyBinding::name));
        return new AuditReport.Bindings(
                bindings.size(), enabled, options.staleDays(), options.longDurationSeconds(), stale, risky);
    }

    /**
     * The state to save for the next run: history merged with this window, last-use times kept
     * only for bindings that still exist.
     */
    public ReportState nextState(List<Binding> bindings) {
        Map<Pair, Instant> pairs = new HashMap<>();
        firstSeen.forEach((k, v) -> pairs.put(k, Instant.ofEpochMilli(v)));
        windowPairs.forEach(
                (k, sight) -> pairs.merge(k, Instant.ofEpochMilli(sight.time), (a, b) -> a.isBefore(b) ? a : b));
        Set<BindingKey> existing = new HashSet<>();
        bindings.forEach(b -> existing.add(new BindingKey(b.organization(), b.name())));
        Map<BindingKey, Instant> used = new LinkedHashMap<>();
        lastUsed.forEach((k, v) -> {
            if (existing.contains(k)) {
                used.put(k, Instant.ofEpochMilli(v));
            }
        });
        Instant through = previousThrough.isAfter(window.to()) ? previousThrough : window.to();
        return new ReportState(history.since(), through, pairs, used);
    }

    private static Reasons reasons(CappedCounter counter) {
        return new Reasons(
                counter.total(),
                counter.entries().stream()
                        .map(e -> new ReasonCount(e.key(), e.count(), e.samples()))
                        .toList(),
                counter.truncated());
    }

    private static Map<String, Object> adminEntry(Map<String, Object> record) {
        Map<String, Object> entry = new LinkedHashMap<>();
        record.forEach((k, v) -> {
            if (!INTERNAL_FIELDS.contains(k) && v != null) {
                entry.put(
                        k,
                        v instanceof String s && s.length() > MAX_FIELD_CHARS
                                ? s.substring(0, MAX_FIELD_CHARS) + "…"
                                : v);
            }
        });
        return entry;
    }

    private static String kind(Map<String, Object> record) {
        String kind = string(record, "kind");
        return kind == null ? KIND_VEND : kind;
    }

    private static int decision(Map<String, Object> record) {
        Object d = record.get("decision");
        if (d instanceof String s) {
            return switch (s) {
                case "allow" -> ALLOW;
                case "deny" -> DENY;
                case "error" -> ERROR;
                default -> OTHER;
            };
        }
        return OTHER;
    }

    private static String string(Map<String, Object> record, String field) {
        return record.get(field) instanceof String s ? s : null;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String key(String a, String b) {
        return nz(a) + SEP + nz(b);
    }

    private static String[] split(String key, int parts) {
        String[] out = key.split(String.valueOf(SEP), -1);
        if (out.length != parts) {
            throw new IllegalStateException("bad key");
        }
        return out;
    }
}
