package io.kitevend.audit;

import io.kitevend.DependencyUnavailableException;
import java.util.List;
import java.util.Map;

/** Reads audit records back: newest first, one page at a time. */
public interface AuditQuery {

    /**
     * Up to {@code limit} records passing {@code filter}, newest first, starting after the record
     * at position {@code after} (null: from the newest).
     */
    AuditPage query(AuditFilter filter, String after, int limit) throws DependencyUnavailableException;

    /**
     * The records of one request (a vend or secrets request has one; an admin request one, or one
     * per binding it changed, {@code ID.1}, {@code ID.2} ...: those are found by their own ids),
     * oldest first; at most {@code limit}.
     */
    List<Map<String, Object>> byRequestId(String requestId, int limit) throws DependencyUnavailableException;

    /**
     * A record's position in the newest-first order: its time (fixed width, so text order is time
     * order) and request id, the audit table's sort key.
     */
    static String position(Map<String, Object> fields) {
        return fields.get("time") + "#" + fields.get("request_id");
    }
}
