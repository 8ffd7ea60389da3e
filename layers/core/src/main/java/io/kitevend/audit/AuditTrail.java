package io.kitevend.audit;

import io.kitevend.DependencyUnavailableException;
import java.util.function.Consumer;

/** Writes a finished record to the store and, always, to the log. */
public final class AuditTrail {
    private final AuditStore store;
    private final AuditLog log;

    public AuditTrail(AuditStore store, AuditLog log) {
        this.store = store;
        this.log = log;
    }

    /**
     * Stores the record, then logs it. When the store fails, {@code onStoreFailure} may amend the
     * record (say, that credentials were withheld) before it is logged, and the failure is thrown.
     */
    public void write(AuditRecord record, Consumer<AuditRecord> onStoreFailure) throws DependencyUnavailableException {
        DependencyUnavailableException failure = null;
        try {
            store.put(record);
        } catch (DependencyUnavailableException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new DependencyUnavailableException(
                    "audit-store", e.getClass().getSimpleName(), DependencyUnavailableException.DEFAULT_RETRY_AFTER, e);
        }
        if (failure == null) {
            log.write(record, "stored");
            return;
        }
        onStoreFailure.accept(record);
        log.write(record, "failed: " + failure.getMessage());
        throw failure;
    }
}
