package io.kitevend.report;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The half-open time window {@code [from, to)} a report covers, at millisecond precision (the
 * precision of the audit table's sort key). Its UTC start date names the report's keys.
 */
public record ReportWindow(Instant from, Instant to) {

    public ReportWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.truncatedTo(ChronoUnit.MILLIS).equals(from)
                || !to.truncatedTo(ChronoUnit.MILLIS).equals(to)) {
            throw new IllegalArgumentException("from and to must be whole milliseconds");
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    /** The last full UTC day before {@code now}: yesterday 00:00 to today 00:00. */
    public static ReportWindow lastFullDay(Instant now) {
        Instant today = now.truncatedTo(ChronoUnit.DAYS);
        return new ReportWindow(today.minus(Duration.ofDays(1)), today);
    }

    public Duration length() {
        return Duration.between(from, to);
    }

    public boolean contains(Instant t) {
        return !t.isBefore(from) && t.isBefore(to);
    }

    /** The UTC date of the window's start; reports are stored under it. */
    public LocalDate day() {
        return LocalDate.ofInstant(from, ZoneOffset.UTC);
    }

    /** Every UTC date the window touches, in order (the audit table's day partitions to query). */
    public List<LocalDate> days() {
        LocalDate first = day();
        LocalDate last = LocalDate.ofInstant(to.minusMillis(1), ZoneOffset.UTC);
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            out.add(d);
        }
        return out;
    }
}
