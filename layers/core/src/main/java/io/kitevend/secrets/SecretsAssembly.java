package io.kitevend.secrets;

import io.kitevend.audit.AuditLog;
import io.kitevend.audit.AuditTrail;
import io.kitevend.audit.DynamoAuditStore;
import io.kitevend.aws.AwsClients;
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
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The secrets use case put together from its configuration with the AWS adapters. */
public record SecretsAssembly(SecretsService service, CachedBindings bindings, CachedSecretSource secrets) {

    public static SecretsAssembly create(SecretsConfig config, AwsClients aws, Clock clock, PrintStream log) {
        VendConfig vend = config.vend();
        var dynamo = aws.dynamo();
        TokenVerifier verifier = new TokenVerifier(vend.token(), SigningKeys.fromUrl(vend.token()), clock);
        ReplayGuard replay = vend.replayProtection()
                ? new DynamoReplayGuard(dynamo, vend.replayTable(), vend.token().clockSkew())
                : ReplayGuard.DISABLED;
        CachedBindings bindings = new CachedBindings(new DynamoBindingStore(dynamo, vend.bindingsTable()),
                new BindingCompiler(vend.bindingRules()), vend.bindingsCacheTtl(), clock,
                invalid -> log.println(Json.write(Map.of("level", "WARN", "message", "stored binding skipped: " + invalid.getMessage()))));
        CachedSecretSource secrets = new CachedSecretSource(
                new SecretsManagerSource(aws.client(SecretsManagerClient.builder())), config.secretsCacheTtl(), clock);
        AuditTrail audit = new AuditTrail(
                new DynamoAuditStore(dynamo, vend.auditTable(), vend.auditRetention(), vend.auditShards()), new AuditLog(log));
        return new SecretsAssembly(new SecretsService(verifier, replay, bindings, secrets, audit, clock), bindings, secrets);
    }
}
