package io.kitevend.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin side of a {@link BindingStore} on any implementation: one binding by key, an
 * organization's bindings page by page in name order, and the three conditional writes. Run on the
 * in-memory store here and on DynamoDB ({@code io.kitevend.aws.DynamoConditionalWritesIT}).
 */
public abstract class ConditionalWriteChecks {
    protected static final String ROLE = "arn:aws:iam::123456789012:role/kitevend/deployer";

    protected BindingStore store;

    protected abstract BindingStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    protected static Binding binding(String name, long version) {
        return Binding.builder()
                .name(name)
                .organization("acme")
                .pipeline("deploy")
                .condition("build_branch", "main")
                .roleArn(ROLE)
                .version(version)
                .description("v" + version)
                .createdAt(Instant.parse("2025-01-02T03:04:05.678Z"))
                .createdBy("arn:aws:iam::123456789012:user/alice")
                .updatedAt(Instant.parse("2025-01-02T03:04:05.678Z").plusSeconds(version))
                .updatedBy("arn:aws:iam::123456789012:user/bob")
                .build();
    }

    private static BindingConflictException.Kind kind(Throwable t) {
        return ((BindingConflictException) t).kind();
    }

    @Test
    void getFindsOneBindingByOrganizationAndName() throws Exception {
        store.put(binding("deploy-main", 1));
        store.put(binding("deploy-main", 1).toBuilder()
                .organization("globex")
                .description("globex's")
                .build());

        assertThat(store.get("acme", "deploy-main")).contains(binding("deploy-main", 1));
        assertThat(store.get("globex", "deploy-main").orElseThrow().description())
                .isEqualTo("globex's");
        assertThat(store.get("acme", "deploy-other")).isEmpty();
        assertThat(store.get("initech", "deploy-main")).isEmpty();
    }

    @Test
    void listPagesInNameOrderAndSaysWhenItIsDone() throws Exception {
        List<String> names =
                IntStream.range(0, 25).mapToObj(i -> String.format("b-%02d", i)).toList();
        for (String name : names.reversed()) {
            store.put(binding(name, 1));
        }
        store.put(binding("a-other-org", 1).toBuilder().organization("globex").build());

        List<String> read = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            BindingPage page = store.list("acme", after, 10);
            assertThat(page.bindings()).hasSizeLessThanOrEqualTo(10);
            page.bindings().forEach(b -> read.add(b.name()));
            after = page.nextAfter();
            pages++;
        } while (after != null);

        assertThat(read).isEqualTo(names);
        assertThat(pages).isEqualTo(3);
        BindingPage exact = store.list("acme", "b-14", 10);
        assertThat(exact.bindings()).extracting(Binding::name).containsExactlyElementsOf(names.subList(15, 25));
        assertThat(exact.nextAfter())
                .as("exactly the last ten: no further page")
                .isNull();
        assertThat(store.list("acme", "b-24", 10).bindings()).isEmpty();
        assertThat(store.list("acme", "b-055", 10).bindings())
                .extracting(Binding::name)
                .startsWith("b-06");
        assertThat(store.list("initech", null, 10)).isEqualTo(new BindingPage(List.of(), null));
    }

    @Test
    void createOnlyCreates() throws Exception {
        store.create(binding("deploy-main", 1));

        assertThatThrownBy(() -> store.create(binding("deploy-main", 1).toBuilder()
                        .description("again")
                        .build()))
                .isInstanceOf(BindingConflictException.class)
                .satisfies(e -> assertThat(kind(e)).isEqualTo(BindingConflictException.Kind.EXISTS));
        assertThat(store.get("acme", "deploy-main")).contains(binding("deploy-main", 1));
    }

    @Test
    void replaceOnlyReplacesTheExpectedVersionAndReturnsIt() throws Exception {
        store.create(binding("deploy-main", 1));

        var previous = store.replace(binding("deploy-main", 2), 1);

        assertThat(previous).contains(binding("deploy-main", 1));
        assertThat(store.get("acme", "deploy-main")).contains(binding("deploy-main", 2));
        assertThatThrownBy(() -> store.replace(binding("deploy-main", 3), 1))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(BindingConflictException.Kind.STALE));
        assertThatThrownBy(() -> store.replace(binding("deploy-other", 2), 1))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(BindingConflictException.Kind.MISSING));
        assertThat(store.get("acme", "deploy-main")).contains(binding("deploy-main", 2));
        assertThat(store.get("acme", "deploy-other"))
                .as("a failed replace creates nothing")
                .isEmpty();
    }

    @Test
    void replaceMovesABindingBetweenExactAndGlobPipelines() throws Exception {
        store.create(binding("deploy-main", 1));

        store.replace(binding("deploy-main", 2).toBuilder().pipeline("deploy-*").build(), 1);

        assertThat(store.exactPipeline("acme", "deploy")).isEmpty();
        assertThat(store.globPipelines("acme")).extracting(Binding::version).containsExactly(2L);
    }

    @Test
    void theBindingsOfPipelineStarAreItsExactOnesNeverTheGlobsAgain() throws Exception {
        // "*" is no pipeline slug, but the admin API's list and explain take the pipeline as given;
        // a store that keys the organization's globs under "org/*" must not answer them as exact too.
        store.create(binding("everything", 1).toBuilder().pipeline("*").build());
        store.create(binding("infra-all", 1).toBuilder().pipeline("infra-*").build());
        store.create(binding("deploy-main", 1));

        assertThat(store.exactPipeline("acme", "*")).isEmpty();
        assertThat(store.globPipelines("acme"))
                .extracting(Binding::name)
                .containsExactlyInAnyOrder("everything", "infra-all");
    }

    @Test
    void deleteOnlyDeletesTheExpectedVersionAndReturnsIt() throws Exception {
        store.create(binding("deploy-main", 1));
        store.replace(binding("deploy-main", 2), 1);

        assertThatThrownBy(() -> store.delete("acme", "deploy-main", 1))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(BindingConflictException.Kind.STALE));
        assertThat(store.get("acme", "deploy-main")).isPresent();

        assertThat(store.delete("acme", "deploy-main", 2)).contains(binding("deploy-main", 2));
        assertThat(store.get("acme", "deploy-main")).isEmpty();
        assertThat(store.exactPipeline("acme", "deploy")).isEmpty();
        assertThatThrownBy(() -> store.delete("acme", "deploy-main", 2))
                .satisfies(e -> assertThat(kind(e)).isEqualTo(BindingConflictException.Kind.MISSING));
    }
}
