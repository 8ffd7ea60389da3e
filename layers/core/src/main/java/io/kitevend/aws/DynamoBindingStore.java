package io.kitevend.aws;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingConflictException;
import io.kitevend.binding.BindingPage;
import io.kitevend.binding.BindingStore;
import io.kitevend.binding.SecretGrant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Bindings in DynamoDB. The table's key is organization + name (so a name is unique per
 * organization and a write can be conditional on it). The index {@code by-pipeline} is keyed by
 * {@code org/pipeline} for exact pipelines and {@code org/*} for every glob pipeline of the
 * organization, so the bindings of one pipeline take one query, plus one for the globs.
 *
 * <p>The admin API's writes are single conditional writes (no transactions): create on
 * {@code attribute_not_exists}, replace and delete on {@code version = :expected}. Of two writers
 * holding the same version exactly one wins; the item is always one writer's whole binding.
 *
 * <p>The SDK retries an attempt whose answer does not come in time, and that attempt may have
 * landed: the retry's condition then fails on the writer's own change. A refused create or replace
 * that finds exactly the item it wrote ({@link ConditionalPut#sameItem}) is that case, and
 * succeeded. A refused delete that finds no item after more than one attempt was made is taken as
 * done: an earlier attempt deleted it, or another writer deleted the same version meanwhile, which
 * is what this writer wanted too.
 */
public final class DynamoBindingStore implements BindingStore {
    public static final String ORGANIZATION = "organization";
    public static final String NAME = "name";
    public static final String PIPELINE_KEY = "pipeline_key";
    public static final String BY_PIPELINE = "by-pipeline";
    public static final String VERSION = "version";
    static final String GLOB_MARK = "*";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoBindingStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public static String pipelineKey(Binding b) {
        return b.organization() + "/" + (b.hasGlobPipeline() ? GLOB_MARK : b.pipeline());
    }

    @Override
    public List<Binding> exactPipeline(String organization, String pipeline) throws DependencyUnavailableException {
        // "org/*" is also the key of the organization's globs: a pipeline named "*" has none of its own.
        return queryPipelineKey(organization + "/" + pipeline).stream()
                .filter(b -> !b.hasGlobPipeline())
                .toList();
    }

    @Override
    public List<Binding> globPipelines(String organization) throws DependencyUnavailableException {
        return queryPipelineKey(organization + "/" + GLOB_MARK);
    }

    private List<Binding> queryPipelineKey(String key) throws DependencyUnavailableException {
        List<Binding> out = new ArrayList<>();
        try {
            dynamo.queryPaginator(QueryRequest.builder()
                            .tableName(table)
                            .indexName(BY_PIPELINE)
                            .keyConditionExpression("#pk = :pk")
                            .expressionAttributeNames(Map.of("#pk", PIPELINE_KEY))
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(key)))
                            .build())
                    .items()
                    .forEach(item -> out.add(fromItem(item)));
        } catch (SdkException e) {
            throw AwsErrors.unavailable("binding-store", e);
        }
        return out;
    }

    @Override
    public void put(Binding binding) throws DependencyUnavailableException {
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(toItem(binding))
                    .build());
        } catch (SdkException e) {
            throw AwsErrors.unavailable("binding-store", e);
        }
    }

    @Override
    public Optional<Binding> get(String organization, String name) throws DependencyUnavailableException {
        try {
            GetItemResponse got = dynamo.getItem(
                    b -> b.tableName(table).key(key(organization, name)).consistentRead(true));
            return got.hasItem() && !got.item().isEmpty() ? Optional.of(fromItem(got.item())) : Optional.empty();
        } catch (SdkException e) {
            throw AwsErrors.unavailable("binding-store", e);
        }
    }

    @Override
    public BindingPage list(String organization, String afterName, int limit) throws DependencyUnavailableException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        // Read one more than asked for, to know whether another page follows.
        List<Binding> read = new ArrayList<>();
        Map<String, String> names = new HashMap<>(Map.of("#org", ORGANIZATION));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":org", AttributeValue.fromS(organization)));
        String condition = "#org = :org";
        if (afterName != null) {
            condition += " AND #name > :after";
            names.put("#name", NAME);
            values.put(":after", AttributeValue.fromS(afterName));
        }
        Map<String, AttributeValue> start = null;
        try {
            do {
                QueryResponse page = dynamo.query(QueryRequest.builder()
                        .tableName(table)
                        .keyConditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .exclusiveStartKey(start)
                        .limit(limit + 1 - read.size())
                        .consistentRead(true)
                        .build());
                page.items().forEach(item -> read.add(fromItem(item)));
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey()
                        : null;
            } while (start != null && read.size() <= limit);
        } catch (SdkException e) {
            throw AwsErrors.unavailable("binding-store", e);
        }
        if (read.size() <= limit) {
            return new BindingPage(read, null);
        }
        List<Binding> page = read.subList(0, limit);
        return new BindingPage(page, page.get(limit - 1).name());
    }

    @Override
    public void create(Binding binding) throws BindingConflictException, DependencyUnavailableException {
        Map<String, AttributeValue> item = toItem(binding);
        Optional<Map<String, AttributeValue>> found;
        try {
            found = ConditionalPut.ifAbsent(dynamo, table, List.of(ORGANIZATION, NAME), item);
        } catch (SdkException e) {
            throw AwsErrors.unavailable("binding-store", e);
        }
        if (found.isPresent() && !ConditionalPut.sameItem(found.get(), item)) {
            throw new BindingConflictException(
                    BindingConflictException.Kind.EXISTS, binding.organization(), binding.name());
        }
    }

    @Override
    public Optional<Binding> replace(Binding binding, long expectedVersion)
            throws BindingConflictException, DependencyUnavailableException {
        Map<String, AttributeValue> item = toItem(binding);
        ConditionalPut.Outcome outcome;
        try {
            outcome = ConditionalPut.ifMatches(
                    dynamo,
                    table,
                    List.of(ORGANIZATION, NAME),
                    item,
                    "#version = :expected",
                    Map.of("#version", VERSION),
                    Map.of(":expected", AttributeValue.fromN(Long.toString(expectedVersion))));
        } catch (SdkException e) {
            throw AwsErrors.unavailable("binding-store", e);
        }
        if (outcome.written()) {
            return Optional.of(fromItem(outcome.item()));
        }
        if (ConditionalPut.sameItem(outcome.item(), item)) {
            return Optional.empty();
        }
        throw new BindingConflictException(
                outcome.item().isEmpty() ? BindingConflictException.Kind.MISSING : BindingConflictException.Kind.STALE,
                binding.organization(),
                binding.name());
    }

    @Override
    public Optional<Binding> delete(String organization, String name, long expectedVersion)
            throws BindingConflictException, DependencyUnavailableException {
        DeleteItemResponse deleted;
        try {
            deleted = dynamo.deleteItem(b -> b.tableName(table)
                    .key(key(organization, name))
                    .conditionExpression("#version = :expected")
                    .expressionAttributeNames(Map.of("#version", VERSION))
                    .expressionAttributeValues(
                            Map.of(":expected", AttributeValue.fromN(Long.toString(expectedVersion))))
                    .returnValues(ReturnValue.ALL_OLD));
        } catch (ConditionalCheckFailedException e) {
            if (get(organization, name).isPresent()) {
                throw new BindingConflictException(BindingConflictException.Kind.STALE, organization, name);
            }
            if (e.numAttempts() != null && e.numAttempts() > 1) {
                return Optional.empty();
            }
            throw new BindingConflictException(BindingConflictException.Kind.MISSING, organization, name);
        } catch (SdkException e) {
            throw AwsErrors.unavailable("binding-store", e);
        }
        return Optional.of(fromItem(deleted.attributes()));
    }

    private static Map<String, AttributeValue> key(String organization, String name) {
        return Map.of(ORGANIZATION, AttributeValue.fromS(organization), NAME, AttributeValue.fromS(name));
    }

    public static Map<String, AttributeValue> toItem(Binding b) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ORGANIZATION, AttributeValue.fromS(b.organization()));
        item.put(NAME, AttributeValue.fromS(b.name()));
        item.put(PIPELINE_KEY, AttributeValue.fromS(pipelineKey(b)));
        item.put("pipeline", AttributeValue.fromS(b.pipeline()));
        b.pins().forEach((claim, id) -> item.put(claim, AttributeValue.fromS(id)));
        Map<String, AttributeValue> conditions = new LinkedHashMap<>();
        b.conditions()
                .forEach((claim, globs) -> conditions.put(
                        claim,
                        AttributeValue.fromL(
                                globs.stream().map(AttributeValue::fromS).toList())));
        item.put("conditions", AttributeValue.fromM(conditions));
        item.put("role_arn", AttributeValue.fromS(b.roleArn()));
        item.put("max_duration_seconds", AttributeValue.fromN(Integer.toString(b.maxDurationSeconds())));
        item.put(
                "session_tags",
                AttributeValue.fromL(
                        b.sessionTags().stream().map(AttributeValue::fromS).toList()));
        item.put("enabled", AttributeValue.fromBool(b.enabled()));
        item.put(VERSION, AttributeValue.fromN(Long.toString(b.version())));
        putIfSet(item, "session_policy", b.sessionPolicy());
        putIfSet(item, "external_id", b.externalId());
        if (!b.secrets().isEmpty()) {
            Map<String, AttributeValue> secrets = new LinkedHashMap<>();
            b.secrets().forEach((env, grant) -> {
                Map<String, AttributeValue> g = new LinkedHashMap<>();
                g.put("secret_id", AttributeValue.fromS(grant.secretId()));
                if (grant.key() != null) {
                    g.put("key", AttributeValue.fromS(grant.key()));
                }
                secrets.put(env, AttributeValue.fromM(g));
            });
            item.put("secrets", AttributeValue.fromM(secrets));
        }
        putIfSet(item, "description", b.description());
        putIfSet(
                item, "created_at", b.createdAt() == null ? null : b.createdAt().toString());
        putIfSet(item, "created_by", b.createdBy());
        putIfSet(
                item, "updated_at", b.updatedAt() == null ? null : b.updatedAt().toString());
        putIfSet(item, "updated_by", b.updatedBy());
        return item;
    }

    public static Binding fromItem(Map<String, AttributeValue> item) {
        Map<String, List<String>> conditions = new LinkedHashMap<>();
        AttributeValue cond = item.get("conditions");
        if (cond != null && cond.hasM()) {
            cond.m()
                    .forEach((claim, globs) -> conditions.put(
                            claim,
                            globs.hasL()
                                    ? globs.l().stream().map(AttributeValue::s).toList()
                                    : List.of()));
        }
        AttributeValue tags = item.get("session_tags");
        return Binding.builder()
                .name(s(item, NAME))
                .organization(s(item, ORGANIZATION))
                .pipeline(s(item, "pipeline"))
                .organizationId(s(item, Binding.ORGANIZATION_ID))
                .pipelineId(s(item, Binding.PIPELINE_ID))
                .conditions(conditions)
                .roleArn(s(item, "role_arn"))
                .maxDurationSeconds(
                        item.containsKey("max_duration_seconds")
                                ? Integer.parseInt(
                                        item.get("max_duration_seconds").n())
                                : Binding.DEFAULT_MAX_DURATION_SECONDS)
                .sessionPolicy(s(item, "session_policy"))
                .sessionTags(
                        tags != null && tags.hasL()
                                ? tags.l().stream().map(AttributeValue::s).toList()
                                : null)
                .externalId(s(item, "external_id"))
                .secrets(secrets(item))
                // A binding is only enabled when it says so.
                .enabled(item.containsKey("enabled")
                        && Boolean.TRUE.equals(item.get("enabled").bool()))
                .description(s(item, "description"))
                .version(
                        item.containsKey("version")
                                ? Long.parseLong(item.get("version").n())
                                : 0)
                .createdAt(instant(item, "created_at"))
                .createdBy(s(item, "created_by"))
                .updatedAt(instant(item, "updated_at"))
                .updatedBy(s(item, "updated_by"))
                .build();
    }

    private static Map<String, SecretGrant> secrets(Map<String, AttributeValue> item) {
        Map<String, SecretGrant> out = new LinkedHashMap<>();
        AttributeValue v = item.get("secrets");
        if (v != null && v.hasM()) {
            v.m().forEach((env, g) -> out.put(env, new SecretGrant(s(g.m(), "secret_id"), s(g.m(), "key"))));
        }
        return out;
    }

    private static void putIfSet(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String v = s(item, name);
        return v == null ? null : Instant.parse(v);
    }
}
