package io.kitevend.report;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The window a function invocation asks for. An EventBridge scheduled event (or an empty input)
 * gets the last full UTC day before the event's {@code time} (before now when it has none), so a
 * delayed or retried run still covers the day it was scheduled for. A direct invocation names
 * its window: {@code {"from": "2025-05-14T00:00:00Z", "to": "2025-05-15T00:00:00Z"}}.
 */
public final class ReportInvocation {
    private ReportInvocation() {}

    public static ReportWindow window(Map<String, Object> input, Instant now, Duration maxLength) {
        Map<String, Object> in = input == null ? Map.of() : input;
        Object from = in.get("from");
        Object to = in.get("to");
        ReportWindow window;
        if (from != null || to != null) {
            Instant start = instant("from", from);
            Instant end = instant("to", to);
            if (!start.isBefore(end)) {
                throw new IllegalArgumentException("'from' must be before 'to'");
            }
            window = new ReportWindow(start, end);
        } else if (in.get("time") != null) {
            window = ReportWindow.lastFullDay(instant("time", in.get("time")));
        } else {
            window = ReportWindow.lastFullDay(now);
        }
        if (window.length().compareTo(maxLength) > 0) {
            throw new IllegalArgumentException("the window is "
                    + window.length().toDays() + " days long; at most " + maxLength.toDays() + " days are allowed");
        }
        return window;
    }

    private static Instant instant(String field, Object value) {
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("'" + field + "' must be an ISO-8601 time such as 2025-05-14T00:00:00Z");
        }
        try {
            Instant t = Instant.parse(s);
            if (t.getNano() % 1_000_000 != 0) {
                throw new IllegalArgumentException("'" + field + "' must be whole milliseconds");
            }
            return t;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "'" + field + "' must be an ISO-8601 time such as 2025-05-14T00:00:00Z, got '"
                            + (s.length() > 40 ? s.substring(0, 40) : s) + "'");
        }
    }
}
