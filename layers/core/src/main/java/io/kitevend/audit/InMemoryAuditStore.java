package io.kitevend.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Audit records kept in memory, in arrival order (local runner, tests). */
public final class InMemoryAuditStore implements AuditStore {
    private final List<Map<String, Object>> records = new ArrayList<>();

    @Override
    public synchronized void put(AuditRecord record) {
        records.add(record.fields());
    }

    public synchronized List<Map<String, Object>> records() {
        return List.copyOf(records);
    }
}
