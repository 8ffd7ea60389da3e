package io.kitevend.local;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.AuditStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Keeps the most recent audit records that the real store accepted, so that the local runner can
 * show them ({@code GET /dev/audit}) whichever store it uses.
 */
final class RecentAudit implements AuditStore {
    static final int KEEP = 100_000;

    private final AuditStore delegate;
    private final Deque<Map<String, Object>> recent = new ArrayDeque<>();

    RecentAudit(AuditStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void put(AuditRecord record) throws DependencyUnavailableException {
        if (delegate != null) {
            delegate.put(record);
        }
        Map<String, Object> fields = record.fields();
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
