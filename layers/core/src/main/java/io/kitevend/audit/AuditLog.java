package io.kitevend.audit;

import io.kitevend.json.Json;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One structured JSON line per request on standard output, which Lambda sends to CloudWatch
 * Logs. It cannot be turned off: it is the audit trail of last resort when the table is down.
 */
public final class AuditLog {
    private final PrintStream out;

    public AuditLog(PrintStream out) {
        this.out = out;
    }

    public static AuditLog stdout() {
        return new AuditLog(System.out);
    }

    public void write(AuditRecord record, String storeOutcome) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("level", record.decision() == Decision.ERROR ? "ERROR" : "INFO");
        line.put("message", "kitevend audit");
        line.put("audit", record.fields());
        if (storeOutcome != null) {
            line.put("audit_store", storeOutcome);
        }
        String json = Json.write(line);
        synchronized (out) {
            out.println(json);
        }
    }
}
