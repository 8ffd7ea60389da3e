package io.kitevend.aws;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * A conditional PutItem that tells the caller what holds the key when the put is refused. The SDK
 * retries an attempt that timed out, and that attempt may have landed: the retry then finds the
 * caller's own item under the key. Only the caller can tell its own item from another one (by a
 * request id it stored, or by the whole item: {@link #sameItem}), so it gets the stored item to
 * compare instead of a bare refusal.
 */
public final class ConditionalPut {
    private ConditionalPut() {}

    /**
     * What a conditional put did: {@code written}, with the item it replaced ({@code item} empty if
     * there was none), or refused, with the item found under the key ({@code item} empty if there
     * is none).
     */
    public record Outcome(boolean written, Map<String, AttributeValue> item) {}

    /**
     * Puts {@code item} unless an item with its key exists.
     *
     * @param key the table's key attributes, partition key first
     * @return empty when this call stored the item; otherwise the item found under the key (empty
     *     if it vanished before it could be read, say through its TTL)
     */
    public static Optional<Map<String, AttributeValue>> ifAbsent(
            DynamoDbClient dynamo, String table, List<String> key, Map<String, AttributeValue> item) {
        Outcome outcome =
                write(dynamo, table, key, item, "attribute_not_exists(#key)", Map.of("#key", key.get(0)), null, false);
        return outcome.written() ? Optional.empty() : Optional.of(outcome.item());
    }

    /**
     * Puts {@code item} in place of the item under its key if {@code condition} holds for that item.
     *
     * @param key the table's key attributes, partition key first
     * @param names the condition's attribute names ({@code #name})
     * @param values the condition's values ({@code :value})
     * @return written with the item replaced, or refused with the item found
     */
    public static Outcome ifMatches(
            DynamoDbClient dynamo,
            String table,
            List<String> key,
            Map<String, AttributeValue> item,
            String condition,
            Map<String, String> names,
            Map<String, AttributeValue> values) {
        return write(dynamo, table, key, item, condition, names, values, true);
    }

    private static Outcome write(
            DynamoDbClient dynamo,
            String table,
            List<String> key,
            Map<String, AttributeValue> item,
            String condition,
            Map<String, String> names,
            Map<String, AttributeValue> values,
            boolean returnReplaced) {
        try {
            var put = dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(item)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(returnReplaced ? ReturnValue.ALL_OLD : null)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return new Outcome(true, put.hasAttributes() ? put.attributes() : Map.of());
        } catch (ConditionalCheckFailedException refused) {
            if (refused.hasItem() && !refused.item().isEmpty()) {
                return new Outcome(false, refused.item());
            }
            // DynamoDB returns the item with the failed condition; dynalite ignores the parameter.
            return new Outcome(false, stored(dynamo, table, key, item));
        }
    }

    /** Equal attribute by attribute, numbers by value (DynamoDB stores them normalised). */
    public static boolean sameItem(Map<String, AttributeValue> stored, Map<String, AttributeValue> written) {
        if (!stored.keySet().equals(written.keySet())) {
            return false;
        }
        for (Map.Entry<String, AttributeValue> e : written.entrySet()) {
            AttributeValue mine = e.getValue();
            AttributeValue theirs = stored.get(e.getKey());
            boolean same = (mine.n() != null && theirs.n() != null)
                    ? new BigDecimal(mine.n()).compareTo(new BigDecimal(theirs.n())) == 0
                    : mine.equals(theirs);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, AttributeValue> stored(
            DynamoDbClient dynamo, String table, List<String> key, Map<String, AttributeValue> item)
            throws SdkException {
        Map<String, AttributeValue> keyOnly = key.stream().collect(Collectors.toMap(name -> name, item::get));
        var got = dynamo.getItem(b -> b.tableName(table).key(keyOnly).consistentRead(true));
        return got.hasItem() ? got.item() : Map.of();
    }
}
