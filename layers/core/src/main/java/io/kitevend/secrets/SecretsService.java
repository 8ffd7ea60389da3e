package io.kitevend.secrets;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.Decision;
import io.kitevend.binding.SecretGrant;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import io.kitevend.job.AuditedRequest;
import io.kitevend.job.JobGate;
import io.kitevend.job.JobPorts;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/secrets}: the job passes the same gate as for credentials (token, replay,
 * binding), then gets the secrets its binding grants. Every secret handed out is in the audit
 * record by id and version, never its value. A granted secret that cannot be had fails the whole
 * request: a job never gets an empty value in place of a secret.
 */
public final class SecretsService {
    private final JobGate gate;
    private final SecretSource source;
    private final AuditedRequest audited;

    public SecretsService(JobPorts ports, SecretSource source, Clock clock) {
        this.gate = new JobGate(ports.verifier()::verify, ports.replay(), ports.bindings());
        this.source = source;
        this.audited = new AuditedRequest(ports.audit(), clock);
    }

    private record Handed(String binding, Map<String, String> values) {}

    public SecretsResult secrets(HttpRequest request) {
        var outcome = audited.run(request, AuditRecord.KIND_SECRETS, "secrets", record -> {
            JobGate.Admitted job = gate.admit(request, record, false);
            Map<String, String> values = new LinkedHashMap<>();
            List<String> handed = new ArrayList<>();
            for (Map.Entry<String, SecretGrant> grant :
                    job.binding().binding().secrets().entrySet()) {
                SecretGrant g = grant.getValue();
                try {
                    SecretValue value = source.fetch(g.secretId());
                    values.put(grant.getKey(), value.textFor(g));
                    handed.add(grant.getKey() + "=" + g.secretId() + (g.key() == null ? "" : "#" + g.key()) + "@"
                            + value.versionId());
                } catch (SecretUnavailableException e) {
                    // Nothing is handed out, so the record's secrets field stays empty; what was read
                    // before the failure goes to the detail.
                    String detail =
                            e.getMessage() + (handed.isEmpty() ? "" : "; read before it, not handed out: " + handed);
                    throw e.missing()
                            ? JobGate.deny(
                                    e.reason(),
                                    detail,
                                    Problem.of(
                                            ProblemType.SECRET_NOT_FOUND,
                                            "The secret the binding grants as " + grant.getKey()
                                                    + " is missing. An administrator must fix it."))
                            : new JobGate.Refusal(
                                    Decision.ERROR,
                                    e.reason(),
                                    detail,
                                    Problem.unavailable(
                                            "The secret the binding grants as " + grant.getKey()
                                                    + " could not be read; no secrets were handed out.",
                                            DependencyUnavailableException.DEFAULT_RETRY_AFTER));
                }
            }
            record.secrets(handed);
            return new Handed(job.binding().name(), values);
        });
        return switch (outcome) {
            case AuditedRequest.Outcome.Done<Handed> done ->
                new SecretsResult.Granted(
                        request.requestId(),
                        done.value().binding(),
                        done.value().values(),
                        source.name());
            case AuditedRequest.Outcome.Refused<Handed> refused ->
                new SecretsResult.Refused(request.requestId(), refused.problem());
        };
    }
}
