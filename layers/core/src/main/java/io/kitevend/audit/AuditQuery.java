package io.kitevend.audit;

import io.kitevend.DependencyUnavailableException;
import java.util.Map;

/** Reads audit records back: newest first, one page at a time. */
public interface AuditQuery {

    /**
     * Up to {@code limit} records passing {@code filter}, newest first, starting after the record
     * at position {@code after} (null: from the newest).
     */
    AuditPage query(AuditFilter filter, String after, int limit) throws DependencyUnavailableException;

    /**
     * A record's position in the newest-first order: its time (fixed width, so text order is time
     * order) and request id, the audit table's sort key.
     */
    static String position(Map<String, Object> fields) {
        return fields.get("time") + "#" + fields.get("request_id");
    }
}
