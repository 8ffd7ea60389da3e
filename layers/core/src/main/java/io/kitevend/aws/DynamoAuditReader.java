package io.kitevend.aws;

import io.kitevend.audit.AuditRecord;
import io.kitevend.report.AuditRecordSource;
import io.kitevend.report.ReportException;
import io.kitevend.report.ReportWindow;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads one window of the audit table through its keys only, never a scan: for every UTC day the
 * window touches and every shard of that day, one Query on the partition
 * {@code day#YYYY-MM-DD#shard} with the sort key {@code BETWEEN} the window's ends, page by page.
 * Pages are fetched when the stream reaches them, so at most one page (1 MB at most) is held.
 *
 * <p>The sort key is {@code time#request id} with a fixed-width time, so
 * {@code sk BETWEEN "<from>" AND "<to>"} selects exactly the records with {@code from <= time < to}:
 * every key of a record at {@code to} is longer than, so greater than, {@code "<to>"} itself.
 */
public final class DynamoAuditReader implements AuditRecordSource {
    private final DynamoDbClient dynamo;
    private final String table;
    private final int shards;
    private final int pageLimit;

    /** {@code pageLimit} 0 lets DynamoDB fill pages up to 1 MB; tests set a small one to see paging. */
    public DynamoAuditReader(DynamoDbClient dynamo, String table, int shards, int pageLimit) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1");
        }
        this.dynamo = dynamo;
        this.table = table;
        this.shards = shards;
        this.pageLimit = pageLimit;
    }

    public DynamoAuditReader(DynamoDbClient dynamo, String table, int shards) {
        this(dynamo, table, shards, 0);
    }

    /** The partition keys a window is read from, in reading order. */
    public List<String> partitions(ReportWindow window) {
        List<String> out = new ArrayList<>();
        for (LocalDate day : window.days()) {
            for (int shard = 0; shard < shards; shard++) {
                out.add(DynamoAuditStore.partitionKey(day.atStartOfDay().toInstant(ZoneOffset.UTC), shard));
            }
        }
        return out;
    }

    @Override
    public Stream<Map<String, Object>> records(ReportWindow window) {
        Iterator<Map<String, Object>> it = new PageIterator(
                partitions(window), AuditRecord.TIME.format(window.from()), AuditRecord.TIME.format(window.to()));
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    private final class PageIterator implements Iterator<Map<String, Object>> {
        private final Iterator<String> partitions;
        private final String low;
        private final String high;
        private String partition;
        private Map<String, AttributeValue> startKey;
        private Iterator<Map<String, AttributeValue>> page = Collections.emptyIterator();

        PageIterator(List<String> partitions, String low, String high) {
            this.partitions = partitions.iterator();
            this.low = low;
            this.high = high;
        }

        @Override
        public boolean hasNext() {
            while (!page.hasNext()) {
                if (partition == null) {
                    if (!partitions.hasNext()) {
                        return false;
                    }
                    partition = partitions.next();
                    startKey = null;
                }
                QueryResponse response = query(partition, startKey);
                page = response.items().iterator();
                startKey = response.hasLastEvaluatedKey()
                                && !response.lastEvaluatedKey().isEmpty()
                        ? response.lastEvaluatedKey()
                        : null;
                if (startKey == null) {
                    partition = null;
                }
            }
            return true;
        }

        @Override
        public Map<String, Object> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return fields(page.next());
        }

        private QueryResponse query(String pk, Map<String, AttributeValue> start) {
            QueryRequest.Builder request = QueryRequest.builder()
                    .tableName(table)
                    .keyConditionExpression("#pk = :pk AND #sk BETWEEN :low AND :high")
                    .expressionAttributeNames(Map.of("#pk", DynamoAuditStore.PK, "#sk", DynamoAuditStore.SK))
                    .expressionAttributeValues(Map.of(
                            ":pk", AttributeValue.fromS(pk),
                            ":low", AttributeValue.fromS(low),
                            ":high", AttributeValue.fromS(high)))
                    .exclusiveStartKey(start);
            if (pageLimit > 0) {
                request.limit(pageLimit);
            }
            try {
                return dynamo.query(request.build());
            } catch (SdkException e) {
                throw new ReportException("reading the audit table failed (" + pk + "): " + e.getMessage(), e);
            }
        }
    }

    /** An item as plain values, without the table's own keys. */
    static Map<String, Object> fields(Map<String, AttributeValue> item) {
        Map<String, Object> out = new LinkedHashMap<>(item.size() * 2);
        item.forEach((name, value) -> {
            switch (name) {
                case DynamoAuditStore.PK,
                        DynamoAuditStore.SK,
                        DynamoAuditStore.PIPELINE_KEY,
                        DynamoAuditStore.TTL_ATTRIBUTE -> {}
                default -> out.put(name, value(value));
            }
        });
        return out;
    }

    static Object value(AttributeValue v) {
        if (v == null) {
            return null;
        }
        return switch (v.type()) {
            case S -> v.s();
            case N -> number(v.n());
            case BOOL -> v.bool();
            case NUL -> null;
            case M -> {
                Map<String, Object> m = new LinkedHashMap<>();
                v.m().forEach((k, x) -> m.put(k, value(x)));
                yield m;
            }
            case L -> v.l().stream().map(DynamoAuditReader::value).toList();
            case SS -> List.copyOf(v.ss());
            case NS -> v.ns().stream().map(DynamoAuditReader::number).toList();
            default -> null;
        };
    }

    private static Object number(String n) {
        try {
            return Long.parseLong(n);
        } catch (NumberFormatException notIntegral) {
            return new BigDecimal(n);
        }
    }
}
