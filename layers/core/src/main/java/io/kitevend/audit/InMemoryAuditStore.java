package io.kitevend.audit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The newest audit records, kept in memory in arrival order (the local runner's embedded default,
 * tests); queried like the table. It keeps at most {@code capacity} records and forgets the oldest
 * beyond that, so a long run neither grows the heap nor slows the request path: a write is
 * constant time. Every record is also on the audit log line, which keeps them all.
 */
public final class InMemoryAuditStore implements AuditStore, AuditQuery {
    /** About 3 KB of heap per vend record, so ~150 MB when full ({@code bench/soak}: 152 MiB after GC). */
    public static final int DEFAULT_CAPACITY = 50_000;

    private final ArrayDeque<Map<String, Object>> records = new ArrayDeque<>();
    private final int capacity;
    private long forgotten;

    public InMemoryAuditStore() {
        this(DEFAULT_CAPACITY);
    }

    public InMemoryAuditStore(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void put(AuditRecord record) {
        if (records.size() == capacity) {
            records.removeFirst();
            forgotten++;
        }
        records.addLast(record.fields());
    }

    /** The records kept, oldest first. */
    public synchronized List<Map<String, Object>> records() {
        return List.copyOf(records);
    }

    public int capacity() {
        return capacity;
    }

    /** How many older records were forgotten to stay within the capacity. */
    public synchronized long forgotten() {
        return forgotten;
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
