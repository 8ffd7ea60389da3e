package io.kitevend.admin;

import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.testing.AdminFixture;

/** {@link AuditQueryChecks} on the in-memory audit store (the local runner's). */
class AuditQueryTest extends AuditQueryChecks {
    @Override
    protected AdminFixture newFixture() {
        return new AdminFixture(new InMemoryBindingStore(), new InMemoryAuditStore());
    }
}
