package io.kitevend.vend;

import io.kitevend.audit.AuditLog;
import io.kitevend.audit.AuditStore;
import io.kitevend.audit.AuditTrail;
import io.kitevend.audit.DynamoAuditStore;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.CachedBindings;
import io.kitevend.binding.DynamoBindingStore;
import io.kitevend.config.VendConfig;
import io.kitevend.json.Json;
import io.kitevend.replay.DynamoReplayGuard;
import io.kitevend.replay.ReplayGuard;
import io.kitevend.token.SigningKeys;
import io.kitevend.token.TokenVerifier;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * What every job request needs besides the thing it hands out: the token verifier, the replay
 * guard, the bindings and the audit trail. Credentials and secrets share one set, so a token
 * used on one route is refused on the other.
 */
public record JobPorts(TokenVerifier verifier, ReplayGuard replay, CachedBindings bindings, AuditTrail audit) {

    /** On DynamoDB; {@code auditStore} may wrap the audit store (the local runner keeps recent records). */
    public static JobPorts onDynamo(
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
