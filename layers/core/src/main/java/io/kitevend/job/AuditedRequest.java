package io.kitevend.job;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.AuditTrail;
import io.kitevend.audit.Decision;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import java.time.Clock;

/**
 * One audit record per request, whatever happens: the record is opened before the work, filled by
 * it, closed with the outcome, and written once. If it cannot be stored, what the work produced
 * is withheld (fail closed) and the caller gets 503.
 */
public final class AuditedRequest {
    private final AuditTrail audit;
    private final Clock clock;

    public AuditedRequest(AuditTrail audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** The work of one request; it fills the record and refuses with a {@link JobGate.Refusal}. */
    @FunctionalInterface
    public interface Work<T> {
        T run(AuditRecord record) throws JobGate.Refusal;
    }

    /** What the caller gets: the work's result, or a problem. */
    public sealed interface Outcome<T> {
        record Done<T>(T value) implements Outcome<T> {}

        record Refused<T>(Problem problem) implements Outcome<T> {}
    }

    /**
     * @param kind the audit record's kind ({@code vend}, {@code secrets})
     * @param what what is withheld when the record cannot be stored, for messages ("credentials")
     */
    public <T> Outcome<T> run(HttpRequest request, String kind, String what, Work<T> work) {
        long started = System.nanoTime();
        AuditRecord record = new AuditRecord(request.requestId(), clock.instant(), kind);
        record.sourceIp(request.sourceIp());
        record.userAgent(request.userAgent());
        Outcome<T> outcome;
        try {
            T value = work.run(record);
            record.outcome(Decision.ALLOW, "issued", null, 200);
            outcome = new Outcome.Done<>(value);
        } catch (JobGate.Refusal refusal) {
            record.outcome(
                    refusal.decision(),
                    refusal.reason(),
                    refusal.getMessage(),
                    refusal.problem().type().status());
            outcome = new Outcome.Refused<>(refusal.problem());
        } catch (RuntimeException e) {
            record.outcome(Decision.ERROR, "internal_error", e.getClass().getName(), 500);
            outcome = new Outcome.Refused<>(
                    Problem.of(ProblemType.INTERNAL_ERROR, "Unexpected error; no " + what + " were issued."));
        }
        record.latencyMillis((System.nanoTime() - started) / 1_000_000);
        try {
            audit.write(record, unstored -> {
                if (unstored.decision() == Decision.ALLOW) {
                    unstored.outcome(
                            Decision.ERROR,
                            "audit_write_failed",
                            what + " were obtained but withheld because the audit record could not be stored",
                            503);
                }
            });
        } catch (DependencyUnavailableException e) {
            if (outcome instanceof Outcome.Done) {
                return new Outcome.Refused<>(Problem.unavailable(
                        "The audit trail is unavailable, so no " + what + " were issued. Retry later.",
                        e.retryAfter()));
            }
        }
        return outcome;
    }
}
