package io.kitevend.aws;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.binding.Binding;
import io.kitevend.report.BindingSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Every binding of the given organizations: one paginated Query per organization on the bindings
 * table's partition key (the organization slug); no scan. An item that cannot be read as a
 * binding is reported through {@code unreadable} and skipped, so one bad item does not hide the
 * rest from the report.
 */
public final class DynamoBindingReader implements BindingSource {
    private final DynamoDbClient dynamo;
    private final String table;
    private final Set<String> organizations;
    private final Consumer<String> unreadable;

    public DynamoBindingReader(
            DynamoDbClient dynamo, String table, Set<String> organizations, Consumer<String> unreadable) {
        this.dynamo = dynamo;
        this.table = table;
        this.organizations = new TreeSet<>(organizations);
        this.unreadable = unreadable;
    }

    @Override
    public List<Binding> bindings() throws DependencyUnavailableException {
        List<Binding> out = new ArrayList<>();
        for (String organization : organizations) {
            try {
                // The SDK's paginator reads page after page as the items are iterated.
                for (Map<String, AttributeValue> item : dynamo.queryPaginator(QueryRequest.builder()
                                .tableName(table)
                                .keyConditionExpression("#org = :org")
                                .expressionAttributeNames(Map.of("#org", DynamoBindingStore.ORGANIZATION))
                                .expressionAttributeValues(Map.of(":org", AttributeValue.fromS(organization)))
                                .build())
                        .items()) {
                    try {
                        out.add(DynamoBindingStore.fromItem(item));
                    } catch (RuntimeException e) {
                        AttributeValue name = item.get(DynamoBindingStore.NAME);
                        unreadable.accept(organization + "/" + (name == null ? "?" : name.s()) + ": "
                                + e.getClass().getSimpleName());
                    }
                }
            } catch (SdkException e) {
                throw AwsErrors.unavailable("binding-store", e);
            }
        }
        return out;
    }
}
