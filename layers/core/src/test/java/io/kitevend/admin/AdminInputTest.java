package io.kitevend.admin;

import io.kitevend.testing.AdminFixture;

/** {@link AdminInputChecks} on the in-memory stores. */
class AdminInputTest extends AdminInputChecks {
    @Override
    protected AdminFixture newFixture() {
        return new AdminFixture();
    }
}
