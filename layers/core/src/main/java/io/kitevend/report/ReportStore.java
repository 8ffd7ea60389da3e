package io.kitevend.report;

import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/**
 * Where reports and the state carried between runs are kept, under fixed keys: a report's two
 * objects are {@code reports/YYYY/MM/DD/report.json} and {@code .../report.html} for the UTC
 * date its window starts, so re-running a window overwrites them; the state is
 * {@code reports/state.json}.
 */
public interface ReportStore {
    String PREFIX = "reports/";
    String STATE_KEY = PREFIX + "state.json";

    /** The saved state's JSON, or empty when there is none yet. */
    Optional<String> readState();

    void writeState(String json);

    /** Writes both objects and says where they went. */
    Written writeReport(LocalDate day, String json, String html);

    /** Locations (URIs or paths) of a written report. */
    record Written(String json, String html) {}

    static String jsonKey(LocalDate day) {
        return dayPrefix(day) + "report.json";
    }

    static String htmlKey(LocalDate day) {
        return dayPrefix(day) + "report.html";
    }

    private static String dayPrefix(LocalDate day) {
        return String.format(
                Locale.ROOT, "%s%04d/%02d/%02d/", PREFIX, day.getYear(), day.getMonthValue(), day.getDayOfMonth());
    }
}
