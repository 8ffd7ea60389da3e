package io.kitevend.aws;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * A PutItem that never overwrites, and that tells the caller what holds the key when the put is
 * refused. The SDK retries an attempt that timed out, and that attempt may have landed: the retry
 * then finds the caller's own item under the key. Only the caller can tell its own item from
 * another one (by a request id it stored, or by the whole item), so it gets the stored item to
 * compare instead of a bare refusal.
 */
public final class ConditionalPut {
    private ConditionalPut() {}

    /**
     * Puts {@code item} unless an item with its key exists.
     *
     * @param key the table's key attributes, partition key first
     * @return empty when this call stored the item; otherwise the item found under the key (empty
     *     if it vanished before it could be read, say through its TTL)
     */
    public static Optional<Map<String, AttributeValue>> ifAbsent(
            DynamoDbClient dynamo, String table, List<String> key, Map<String, AttributeValue> item) {
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#key)")
                    .expressionAttributeNames(Map.of("#key", key.get(0)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return Optional.empty();
        } catch (ConditionalCheckFailedException refused) {
            if (refused.hasItem() && !refused.item().isEmpty()) {
                return Optional.of(refused.item());
            }
            // DynamoDB returns the item with the failed condition; dynalite ignores the parameter.
            return Optional.of(stored(dynamo, table, key, item));
        }
    }

    private static Map<String, AttributeValue> stored(
            DynamoDbClient dynamo, String table, List<String> key, Map<String, AttributeValue> item)
            throws SdkException {
        Map<String, AttributeValue> keyOnly = key.stream().collect(Collectors.toMap(name -> name, item::get));
        var got = dynamo.getItem(b -> b.tableName(table).key(keyOnly).consistentRead(true));
        return got.hasItem() ? got.item() : Map.of();
    }
}
