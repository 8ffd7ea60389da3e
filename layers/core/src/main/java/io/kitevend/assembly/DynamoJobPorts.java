package io.kitevend.assembly;

import io.kitevend.audit.AuditStore;
import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.DynamoReplayGuard;
import io.kitevend.config.VendConfig;
import io.kitevend.job.JobPorts;
import java.io.PrintStream;
import java.time.Clock;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The {@link JobPorts} of a deployment: replay guard, bindings and audit trail on DynamoDB. */
public final class DynamoJobPorts {
    private DynamoJobPorts() {}

    public static JobPorts create(VendConfig config, DynamoDbClient dynamo, Clock clock, PrintStream log) {
        return create(config, dynamo, clock, log, UnaryOperator.identity());
    }

    /** As above; {@code auditStore} may wrap the audit store (the local runner keeps recent records). */
    public static JobPorts create(
            VendConfig config,
            DynamoDbClient dynamo,
            Clock clock,
            PrintStream log,
            UnaryOperator<AuditStore> auditStore) {
        return JobPorts.of(
                config.job(),
                new DynamoReplayGuard(
                        dynamo, config.replayTable(), config.token().clockSkew()),
                new DynamoBindingStore(dynamo, config.bindingsTable()),
                auditStore.apply(new DynamoAuditStore(
                        dynamo, config.auditTable(), config.auditRetention(), config.auditShards())),
                clock,
                log);
    }
}
