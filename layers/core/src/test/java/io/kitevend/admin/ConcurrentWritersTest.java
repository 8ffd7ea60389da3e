package io.kitevend.admin;

import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.testing.AdminFixture;

/** {@link ConcurrentWriterChecks} on the in-memory store (the local runner's). */
class ConcurrentWritersTest extends ConcurrentWriterChecks {
    @Override
    protected AdminFixture newFixture() {
        return new AdminFixture(new InMemoryBindingStore(), new InMemoryAuditStore());
    }
}
