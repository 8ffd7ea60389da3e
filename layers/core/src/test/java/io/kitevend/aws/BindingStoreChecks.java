package io.kitevend.aws;

import static io.kitevend.testing.AwsCallRecorder.DYNAMODB;
import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.CachedBindings;
import io.kitevend.binding.CompiledBinding;
import io.kitevend.testing.AwsCallRecorder;
import io.kitevend.testing.EmulatorAws;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link DynamoBindingStore} must do against any DynamoDB that speaks the API. Subclasses
 * say where that DynamoDB is (moto, dynalite, LocalStack).
 */
abstract class BindingStoreChecks {
    static final String ROLE = "arn:aws:iam::123456789012:role/kitevend/deployer";

    private final AwsCallRecorder calls = new AwsCallRecorder();
    private DynamoBindingStore store;

    /** The DynamoDB endpoint under test. */
    protected abstract URI endpoint();

    @BeforeEach
    void createTables() {
        var dynamo = EmulatorAws.clients(endpoint(), calls).dynamo();
        String table = EmulatorAws.table("bindings");
        Tables.ensure(dynamo, table, EmulatorAws.table("audit"), EmulatorAws.table("replay"));
        store = new DynamoBindingStore(dynamo, table);
        calls.clear();
    }

    private static Binding binding(String name, String org, String pipeline) {
        return Binding.builder()
                .name(name)
                .organization(org)
                .pipeline(pipeline)
                .roleArn(ROLE)
                .build();
    }

    private static List<String> names(List<Binding> bindings) {
        return bindings.stream().map(Binding::name).toList();
    }

    private void putMixedBindings() throws Exception {
        store.put(binding("deploy-main", "acme", "deploy"));
        store.put(binding("deploy-tags", "acme", "deploy"));
        store.put(binding("build-any", "acme", "build"));
        store.put(binding("infra-all", "acme", "infra-*"));
        store.put(binding("deploy-like", "acme", "deploy?"));
        store.put(binding("deploy-main", "globex", "deploy"));
        store.put(binding("everything", "globex", "*"));
    }

    @Test
    void exactPipelineReturnsOnlyThatPipelinesExactBindings() throws Exception {
        putMixedBindings();

        assertThat(store.exactPipeline("acme", "deploy"))
                .allSatisfy(b -> assertThat(b.organization()).isEqualTo("acme"))
                .extracting(Binding::name)
                .containsExactlyInAnyOrder("deploy-main", "deploy-tags");
        assertThat(names(store.exactPipeline("acme", "build"))).containsExactly("build-any");
        assertThat(names(store.exactPipeline("globex", "deploy"))).containsExactly("deploy-main");
        assertThat(store.exactPipeline("acme", "infra-prod"))
                .as("a glob never answers an exact lookup")
                .isEmpty();
        assertThat(store.exactPipeline("initech", "deploy")).isEmpty();
    }

