package io.kitevend.report;

/**
 * What a report judges and how much it keeps.
 *
 * @param staleDays          a binding unused for at least this many days is stale
 * @param longDurationSeconds a binding whose maximum session is longer than this is risky
 * @param bootstrapDays      with no saved state, history is first read from this many days before the window
 * @param maxKeys            distinct keys kept per count table (pipelines, bindings, reasons, new pairs); beyond, counted as "other"
 * @param samplesPerReason   request ids kept per refusal reason (and for replays)
 * @param maxAdminChanges    admin records listed in full; more are only counted
 * @param chartTop           bars in the top-pipelines and refusals charts
 */
public record ReportOptions(
        int staleDays,
        int longDurationSeconds,
        int bootstrapDays,
        int maxKeys,
        int samplesPerReason,
        int maxAdminChanges,
        int chartTop) {

    public static final ReportOptions DEFAULTS = new ReportOptions(30, 4 * 3600, 0, 10_000, 5, 500, 10);

    public ReportOptions {
        if (staleDays < 1
                || longDurationSeconds < 1
                || bootstrapDays < 0
                || maxKeys < 1
                || samplesPerReason < 0
                || maxAdminChanges < 0
                || chartTop < 1) {
            throw new IllegalArgumentException("report options out of range");
        }
    }

    public ReportOptions withStaleDays(int v) {
        return new ReportOptions(
                v, longDurationSeconds, bootstrapDays, maxKeys, samplesPerReason, maxAdminChanges, chartTop);
    }

    public ReportOptions withLongDurationSeconds(int v) {
        return new ReportOptions(staleDays, v, bootstrapDays, maxKeys, samplesPerReason, maxAdminChanges, chartTop);
    }

    public ReportOptions withBootstrapDays(int v) {
        return new ReportOptions(
                staleDays, longDurationSeconds, v, maxKeys, samplesPerReason, maxAdminChanges, chartTop);
    }

    public ReportOptions withMaxKeys(int v) {
        return new ReportOptions(
                staleDays, longDurationSeconds, bootstrapDays, v, samplesPerReason, maxAdminChanges, chartTop);
    }

    public ReportOptions withChartTop(int v) {
        return new ReportOptions(
                staleDays, longDurationSeconds, bootstrapDays, maxKeys, samplesPerReason, maxAdminChanges, v);
    }
}
