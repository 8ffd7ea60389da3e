package io.kitevend.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A query string as sent, split into its name/value pairs, still encoded. */
final class RawQuery {
    private RawQuery() {}

    /** The pairs in order; {@code name} without {@code =} has the value "", empty pairs are skipped. */
    static List<Map.Entry<String, String>> pairs(String rawQuery) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return pairs;
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            pairs.add(Map.entry(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1)));
        }
        return pairs;
    }
}
