package io.kitevend.assembly;

import io.kitevend.admin.AdminService;
import io.kitevend.admin.AuditReader;
import io.kitevend.admin.BindingAdmin;
import io.kitevend.admin.Explainer;
import io.kitevend.audit.AuditLog;
import io.kitevend.audit.AuditQuery;
import io.kitevend.audit.AuditStore;
import io.kitevend.audit.AuditTrail;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.BindingStore;
import io.kitevend.config.AdminConfig;
import io.kitevend.token.SigningKeys;
import io.kitevend.token.TokenVerifier;
import java.io.PrintStream;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The admin use case put together from its configuration: with the DynamoDB adapters
 * ({@link #create(AdminConfig, AwsClients, Clock, PrintStream)}), or on any ports, such as the
 * local runner's in-memory stores ({@link #create(AdminConfig, BindingStore, AuditStore, AuditQuery, TokenVerifier, Clock, PrintStream)}).
 */
public record AdminAssembly(AdminService service, BindingStore bindings, AuditQuery auditQuery, AdminConfig config) {

    /** On DynamoDB: the bindings table and the audit table (written and queried), the Buildkite JWKS for explain. */
    public static AdminAssembly create(AdminConfig config, AwsClients aws, Clock clock, PrintStream log) {
        DynamoDbClient dynamo = aws.dynamo();
        DynamoAuditStore audit =
                new DynamoAuditStore(dynamo, config.auditTable(), config.auditRetention(), config.auditShards());
        TokenVerifier verifier = new TokenVerifier(config.token(), SigningKeys.fromUrl(config.token(), clock), clock);
        return create(
                config, new DynamoBindingStore(dynamo, config.bindingsTable()), audit, audit, verifier, clock, log);
    }

    /**
     * On the given ports. The audit store and query should be one store seen two ways (say, an
     * {@link io.kitevend.audit.InMemoryAuditStore} twice), so that admins read what was written.
     */
    public static AdminAssembly create(
            AdminConfig config,
            BindingStore bindings,
            AuditStore auditStore,
            AuditQuery auditQuery,
            TokenVerifier verifier,
            Clock clock,
            PrintStream log) {
        AuditTrail trail = new AuditTrail(auditStore, new AuditLog(log));
        BindingCompiler compiler = new BindingCompiler(config.bindingRules());
        AdminService service = new AdminService(
                config.access(),
                new BindingAdmin(bindings, compiler, config.organizations(), trail, clock),
                new Explainer(bindings, compiler, verifier, config.organizations()),
                new AuditReader(auditQuery, config.organizations(), clock),
                trail,
                config.organizations(),
                clock,
                log);
        return new AdminAssembly(service, bindings, auditQuery, config);
    }
}
