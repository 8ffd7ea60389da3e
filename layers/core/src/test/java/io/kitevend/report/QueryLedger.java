package io.kitevend.report;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Sees every DynamoDB call of the clients it is given to: each Query (with its table and key
 * condition values), how many items Queries returned, and whether anything scanned.
 */
public final class QueryLedger implements ExecutionInterceptor {
    public record Query(String table, String keyCondition, String partition, String low, String high, Integer limit) {}

    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private final java.util.Map<String, AtomicLong> itemsReturned = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong scans = new AtomicLong();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (request instanceof QueryRequest q) {
            var values = q.expressionAttributeValues();
            String pk = values.containsKey(":pk")
                    ? values.get(":pk").s()
                    : values.containsKey(":org") ? values.get(":org").s() : null;
            queries.add(new Query(
                    q.tableName(),
                    q.keyConditionExpression(),
                    pk,
                    values.containsKey(":low") ? values.get(":low").s() : null,
                    values.containsKey(":high") ? values.get(":high").s() : null,
                    q.limit()));
        } else if (request instanceof ScanRequest) {
            scans.incrementAndGet();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.response() instanceof QueryResponse r && context.request() instanceof QueryRequest q) {
            itemsReturned.computeIfAbsent(q.tableName(), t -> new AtomicLong()).addAndGet(r.count());
        }
    }

    public List<Query> queries(String table) {
        return queries.stream().filter(q -> q.table().equals(table)).toList();
    }

    /** Items that Queries on {@code table} returned. */
    public long itemsReturned(String table) {
        AtomicLong n = itemsReturned.get(table);
        return n == null ? 0 : n.get();
    }

    public long scans() {
        return scans.get();
    }

    public void clear() {
        queries.clear();
        itemsReturned.clear();
        scans.set(0);
    }
}
