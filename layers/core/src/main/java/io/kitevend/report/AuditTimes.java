package io.kitevend.report;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** Reads the audit record's {@code time} field quickly: it is millions of parses per report. */
final class AuditTimes {
    /** Returned for a missing or unreadable time. */
    static final long INVALID = Long.MIN_VALUE;

    private AuditTimes() {}

    /**
     * Epoch milliseconds of {@code uuuu-MM-ddTHH:mm:ss.SSSZ} (the form {@code AuditRecord.TIME}
     * writes), parsed by position; any other ISO-8601 instant through {@link Instant#parse}.
     */
    static long parseMillis(Object value) {
        if (!(value instanceof String s)) {
            return INVALID;
        }
        if (s.length() == 24
                && s.charAt(4) == '-'
                && s.charAt(7) == '-'
                && s.charAt(10) == 'T'
                && s.charAt(13) == ':'
                && s.charAt(16) == ':'
                && s.charAt(19) == '.'
                && s.charAt(23) == 'Z') {
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 2);
            int day = digits(s, 8, 2);
            int hour = digits(s, 11, 2);
            int minute = digits(s, 14, 2);
            int second = digits(s, 17, 2);
            int milli = digits(s, 20, 3);
            if (year >= 0
                    && month >= 1
                    && month <= 12
                    && day >= 1
                    && day <= 31
                    && hour >= 0
                    && hour < 24
                    && minute >= 0
                    && minute < 60
                    && second >= 0
                    && second < 60
                    && milli >= 0) {
                try {
                    long epochDay = LocalDate.of(year, month, day).toEpochDay();
                    return ((epochDay * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + milli;
                } catch (DateTimeException badDate) {
                    return INVALID;
                }
            }
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            return INVALID;
        }
    }

    private static int digits(String s, int start, int length) {
        int v = 0;
        for (int i = start; i < start + length; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
