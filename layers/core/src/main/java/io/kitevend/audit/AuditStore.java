package io.kitevend.audit;

import io.kitevend.DependencyUnavailableException;

/** Durable home of audit records. A failed write must be reported, never swallowed. */
public interface AuditStore {
    void put(AuditRecord record) throws DependencyUnavailableException;
}
