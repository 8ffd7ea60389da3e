package io.kitevend.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-memory store keeps the newest records up to its capacity, and queries what it keeps. */
class InMemoryAuditStoreTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private static AuditRecord record(int i) {
        AuditRecord r = new AuditRecord("req-" + i, START.plusSeconds(i), AuditRecord.KIND_VEND);
        r.outcome(Decision.ALLOW, "allowed", null, 200);
        return r;
    }

    @Test
    void atItsCapacityTheOldestRecordIsForgottenForEachNewOne() {
        InMemoryAuditStore store = new InMemoryAuditStore(3);
        for (int i = 1; i <= 5; i++) {
            store.put(record(i));
        }
        assertThat(store.records()).extracting(r -> r.get("request_id")).containsExactly("req-3", "req-4", "req-5");
        assertThat(store.forgotten()).isEqualTo(2);

        AuditPage page = store.query(new AuditFilter(START, START.plusSeconds(60), null, null, null), null, 10);
        assertThat(page.records()).extracting(r -> r.get("request_id")).containsExactly("req-5", "req-4", "req-3");
    }

    @Test
    void aLongRunKeepsOnlyTheCapacity() {
        InMemoryAuditStore store = new InMemoryAuditStore(1_000);
        for (int i = 0; i < 200_000; i++) {
            store.put(record(i));
        }
        assertThat(store.records()).hasSize(1_000);
        Map<String, Object> oldest = store.records().get(0);
        assertThat(oldest.get("request_id")).isEqualTo("req-199000");
        assertThat(store.forgotten()).isEqualTo(199_000);
    }
}
