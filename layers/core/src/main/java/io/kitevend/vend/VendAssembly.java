package io.kitevend.vend;

import io.kitevend.audit.AuditLog;
import io.kitevend.audit.AuditStore;
import io.kitevend.audit.AuditTrail;
import io.kitevend.audit.DynamoAuditStore;
import io.kitevend.aws.AwsClients;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.CachedBindings;
import io.kitevend.binding.DynamoBindingStore;
import io.kitevend.config.VendConfig;
import io.kitevend.credentials.StsCredentialIssuer;
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
import software.amazon.awssdk.services.sts.StsClient;

/** The vend use case put together from its configuration with the AWS adapters. */
public record VendAssembly(VendService service, TokenVerifier verifier, CachedBindings bindings,
                           DynamoDbClient dynamo, StsClient sts, VendConfig config) {

    public static VendAssembly create(VendConfig config, AwsClients aws, Clock clock, PrintStream log) {
        return create(config, aws, clock, log, UnaryOperator.identity());
    }

    /** As above; {@code auditStore} may wrap the DynamoDB audit store (the local runner keeps recent records). */
    public static VendAssembly create(VendConfig config, AwsClients aws, Clock clock, PrintStream log,
                                      UnaryOperator<AuditStore> auditStore) {
        DynamoDbClient dynamo = aws.dynamo();
        StsClient sts = aws.sts();
        TokenVerifier verifier = new TokenVerifier(config.token(), SigningKeys.fromUrl(config.token()), clock);
        ReplayGuard replay = config.replayProtection()
                ? new DynamoReplayGuard(dynamo, config.replayTable(), config.token().clockSkew())
                : ReplayGuard.DISABLED;
        CachedBindings bindings = new CachedBindings(
                new DynamoBindingStore(dynamo, config.bindingsTable()),
                new BindingCompiler(config.bindingRules()),
                config.bindingsCacheTtl(), clock,
                invalid -> log.println(Json.write(Map.of("level", "WARN",
                        "message", "stored binding skipped: " + invalid.getMessage()))));
        AuditTrail audit = new AuditTrail(
                auditStore.apply(new DynamoAuditStore(dynamo, config.auditTable(), config.auditRetention(), config.auditShards())),
                new AuditLog(log));
        VendService service = new VendService(verifier, replay, bindings, new StsCredentialIssuer(sts), audit, clock);
        return new VendAssembly(service, verifier, bindings, dynamo, sts, config);
    }
}
