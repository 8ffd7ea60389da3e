package io.kitevend.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * The DynamoDB tables' key schemas, in one place: used to create tables in emulators (tests, the
 * local runner) and mirrored by template.yaml for deployments.
 */
public final class Tables {
    private Tables() {}

    public static CreateTableRequest bindings(String name) {
        return CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        string(DynamoBindingStore.ORGANIZATION),
                        string(DynamoBindingStore.NAME),
                        string(DynamoBindingStore.PIPELINE_KEY))
                .keySchema(hash(DynamoBindingStore.ORGANIZATION), range(DynamoBindingStore.NAME))
                .globalSecondaryIndexes(
                        index(DynamoBindingStore.BY_PIPELINE, DynamoBindingStore.PIPELINE_KEY, DynamoBindingStore.NAME))
                .build();
    }

    public static CreateTableRequest audit(String name) {
        return CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        string(DynamoAuditStore.PK),
                        string(DynamoAuditStore.SK),
                        string(DynamoAuditStore.PIPELINE_KEY),
                        string(DynamoAuditStore.REQUEST_ID))
                .keySchema(hash(DynamoAuditStore.PK), range(DynamoAuditStore.SK))
                .globalSecondaryIndexes(
                        index(DynamoAuditStore.BY_PIPELINE, DynamoAuditStore.PIPELINE_KEY, DynamoAuditStore.SK),
                        index(DynamoAuditStore.BY_REQUEST_ID, DynamoAuditStore.REQUEST_ID, null))
                .build();
    }

    public static CreateTableRequest replay(String name) {
        return CreateTableRequest.builder()
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(string(DynamoReplayGuard.KEY))
                .keySchema(hash(DynamoReplayGuard.KEY))
                .build();
    }

    /**
     * Creates the three tables if they are missing and turns on TTL where the emulator supports it.
     */
    public static void ensure(DynamoDbClient dynamo, String bindings, String audit, String replay) {
        List<CreateTableRequest> all = new ArrayList<>(List.of(bindings(bindings), audit(audit), replay(replay)));
        for (CreateTableRequest create : all) {
            try {
                dynamo.createTable(create);
            } catch (ResourceInUseException exists) {
                continue;
            }
            try (DynamoDbWaiter waiter = DynamoDbWaiter.builder()
                    .client(dynamo)
                    .overrideConfiguration(o ->
                            o.maxAttempts(300).backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(200))))
                    .build()) {
                waiter.waitUntilTableExists(b -> b.tableName(create.tableName()));
            }
        }
        enableTtl(dynamo, audit, DynamoAuditStore.TTL_ATTRIBUTE);
        enableTtl(dynamo, replay, DynamoReplayGuard.TTL_ATTRIBUTE);
    }

    private static void enableTtl(DynamoDbClient dynamo, String table, String attribute) {
        try {
            dynamo.updateTimeToLive(UpdateTimeToLiveRequest.builder()
                    .tableName(table)
                    .timeToLiveSpecification(TimeToLiveSpecification.builder()
                            .attributeName(attribute)
                            .enabled(true)
                            .build())
                    .build());
        } catch (AwsServiceException e) {
            // dynalite has no UpdateTimeToLive, and a table with TTL already on refuses it again.
        }
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(ScalarAttributeType.S)
                .build();
    }

    private static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder()
                .attributeName(name)
                .keyType(KeyType.HASH)
                .build();
    }

    private static KeySchemaElement range(String name) {
        return KeySchemaElement.builder()
                .attributeName(name)
                .keyType(KeyType.RANGE)
                .build();
    }

    private static GlobalSecondaryIndex index(String name, String hashKey, String rangeKey) {
        List<KeySchemaElement> keys = new ArrayList<>();
        keys.add(hash(hashKey));
        if (rangeKey != null) {
            keys.add(range(rangeKey));
        }
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(keys)
                .projection(
                        Projection.builder().projectionType(ProjectionType.ALL).build())
                .build();
    }
}
