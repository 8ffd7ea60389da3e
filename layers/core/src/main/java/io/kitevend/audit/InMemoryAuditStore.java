package io.kitevend.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Audit records kept in memory, in arrival order (local runner, tests); queried like the table. */
public final class InMemoryAuditStore implements AuditStore, AuditQuery {
    private final List<Map<String, Object>> records = new ArrayList<>();

    @Override
    public synchronized void put(AuditRecord record) {
        records.add(record.fields());
    }

    public synchronized List<Map<String, Object>> records() {
        return List.copyOf(records);
    }

    @Override
    public List<Map<String, Object>> byRequestId(String requestId, int limit) {
        return records().stream()
                .filter(r -> requestId.equals(r.get("request_id")))
                .sorted(Comparator.comparing(AuditQuery::position))
                .limit(limit)
                .toList();
    }

    @Override
    public AuditPage query(AuditFilter filter, String after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        List<Map<String, Object>> matching = new ArrayList<>(records().stream()
                .filter(filter::accepts)
                .filter(r -> after == null || AuditQuery.position(r).compareTo(after) < 0)
                .sorted(Comparator.comparing(AuditQuery::position).reversed())
                .limit(limit + 1L)
                .toList());
        if (matching.size() <= limit) {
            return new AuditPage(matching, null);
        }
        List<Map<String, Object>> page = matching.subList(0, limit);
        return new AuditPage(page, AuditQuery.position(page.get(limit - 1)));
    }
}