    @Test
    void globPipelinesReturnsOnlyTheOrganizationsGlobs() throws Exception {
        putMixedBindings();

        assertThat(store.globPipelines("acme"))
                .allSatisfy(b -> assertThat(b.hasGlobPipeline()).isTrue())
                .extracting(Binding::name)
                .containsExactlyInAnyOrder("infra-all", "deploy-like");
        assertThat(names(store.globPipelines("globex"))).containsExactly("everything");
        assertThat(store.globPipelines("initech")).isEmpty();
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() throws Exception {
        Binding full = Binding.builder()
                .name("deploy-release")
                .organization("acme")
                .pipeline("deploy")
                .organizationId("0184990a-1111-4fa8-9968-496074483cee")
                .pipelineId("0184990a-2222-4fa8-9968-496074483cee")
                .condition("build_branch", "main", "release/*")
                .condition("step_key", "deploy-?")
                .condition("agent_tag:queue", "deploy")
                .roleArn("arn:aws:iam::123456789012:role/kitevend/team/releaser")
                .maxDurationSeconds(1800)
                .sessionPolicy(
                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}")
                .sessionTags(List.of("pipeline_slug", "build_number", "agent_tag:queue"))
                .externalId("kitevend-acme:prod")
                .enabled(false)
                .description("Releases from main\nand release branches")
                .version(7)
                .createdAt(Instant.parse("2025-03-01T10:15:30.123Z"))
                .createdBy("arn:aws:iam::123456789012:user/alice")
                .updatedAt(Instant.parse("2025-04-02T08:00:00.000456789Z"))
                .updatedBy("arn:aws:iam::123456789012:user/bob")
                .build();
        Binding minimal = Binding.builder()
                .name("deploy-plain")
                .organization("acme")
                .pipeline("deploy")
                .roleArn(ROLE)
                .build();
        Binding glob = full.toBuilder()
                .name("infra-release")
                .pipeline("infra-*")
                .pipelineId(null)
                .enabled(true)
                .conditions(Map.of())
                .sessionTags(List.of())
                .build();
        store.put(full);
        store.put(minimal);
        store.put(glob);

        // Records compare every field: id pins, conditions, tags, policy, external id, enabled, version, times.
        assertThat(store.exactPipeline("acme", "deploy")).containsExactlyInAnyOrder(full, minimal);
        assertThat(store.globPipelines("acme")).containsExactly(glob);
    }

    @Test
    void putReplacesTheBindingOfTheSameName() throws Exception {
        store.put(binding("deploy-main", "acme", "deploy"));
        store.put(binding("deploy-main", "acme", "deploy").toBuilder()
                .pipeline("deploy-*")
                .version(2)
                .build());

        assertThat(store.exactPipeline("acme", "deploy"))
                .as("moved to the glob key")
                .isEmpty();
        assertThat(store.globPipelines("acme")).extracting(Binding::version).containsExactly(2L);
    }

    @Test
    void readsEveryPageWhenOnePipelineHasMoreThanOneMegabyteOfBindings() throws Exception {
        // DynamoDB (and both emulators) stop a query page at 1 MB; 120 items of ~10 KB make two pages.
        String description = "x".repeat(10_000);
        int count = 120;
        for (int i = 0; i < count; i++) {
            store.put(binding("big-" + i, "acme", "big").toBuilder()
                    .description(description)
                    .build());
        }
        store.put(binding("small", "acme", "small"));
        calls.clear();

        List<Binding> read = store.exactPipeline("acme", "big");

        assertThat(calls.count(DYNAMODB, "Query"))
                .as("queries for one pipeline")
                .isGreaterThanOrEqualTo(2);
        assertThat(read).hasSize(count);
        assertThat(names(read))
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, count).mapToObj(i -> "big-" + i).toList());
        assertThat(read).allSatisfy(b -> assertThat(b.description()).hasSize(10_000));
    }

    @Test
    void cachedBindingsReadTwoQueriesColdAndNothingWarm() throws Exception {
        store.put(binding("deploy-main", "acme", "deploy"));
        store.put(binding("infra-all", "acme", "infra-*"));
        store.put(binding("build-any", "acme", "build"));
        var cached = new CachedBindings(
                store,
                new BindingCompiler(new BindingRules("/kitevend/", Set.of())),
                Duration.ofMinutes(5),
                Clock.systemUTC(),
                invalid -> {
                    throw new AssertionError(invalid);
                });
        calls.clear();

        List<CompiledBinding> cold = cached.candidates("acme", "deploy");
        assertThat(cold).extracting(CompiledBinding::name).containsExactlyInAnyOrder("deploy-main", "infra-all");
        // One query for the pipeline's exact bindings, one for the organization's globs.
        assertThat(calls.calls(DYNAMODB))
                .as("cold reads")
                .hasSizeBetween(1, 2)
                .allSatisfy(c -> assertThat(c.operation()).isEqualTo("Query"));

        calls.clear();
        List<CompiledBinding> warm = cached.candidates("acme", "deploy");
        assertThat(warm).extracting(CompiledBinding::name).containsExactlyInAnyOrder("deploy-main", "infra-all");
        assertThat(calls.calls(DYNAMODB)).as("warm reads").isEmpty();

        calls.clear();
        List<CompiledBinding> otherPipeline = new ArrayList<>(cached.candidates("acme", "build"));
        assertThat(otherPipeline).extracting(CompiledBinding::name).containsExactlyInAnyOrder("build-any", "infra-all");
        assertThat(calls.calls(DYNAMODB))
                .as("the organization's globs are cached already")
                .extracting(AwsCallRecorder.Call::operation)
                .containsExactly("Query");
    }
}
