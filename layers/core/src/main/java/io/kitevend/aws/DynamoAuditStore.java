package io.kitevend.aws;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.AuditFilter;
import io.kitevend.audit.AuditPage;
import io.kitevend.audit.AuditQuery;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.AuditStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Audit records in DynamoDB. Keys serve the three reads the design asks for:
 * <ul>
 *   <li>a time window: partition {@code day#YYYY-MM-DD#shard}, sort key {@code time#request id};
 *       the day is split over {@code shards} partitions so one day can take more than one
 *       partition's ~1,000 writes per second;</li>
 *   <li>one pipeline in a window: index {@code by-pipeline} on {@code org/pipeline} and the same sort key;</li>
 *   <li>one record by request id: index {@code by-request-id}.</li>
 * </ul>
 * Records expire through the {@code expires_at} TTL attribute. A record never overwrites another:
 * it is written only where its key is free.
 *
 * <p>{@link #query} reads with Query only, never Scan: newest first, through the
 * {@code by-pipeline} index when a pipeline is given, otherwise through the day's shard partitions
 * of each day of the window, merged by sort key.
 */
public final class DynamoAuditStore implements AuditStore, AuditQuery {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String PIPELINE_KEY = "pipeline_key";
    public static final String REQUEST_ID = "request_id";
    public static final String TTL_ATTRIBUTE = "expires_at";
    public static final String BY_PIPELINE = "by-pipeline";
    public static final String BY_REQUEST_ID = "by-request-id";

    /** Attributes of the item that only serve the table's keys; a query answer leaves them out. */
    private static final Set<String> KEY_ATTRIBUTES = Set.of(PK, SK, PIPELINE_KEY, TTL_ATTRIBUTE);
    /** Items DynamoDB evaluates per query page (before the filter), at least. */
    private static final int MIN_PAGE = 100;

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

    public static String partitionKey(Instant time, int shard) {
        return "day#" + DAY.format(time) + "#" + shard;
    }

    public static String sortKey(Instant time, String requestId) {
        return AuditRecord.TIME.format(time) + "#" + requestId;
    }

    @Override
    public void put(AuditRecord record) throws DependencyUnavailableException {
        Map<String, AttributeValue> item = new HashMap<>();
        record.fields()
                .forEach((k, v) -> item.put(
                        k,
                        v instanceof Number n
                                ? AttributeValue.fromN(n.toString())
                                : AttributeValue.fromS(v.toString())));
        int shard = Math.floorMod(record.requestId().hashCode(), shards);
        item.put(PK, AttributeValue.fromS(partitionKey(record.time(), shard)));
        item.put(SK, AttributeValue.fromS(sortKey(record.time(), record.requestId())));
        if (record.organization() != null && record.pipeline() != null) {
            item.put(PIPELINE_KEY, AttributeValue.fromS(record.organization() + "/" + record.pipeline()));
        }
        item.put(
                TTL_ATTRIBUTE,
                AttributeValue.fromN(Long.toString(record.time().plus(retention).getEpochSecond())));
        Optional<Map<String, AttributeValue>> stored;
        try {
            stored = ConditionalPut.ifAbsent(dynamo, table, List.of(PK, SK), item);
        } catch (SdkException e) {
            throw AwsErrors.unavailable("audit-store", e);
        }
        // A record is never overwritten. The one case where its key is taken by the same record is
        // an SDK retry of this write after an answer that came too late: it is stored, so it is done.
        if (stored.isPresent() && !ConditionalPut.sameItem(stored.get(), item)) {
            throw new IllegalStateException(
                    "another audit record is stored under " + item.get(SK).s());
        }
    }

    @Override
    public AuditPage query(AuditFilter filter, String after, int limit) throws DependencyUnavailableException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        String low = AuditRecord.TIME.format(filter.from());
        String high = AuditRecord.TIME.format(filter.to());
        if (after != null && after.compareTo(high) < 0) {
            high = after;
        }
        // BETWEEN is inclusive: sort keys of records at `to` are "to#id" > "to", so they stay out;
        // the record at `after` itself is dropped below.
        List<Map<String, AttributeValue>> read = new ArrayList<>();
        try {
            if (filter.pipeline() != null) {
                Pager pager = new Pager(request(
                        filter,
                        BY_PIPELINE,
                        PIPELINE_KEY,
                        filter.organization() + "/" + filter.pipeline(),
                        low,
                        high,
                        limit));
                while (read.size() <= limit && pager.peek() != null) {
                    keep(read, pager.next(), after);
                }
            } else {
                LocalDate first = LocalDate.ofInstant(filter.from(), ZoneOffset.UTC);
                LocalDate day = LocalDate.ofInstant(Instant.parse(high.substring(0, 24)), ZoneOffset.UTC);
                for (; !day.isBefore(first) && read.size() <= limit; day = day.minusDays(1)) {
                    List<Pager> shardPagers = new ArrayList<>();
                    for (int shard = 0; shard < shards; shard++) {
                        String pk =
                                partitionKey(day.atStartOfDay(ZoneOffset.UTC).toInstant(), shard);
                        shardPagers.add(new Pager(request(filter, null, PK, pk, low, high, limit)));
                    }
                    while (read.size() <= limit) {
                        Pager newest = null;
                        for (Pager p : shardPagers) {
                            if (p.peek() != null
                                    && (newest == null || sortKey(p.peek()).compareTo(sortKey(newest.peek())) > 0)) {
                                newest = p;
                            }
                        }
                        if (newest == null) {
                            break;
                        }
                        keep(read, newest.next(), after);
                    }
                }
            }
        } catch (SdkException e) {
            throw AwsErrors.unavailable("audit-store", e);
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, read.size()); i++) {
            records.add(fields(read.get(i)));
        }
        String next = read.size() > limit ? sortKey(read.get(limit - 1)) : null;
        return new AuditPage(records, next);
    }

    /** A Query of the {@code by-request-id} index, page by page, up to {@code limit} records. */
    @Override
    public List<Map<String, Object>> byRequestId(String requestId, int limit) throws DependencyUnavailableException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        List<Map<String, AttributeValue>> read = new ArrayList<>();
        try {
            // The SDK's paginator asks for the next page only when it is iterated to.
            for (QueryResponse page : dynamo.queryPaginator(QueryRequest.builder()
                    .tableName(table)
                    .indexName(BY_REQUEST_ID)
                    .keyConditionExpression("#id = :id")
                    .expressionAttributeNames(Map.of("#id", REQUEST_ID))
                    .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(requestId)))
                    .limit(limit)
                    .build())) {
                read.addAll(page.items());
                if (read.size() >= limit) {
                    break;
                }
            }
        } catch (SdkException e) {
            throw AwsErrors.unavailable("audit-store", e);
        }
        return read.stream()
                .sorted(Comparator.comparing(DynamoAuditStore::sortKey))
                .limit(limit)
                .map(DynamoAuditStore::fields)
                .toList();
    }

    private static void keep(List<Map<String, AttributeValue>> read, Map<String, AttributeValue> item, String after) {
        if (after == null || sortKey(item).compareTo(after) < 0) {
            read.add(item);
        }
    }

    private static String sortKey(Map<String, AttributeValue> item) {
        return item.get(SK).s();
    }

    private QueryRequest request(
            AuditFilter filter,
            String index,
            String partitionAttribute,
            String partition,
            String low,
            String high,
            int limit) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", partitionAttribute, "#sk", SK));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":pk",
                AttributeValue.fromS(partition),
                ":low",
                AttributeValue.fromS(low),
                ":high",
                AttributeValue.fromS(high)));
        List<String> conditions = new ArrayList<>();
        if (filter.decision() != null) {
            names.put("#decision", "decision");
            values.put(":decision", AttributeValue.fromS(filter.decision().code()));
            conditions.add("#decision = :decision");
        }
        if (filter.organization() != null && filter.pipeline() == null) {
            names.put("#org", "organization_slug");
            names.put("#borg", "binding_organization");
            values.put(":org", AttributeValue.fromS(filter.organization()));
            conditions.add("(#org = :org OR #borg = :org)");
        }
        return QueryRequest.builder()
                .tableName(table)
                .indexName(index)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :low AND :high")
                .filterExpression(conditions.isEmpty() ? null : String.join(" AND ", conditions))
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .scanIndexForward(false)
                .limit(Math.max(MIN_PAGE, limit + 1))
                .build();
    }

    /** The stored item as the record's fields, without the attributes that only serve the keys. */
    private static Map<String, Object> fields(Map<String, AttributeValue> item) {
        Map<String, Object> fields = new LinkedHashMap<>();
        item.forEach((name, value) -> {
            if (KEY_ATTRIBUTES.contains(name)) {
                return;
            }
            if (value.n() != null) {
                BigDecimal n = new BigDecimal(value.n());
                fields.put(
                        name, n.scale() <= 0 || n.stripTrailingZeros().scale() <= 0 ? (Object) n.longValueExact() : n);
            } else if (value.s() != null) {
                fields.put(name, value.s());
            } else if (value.bool() != null) {
                fields.put(name, value.bool());
            }
        });
        return fields;
    }

    /** Reads one query's pages lazily, one item at a time. */
    private final class Pager {
        private final QueryRequest first;
        private final Deque<Map<String, AttributeValue>> buffer = new ArrayDeque<>();
        private Map<String, AttributeValue> start;
        private boolean done;

        Pager(QueryRequest first) {
            this.first = first;
        }

        Map<String, AttributeValue> peek() {
            while (buffer.isEmpty() && !done) {
                QueryResponse page =
                        dynamo.query(first.toBuilder().exclusiveStartKey(start).build());
                buffer.addAll(page.items());
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
                done = start == null;
            }
            return buffer.peekFirst();
        }

        Map<String, AttributeValue> next() {
            peek();
            return buffer.removeFirst();
        }
    }
}
