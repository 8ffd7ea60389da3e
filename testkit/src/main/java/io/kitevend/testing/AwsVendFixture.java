package io.kitevend.testing;

import io.kitevend.assembly.VendAssembly;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.Tables;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingRules;
import io.kitevend.config.VendConfig;
import io.kitevend.vend.VendResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The vend use case as {@link VendAssembly} wires it for Lambda (DynamoDB bindings, replay guard
 * and audit store, STS issuer) against an emulator, with a real token verifier over a loopback
 * {@link JwksServer}. Creates its own tables (unique names) through the given clients.
 */
public final class AwsVendFixture implements AutoCloseable {
    public static final String ROLE_PATH = "/kitevend/";

    public final JwksServer jwks;
    public final TokenMinter minter;
    public final VendConfig config;
    public final VendAssembly assembly;
    public final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

    public AwsVendFixture(AwsClients aws) {
        var key = TestKeys.rsa();
        jwks = new JwksServer(key);
        minter = new TokenMinter(key, jwks.issuer(), VendFixture.AUDIENCE);
        config = new VendConfig(
                aws.settings().region(),
                aws.settings().endpoint(),
                VendFixture.policy(jwks),
                new BindingRules(ROLE_PATH, Set.of()),
                EmulatorAws.table("bindings"),
                EmulatorAws.table("audit"),
                EmulatorAws.table("replay"),
                Duration.ofMinutes(5),
                Duration.ofDays(400),
                4,
                true);
        Tables.ensure(aws.dynamo(), config.bindingsTable(), config.auditTable(), config.replayTable());
        assembly = VendAssembly.create(
                config, aws, Clock.systemUTC(), new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    }

    /** Stores a binding; bind before the first vend, since the vend path caches what it read. */
    public void bind(Binding binding) throws Exception {
        new DynamoBindingStore(assembly.dynamo(), config.bindingsTable()).put(binding);
    }

    /** A binding for jobs of {@code acme/pipeline} on any branch, to {@code roleArn}. */
    public static Binding binding(String name, String pipeline, String roleArn) {
        return Binding.builder()
                .name(name)
                .organization("acme")
                .pipeline(pipeline)
                .roleArn(roleArn)
                .build();
    }

    /** Vends for a fresh token of {@code acme/pipeline} on main. */
    public VendResult vend(String pipeline) {
        return assembly.service().vend(VendFixture.bearer(minter.sign(minter.claims("acme", pipeline, "main"))));
    }

    /** The stored audit record of a request, read through the by-request-id index. */
    public Map<String, AttributeValue> auditRecord(String requestId) {
        List<Map<String, AttributeValue>> items = assembly.dynamo()
                .query(b -> b.tableName(config.auditTable())
                        .indexName(DynamoAuditStore.BY_REQUEST_ID)
                        .keyConditionExpression("request_id = :id")
                        .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(requestId))))
                .items();
        if (items.size() != 1) {
            throw new AssertionError("expected one audit record for " + requestId + ", found " + items.size());
        }
        return items.get(0);
    }

    public String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        jwks.close();
    }
}
