package io.kitevend.audit;

import io.kitevend.json.LogLine;
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
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("audit", record.fields());
        if (storeOutcome != null) {
            fields.put("audit_store", storeOutcome);
        }
        LogLine.print(out, record.decision() == Decision.ERROR ? "ERROR" : "INFO", "kitevend audit", fields);
    }
}
