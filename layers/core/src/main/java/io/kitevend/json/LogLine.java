package io.kitevend.json;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One structured log line: a JSON object with {@code level} and {@code message} first, then the
 * line's own fields, printed whole on one line (Lambda sends each line of standard output to
 * CloudWatch Logs as one event, which JSON log format reads as fields).
 */
public final class LogLine {
    private LogLine() {}

    public static void print(PrintStream out, String level, String message) {
        print(out, level, message, Map.of());
    }

    /** {@code fields} in their own order (say, a {@link LinkedHashMap}) after level and message. */
    public static void print(PrintStream out, String level, String message, Map<String, ?> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", level);
        line.put("message", message);
        line.putAll(fields);
        String json = Json.write(line);
        synchronized (out) {
            out.println(json);
        }
    }
}
