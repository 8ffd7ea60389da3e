package io.kitevend.report;

import io.kitevend.audit.AuditRecord;
import io.kitevend.binding.Binding;
import io.kitevend.report.AuditReport.Admin;
import io.kitevend.report.AuditReport.BindingCount;
import io.kitevend.report.AuditReport.BindingRequests;
import io.kitevend.report.AuditReport.Decisions;
import io.kitevend.report.AuditReport.History;
import io.kitevend.report.AuditReport.KeyRequests;
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
    public static final String KIND_SECRETS = "secrets";
    public static final String KIND_ADMIN = "admin";
    /** Allowed admin reads (audit records of kind admin with reason admin_read). */
    public static final String KIND_ADMIN_READ = "admin_read";
    /** Where records of kinds beyond {@link #MAX_KINDS} are counted. */
    public static final String OTHER_KINDS = "other_kinds";

    public static final String REPLAYED = "token_replayed";
    /** Kinds counted apart; the three kinds kitevend writes come first. */
    static final int MAX_KINDS = 16;

    private static final int ALLOW = 0;
    private static final int DENY = 1;
    private static final int ERROR = 2;
    private static final int OTHER = 3;
    private static final String[] DECISION_CODES = {"allow", "deny", "error", "other"};
    /** Stands for a missing action or principal in the admin counts. */
    static final String UNKNOWN = "(unknown)";

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
    /** Kind to requests by decision (indexed like {@link #decisions}), in first-seen order after the three known kinds. */
    private final Map<String, long[]> kinds = new LinkedHashMap<>();

    private final CappedCounter vendsByPipeline;
    private final CappedCounter vendsByBinding;
    private long vends;
    /** Keys: reason, kind. */
    private final CappedCounter refusals;
    /** Keys: reason, kind. */
    private final CappedCounter errors;
    /** Keys: organization, binding, decision. */
    private final CappedCounter secretsByBinding;
    /** Keys: action, decision. */
    private final CappedCounter adminByAction;
    /** Keys: principal, decision. */
    private final CappedCounter adminByPrincipal;

    private long replays;
    private final Map<String, Long> replayKinds = new LinkedHashMap<>();
    private final List<String> replaySamples = new ArrayList<>();
    private final CappedCounter replayPipelines;
    private final Map<Pair, Sight> windowPairs = new HashMap<>();
    private boolean windowPairsTruncated;
    private final List<Map<String, Object>> adminChanges = new ArrayList<>();
    private long adminRecords;

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
        for (String kind : List.of(KIND_VEND, KIND_SECRETS, KIND_ADMIN)) {
            kinds.put(kind, new long[4]);
        }
        this.vendsByPipeline = new CappedCounter(keys, 0);
        this.vendsByBinding = new CappedCounter(keys, 0);
        this.refusals = new CappedCounter(keys, samples);
        this.errors = new CappedCounter(keys, samples);
        this.secretsByBinding = new CappedCounter(keys, 0);
        this.adminByAction = new CappedCounter(keys, 0);
        this.adminByPrincipal = new CappedCounter(keys, 0);
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

    /**
     * Feeds a record from before the window into history only: first sight of pairs (vends), last
     * use of bindings (vends and secrets handed out).
     */
    public void learn(Map<String, Object> record) {
        long t = AuditTimes.parseMillis(record.get("time"));
        String kind = kind(record);
        if (t == AuditTimes.INVALID
                || t >= fromMs
                || !(KIND_VEND.equals(kind) || KIND_SECRETS.equals(kind))
                || decision(record) != ALLOW) {
            return;
        }
        String org = string(record, "organization_slug");
        String binding = string(record, "binding");
        if (org != null && binding != null) {
            lastUsed.merge(new BindingKey(org, binding), t, Math::max);
        }
        String pipeline = string(record, "pipeline_slug");
        String role = string(record, "role_arn");
        if (KIND_VEND.equals(kind) && org != null && pipeline != null && role != null) {
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
        String kind = countedKind(kind(record));
        int d = decision(record);
        decisions[d]++;
        kinds.get(kind)[d]++;
        timeline[(int) ((t - fromMs) / bucketMs)][d]++;
        String requestId = string(record, "request_id");
        String reason = string(record, "reason");
        String why = reason == null ? "unknown" : reason;
        switch (d) {
            case DENY -> refusals.add(key(why, kind), requestId);
            case ERROR -> errors.add(key(why, kind), requestId);
            default -> {}
        }
        String org = string(record, "organization_slug");
        String pipeline = string(record, "pipeline_slug");
        if (d == DENY && REPLAYED.equals(reason)) {
            replays++;
            replayKinds.merge(kind, 1L, Long::sum);
            if (replaySamples.size() < options.samplesPerReason() && requestId != null) {
                replaySamples.add(requestId);
            }
            replayPipelines.add(key(org, pipeline));
        }
        String binding = string(record, "binding");
        switch (kind) {
            case KIND_ADMIN -> {
                adminByAction.add(key(nonNull(string(record, "action")), DECISION_CODES[d]));
                adminByPrincipal.add(key(nonNull(string(record, "principal")), DECISION_CODES[d]));
                adminRecords++;
                if (adminChanges.size() < options.maxAdminChanges()) {
                    adminChanges.add(adminEntry(record));
                }
            }
            case KIND_SECRETS -> {
                secretsByBinding.add(key(binding == null ? "" : org, binding) + SEP + DECISION_CODES[d]);
                if (d == ALLOW && org != null && binding != null) {
                    lastUsed.merge(new BindingKey(org, binding), t, Math::max);
                }
            }
            case KIND_VEND -> {
                if (record.get("latency_ms") instanceof Number n) {
                    latency.record(n.longValue());
                }
                if (d == ALLOW) {
                    vend(t, requestId, org, pipeline, binding, string(record, "role_arn"));
                }
            }
            default -> {}
        }
    }

    /** {@code kind}, or {@link #OTHER_KINDS} once {@link #MAX_KINDS} kinds are counted apart. */
    private String countedKind(String kind) {
        if (!kinds.containsKey(kind)) {
            if (kinds.size() >= MAX_KINDS - 1) {
                kinds.computeIfAbsent(OTHER_KINDS, k -> new long[4]);
                return OTHER_KINDS;
            }
            kinds.put(kind, new long[4]);
        }
        return kind;
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
        Map<String, Decisions> byKind = new LinkedHashMap<>();
        kinds.forEach((kind, d) -> byKind.put(kind, decisions(d)));
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
        Map<String, Decisions> secretsRows = byDecision(secretsByBinding, 3);
        List<BindingRequests> secretsByBindingList = new ArrayList<>();
        secretsRows.forEach((key, d) -> {
            String[] k = split(key, 2);
            secretsByBindingList.add(
                    new BindingRequests(k[1].isEmpty() ? null : k[0], k[1].isEmpty() ? null : k[1], d));
        });
        secretsByBindingList.sort(
                Comparator.comparingLong((BindingRequests b) -> -b.requests().total())
                        .thenComparing(b -> nz(b.organization()))
                        .thenComparing(b -> nz(b.binding())));
        Decisions secrets = byKind.get(KIND_SECRETS);
        Decisions admin = byKind.get(KIND_ADMIN);
        return new AuditReport(
                generatedAt,
                window,
                history,
                new AuditReport.Source(recordsRead, outside, malformed),
                new AuditReport.Totals(records, decisions(decisions), byKind),
                Duration.ofMillis(bucketMs),
                buckets,
                new AuditReport.Vends(vends, byPipeline, byBinding, vendsByPipeline.other(), vendsByBinding.other()),
                new AuditReport.Secrets(secrets.total(), secrets, secretsByBindingList, secretsByBinding.other()),
                reasons(refusals, byKind, DENY),
                reasons(errors, byKind, ERROR),
                new NewPairs(newPairs, windowPairs.size(), windowPairsTruncated),
                reviewBindings(bindings),
                new Admin(
                        admin.total(),
                        admin,
                        keyRequests(adminByAction),
                        keyRequests(adminByPrincipal),
                        adminByAction.other(),
                        adminByPrincipal.other(),
                        List.copyOf(adminChanges),
                        adminRecords > adminChanges.size()),
                new AuditReport.Replays(
                        replays, replayKinds(), List.copyOf(replaySamples), replayByPipeline, replayPipelines.other()),
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

    private static Decisions decisions(long[] d) {
        return new Decisions(d[ALLOW], d[DENY], d[ERROR], d[OTHER]);
    }

    /** Replays by kind, in the order of the totals' kinds. */
    private Map<String, Long> replayKinds() {
        Map<String, Long> out = new LinkedHashMap<>();
        kinds.keySet().forEach(kind -> out.put(kind, replayKinds.getOrDefault(kind, 0L)));
        return out;
    }

    /**
     * Refusals or errors by reason: the counter's (reason, kind) keys grouped by reason, each with
     * its count per kind and samples of any kind; most frequent first.
     */
    private Reasons reasons(CappedCounter counter, Map<String, Decisions> byKind, int decision) {
        Map<String, Map<String, Long>> perReason = new LinkedHashMap<>();
        Map<String, List<String>> samples = new HashMap<>();
        for (CappedCounter.Entry e : counter.entries()) {
            String[] k = split(e.key(), 2);
            Map<String, Long> kindCounts = perReason.computeIfAbsent(k[0], r -> {
                Map<String, Long> m = new LinkedHashMap<>();
                kinds.keySet().forEach(kind -> m.put(kind, 0L));
                return m;
            });
            kindCounts.merge(k[1], e.count(), Long::sum);
            List<String> ids = samples.computeIfAbsent(k[0], r -> new ArrayList<>());
            for (String id : e.samples()) {
                if (ids.size() < options.samplesPerReason()) {
                    ids.add(id);
                }
            }
        }
        List<ReasonCount> list = new ArrayList<>();
        perReason.forEach((reason, counts) -> list.add(new ReasonCount(
                reason,
                counts.values().stream().mapToLong(Long::longValue).sum(),
                counts,
                List.copyOf(samples.get(reason)))));
        list.sort(Comparator.comparingLong(ReasonCount::count).reversed().thenComparing(ReasonCount::reason));
        Map<String, Long> totalByKind = new LinkedHashMap<>();
        byKind.forEach((kind, d) -> totalByKind.put(kind, decision == DENY ? d.deny() : d.error()));
        return new Reasons(counter.total(), totalByKind, list, counter.other());
    }

    /** A counter whose keys end with a decision code, as the rest of the key to its requests by decision. */
    private static Map<String, Decisions> byDecision(CappedCounter counter, int parts) {
        Map<String, long[]> grouped = new LinkedHashMap<>();
        for (CappedCounter.Entry e : counter.entries()) {
            int cut = e.key().lastIndexOf(SEP);
            split(e.key(), parts);
            long[] d = grouped.computeIfAbsent(e.key().substring(0, cut), k -> new long[4]);
            d[List.of(DECISION_CODES).indexOf(e.key().substring(cut + 1))] += e.count();
        }
        Map<String, Decisions> out = new LinkedHashMap<>();
        grouped.forEach((k, d) -> out.put(k, decisions(d)));
        return out;
    }

    /** Admin requests by one key (action or principal), most first. */
    private static List<KeyRequests> keyRequests(CappedCounter counter) {
        List<KeyRequests> out = new ArrayList<>();
        byDecision(counter, 2).forEach((key, d) -> out.add(new KeyRequests(key, d)));
        out.sort(Comparator.comparingLong((KeyRequests k) -> -k.requests().total())
                .thenComparing(KeyRequests::key));
        return out;
    }

    private static String nonNull(String s) {
        return s == null ? UNKNOWN : nz(s);
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
        if (KIND_ADMIN.equals(kind) && AuditRecord.ADMIN_READ.equals(string(record, "reason"))) {
            // An allowed admin read is audited, but it changed nothing: counted as a kind of its own,
            // so that the admin card and its changes are what changed bindings or was refused.
            return KIND_ADMIN_READ;
        }
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

    /** A key part: never null, and never the separator (which would split a key in the wrong place). */
    private static String nz(String s) {
        return s == null ? "" : s.replace(SEP, '\uFFFD');
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
