package io.kitevend.assembly;

import io.kitevend.audit.AuditLog;
import io.kitevend.audit.AuditStore;
import io.kitevend.audit.AuditTrail;
import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.DynamoReplayGuard;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.CachedBindings;
import io.kitevend.config.VendConfig;
import io.kitevend.job.JobPorts;
import io.kitevend.json.Json;
import io.kitevend.replay.ReplayGuard;
import io.kitevend.token.SigningKeys;
import io.kitevend.token.TokenVerifier;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The {@link JobPorts} of a deployment: replay guard, bindings and audit trail on DynamoDB. */
public final class DynamoJobPorts {
    private DynamoJobPorts() {}

    /** {@code auditStore} may wrap the audit store (the local runner keeps recent records). */
    public static JobPorts create(
            VendConfig config,
            DynamoDbClient dynamo,
            Clock clock,
            PrintStream log,
            UnaryOperator<AuditStore> auditStore) {
        TokenVerifier verifier = new TokenVerifier(config.token(), SigningKeys.fromUrl(config.token()), clock);
        ReplayGuard replay = config.replayProtection()
                ? new DynamoReplayGuard(
                        dynamo, config.replayTable(), config.token().clockSkew())
                : ReplayGuard.DISABLED;
        CachedBindings bindings = new CachedBindings(
                new DynamoBindingStore(dynamo, config.bindingsTable()),
                new BindingCompiler(config.bindingRules()),
                config.bindingsCacheTtl(),
                clock,
                invalid -> log.println(Json.write(
                        Map.of("level", "WARN", "message", "stored binding skipped: " + invalid.getMessage()))));
        AuditTrail audit = new AuditTrail(
                auditStore.apply(new DynamoAuditStore(
                        dynamo, config.auditTable(), config.auditRetention(), config.auditShards())),
                new AuditLog(log));
        return new JobPorts(verifier, replay, bindings, audit);
    }
}
