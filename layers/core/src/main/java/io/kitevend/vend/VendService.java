package io.kitevend.vend;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.AuditRecord;
import io.kitevend.binding.CompiledBinding;
import io.kitevend.credentials.CredentialIssuer;
import io.kitevend.credentials.IssuedCredentials;
import io.kitevend.credentials.RoleRefusedException;
import io.kitevend.credentials.SessionRequest;
import io.kitevend.credentials.SessionRequests;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import io.kitevend.job.AuditedRequest;
import io.kitevend.job.JobGate;
import io.kitevend.job.JobPorts;
import java.time.Clock;

/**
 * The vend use case, as a chain of small steps: the job passes the {@link JobGate} (request shape,
 * token, replay, binding), then the binding's role is assumed. Whatever happens, one audit record
 * is written at the end; if it cannot be stored, credentials are withheld (fail closed).
 */
public final class VendService {
    public static final int MAX_BODY_BYTES = JobGate.MAX_BODY_BYTES;

    private final JobGate gate;
    private final CredentialIssuer issuer;
    private final AuditedRequest audited;

    public VendService(JobPorts ports, CredentialIssuer issuer, Clock clock) {
        this.gate = new JobGate(ports.verifier()::verify, ports.replay(), ports.bindings());
        this.issuer = issuer;
        this.audited = new AuditedRequest(ports.audit(), clock);
    }

    private record IssuedVend(IssuedCredentials credentials, String binding, String roleArn) {}

    public VendResult vend(HttpRequest request) {
        var outcome = audited.run(request, AuditRecord.KIND_VEND, "credentials", record -> {
            JobGate.Admitted job = gate.admit(request, record, true);
            CompiledBinding binding = job.binding();
            record.roleArn(binding.binding().roleArn());
            SessionRequest session = SessionRequests.forJob(binding.binding(), job.claims(), job.durationSeconds());
            record.sessionName(session.sessionName());
            record.sourceIdentity(session.sourceIdentity());
            record.durationSeconds(session.durationSeconds());
            IssuedCredentials credentials = assume(session);
            record.accessKeyId(credentials.accessKeyId());
            record.expiration(credentials.expiration());
            return new IssuedVend(credentials, binding.name(), session.roleArn());
        });
        return switch (outcome) {
            case AuditedRequest.Outcome.Done<IssuedVend> done ->
                new VendResult.Issued(
                        request.requestId(),
                        done.value().credentials(),
                        done.value().binding(),
                        done.value().roleArn());
            case AuditedRequest.Outcome.Refused<IssuedVend> refused ->
                new VendResult.Refused(request.requestId(), refused.problem());
        };
    }

    private IssuedCredentials assume(SessionRequest session) throws JobGate.Refusal {
        try {
            return issuer.issue(session);
        } catch (RoleRefusedException e) {
            ProblemType type = RoleRefusedException.TRUST_DENIED.equals(e.reason())
                    ? ProblemType.ROLE_TRUST_DENIED
                    : ProblemType.ROLE_REFUSED;
            throw JobGate.deny(
                    e.reason(),
                    e.getMessage(),
                    Problem.of(
                            type,
                            "AWS refused to let kitevend assume the binding's role. An administrator must check the role's trust policy."));
        } catch (DependencyUnavailableException e) {
            throw JobGate.unavailable(e);
        }
    }
}
