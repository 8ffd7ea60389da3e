package io.kitevend.audit;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.aws.AwsErrors;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Audit records in DynamoDB. Keys serve the three reads the design asks for:
 * <ul>
 *   <li>a time window: partition {@code day#YYYY-MM-DD#shard}, sort key {@code time#request id};
 *       the day is split over {@code shards} partitions so one day can take more than one
 *       partition's ~1,000 writes per second;</li>
 *   <li>one pipeline in a window: index {@code by-pipeline} on {@code org/pipeline} and the same sort key;</li>
 *   <li>one record by request id: index {@code by-request-id}.</li>
 * </ul>
 * Records expire through the {@code expires_at} TTL attribute.
 */
public final class DynamoAuditStore implements AuditStore {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String PIPELINE_KEY = "pipeline_key";
    public static final String REQUEST_ID = "request_id";
    public static final String TTL_ATTRIBUTE = "expires_at";
    public static final String BY_PIPELINE = "by-pipeline";
    public static final String BY_REQUEST_ID = "by-request-id";

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;
    private final int shards;

    public DynamoAuditStore(DynamoDbClient dynamo, String table, Duration retention, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1");
        }
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.shards = shards;
    }

    public static String partitionKey(java.time.Instant time, int shard) {
        return "day#" + DAY.format(time) + "#" + shard;
    }

    public static String sortKey(java.time.Instant time, String requestId) {
        return AuditRecord.TIME.format(time) + "#" + requestId;
    }

    @Override
    public void put(AuditRecord record) throws DependencyUnavailableException {
        Map<String, AttributeValue> item = new HashMap<>();
        record.fields().forEach((k, v) -> item.put(k, v instanceof Number n
                ? AttributeValue.fromN(n.toString())
                : AttributeValue.fromS(v.toString())));
        int shard = Math.floorMod(record.requestId().hashCode(), shards);
        item.put(PK, AttributeValue.fromS(partitionKey(record.time(), shard)));
        item.put(SK, AttributeValue.fromS(sortKey(record.time(), record.requestId())));
        if (record.organization() != null && record.pipeline() != null) {
            item.put(PIPELINE_KEY, AttributeValue.fromS(record.organization() + "/" + record.pipeline()));
        }
        item.put(TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(record.time().plus(retention).getEpochSecond())));
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).build());
        } catch (SdkException e) {
            throw AwsErrors.unavailable("audit-store", e);
        }
    }
}
