package io.kitevend.local;

import io.kitevend.audit.AuditStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Keeps the most recent audit records that the real store accepted, so that the local runner can
 * show them ({@code GET /dev/audit}) whichever store it uses.
 */
final class RecentAudit {
    static final int KEEP = 100_000;

    private final Deque<Map<String, Object>> recent = new ArrayDeque<>();

    /** {@code store}, and each record it accepted kept here too. */
    AuditStore over(AuditStore store) {
        return record -> {
            store.put(record);
            keep(record.fields());
        };
    }

    private void keep(Map<String, Object> fields) {
        synchronized (recent) {
            recent.addLast(fields);
            if (recent.size() > KEEP) {
                recent.removeFirst();
            }
        }
    }

    List<Map<String, Object>> records() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
