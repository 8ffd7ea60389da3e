package io.kitevend.binding;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The bindings cache, and its read-ahead of a whole organization (SnapStart's afterRestore): what
 * is read ahead answers lookups exactly as reads would, for the cache time and no longer, and an
 * organization too large to read ahead gets only its globs.
 */
class CachedBindingsTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/kitevend/deployer";
    private static final Duration TTL = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
    private final InMemoryBindingStore memory = new InMemoryBindingStore();
    private final CountingStore store = new CountingStore(memory);
    private final List<InvalidBindingException> invalid = new CopyOnWriteArrayList<>();

    private CachedBindings cache(Duration ttl) {
        return new CachedBindings(
                store, new BindingCompiler(new BindingRules("/kitevend/", Set.of())), ttl, clock, invalid::add);
    }

    private static Binding binding(String name, String organization, String pipeline) {
        return Binding.builder()
                .name(name)
                .organization(organization)
                .pipeline(pipeline)
                .condition("build_branch", "main")
                .roleArn(ROLE)
                .build();
    }

    private static List<String> names(List<CompiledBinding> bindings) {
        return bindings.stream().map(CompiledBinding::name).toList();
    }

    private void seed() throws DependencyUnavailableException {
        memory.put(binding("deploy-main", "acme", "deploy"));
        memory.put(binding("deploy-extra", "acme", "deploy"));
        memory.put(binding("web", "acme", "web"));
        memory.put(binding("any-release", "acme", "release-*"));
        memory.put(binding("other-org", "zeta", "deploy"));
    }

    @Test
    void aReadAheadOrganizationAnswersEveryPipelineAsReadsWouldWithoutReading() throws Exception {
        seed();
        CachedBindings readAhead = cache(TTL);
        CachedBindings plain = cache(TTL);

        readAhead.readOrganization("acme");
        assertThat(store.calls).containsExactly("list acme");
        store.calls.clear();

        for (String pipeline : List.of("deploy", "web", "release-1", "nothing-here")) {
            assertThat(names(readAhead.candidates("acme", pipeline)))
                    .as(pipeline)
                    .containsExactlyInAnyOrderElementsOf(names(plain.candidates("acme", pipeline)));
        }
        assertThat(store.calls)
                .as("only the cache without the read-ahead read the store")
                .containsOnly(
                        "exact acme/deploy",
                        "exact acme/web",
                        "exact acme/release-1",
                        "exact acme/nothing-here",
                        "globs acme");
        store.calls.clear();

        // Another organization was not read ahead: it is read as before.
        readAhead.candidates("zeta", "deploy");
        assertThat(store.calls).containsExactlyInAnyOrder("exact zeta/deploy", "globs zeta");
    }

    /** acme's bindings seeded and read ahead; the reads made so far forgotten. */
    private CachedBindings acmeReadAhead() throws DependencyUnavailableException {
        seed();
        CachedBindings cache = cache(TTL);
        cache.readOrganization("acme");
        store.calls.clear();
        return cache;
    }

    @Test
    void whatWasReadAheadLastsTheCacheTimeAndThenIsReadAgain() throws Exception {
        CachedBindings cache = acmeReadAhead();
        memory.put(binding("new-pipeline", "acme", "new-pipeline"));

        clock.advance(TTL.minusSeconds(1));
        assertThat(names(cache.candidates("acme", "new-pipeline")))
                .as("within the cache time, as any cached read: not yet seen (the globs are candidates)")
                .containsExactly("any-release");
        assertThat(store.calls).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        assertThat(names(cache.candidates("acme", "new-pipeline"))).containsExactly("new-pipeline", "any-release");
        assertThat(store.calls).containsExactlyInAnyOrder("exact acme/new-pipeline", "globs acme");
    }

    @Test
    void invalidatingForgetsTheReadAhead() throws Exception {
        CachedBindings cache = acmeReadAhead();
        cache.invalidate();

        cache.candidates("acme", "nothing-here");

        assertThat(store.calls).containsExactlyInAnyOrder("exact acme/nothing-here", "globs acme");
    }

    @Test
    void aPipelineReadOnItsOwnBeforeTheReadAheadIsReadAgainWhenItsOwnEntryExpires() throws Exception {
        seed();
        CachedBindings cache = cache(TTL);
        CountDownLatch release = new CountDownLatch(1);
        store.gate = release;
        // A request's read of deploy starts, and is slow to answer.
        CachedBindings.Lookup slow = cache.lookup("acme", "deploy");
        store.gate = null;
        clock.advance(Duration.ofSeconds(10));
        cache.readOrganization("acme");
        // The slow read lands after the read-ahead: its entry expires 10 s before the read-ahead's.
        release.countDown();
        slow.close();

        clock.advance(TTL.minusSeconds(5));
        store.calls.clear();

        assertThat(names(cache.candidates("acme", "deploy")))
                .as("read again, not taken as a pipeline without bindings")
                .containsExactlyInAnyOrder("deploy-main", "deploy-extra", "any-release");
        assertThat(store.calls).contains("exact acme/deploy");
    }

    @Test
    void anOrganizationOverTheLimitGetsOnlyItsGlobsReadAhead() throws Exception {
        for (int i = 0; i <= CachedBindings.READ_AHEAD_LIMIT; i++) {
            memory.put(binding("b" + i, "acme", "pipeline-" + i));
        }
        memory.put(binding("any-release", "acme", "release-*"));
        CachedBindings cache = cache(TTL);

        cache.readOrganization("acme");
        assertThat(store.calls).containsExactly("list acme", "globs acme");
        store.calls.clear();

        assertThat(names(cache.candidates("acme", "pipeline-7"))).containsExactly("b7", "any-release");
        assertThat(store.calls).as("the pipeline's own bindings are read").containsExactly("exact acme/pipeline-7");
    }

    @Test
    void withCachingOffNothingIsReadAhead() throws Exception {
        seed();
        CachedBindings cache = cache(Duration.ZERO);

        cache.readOrganization("acme");

        assertThat(store.calls).isEmpty();
    }

    @Test
    void aReadAheadBindingThatNoLongerCompilesIsReportedAndLeftOut() throws Exception {
        seed();
        memory.put(Binding.builder()
                .name("outside-the-path")
                .organization("acme")
                .pipeline("deploy")
                .condition("build_branch", "main")
                .roleArn("arn:aws:iam::123456789012:role/elsewhere/deployer")
                .build());
        CachedBindings cache = cache(TTL);

        cache.readOrganization("acme");

        assertThat(names(cache.candidates("acme", "deploy")))
                .containsExactlyInAnyOrder("deploy-main", "deploy-extra", "any-release");
        assertThat(invalid).hasSize(1);
    }

    /** The store, with the reads the cache makes recorded. */
    private static final class CountingStore implements BindingStore {
        final List<String> calls = new CopyOnWriteArrayList<>();
        /** When set, the exact reads started meanwhile wait for it. */
        volatile CountDownLatch gate;

        private final BindingStore store;

        CountingStore(BindingStore store) {
            this.store = store;
        }

        @Override
        public List<Binding> exactPipeline(String organization, String pipeline) throws DependencyUnavailableException {
            calls.add("exact " + organization + "/" + pipeline);
            CountDownLatch wait = gate;
            if (wait != null) {
                try {
                    wait.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return store.exactPipeline(organization, pipeline);
        }

        @Override
        public List<Binding> globPipelines(String organization) throws DependencyUnavailableException {
            calls.add("globs " + organization);
            return store.globPipelines(organization);
        }

        @Override
        public BindingPage list(String organization, String afterName, int limit)
                throws DependencyUnavailableException {
            calls.add("list " + organization);
            return store.list(organization, afterName, limit);
        }

        @Override
        public void put(Binding binding) throws DependencyUnavailableException {
            store.put(binding);
        }

        @Override
        public Optional<Binding> get(String organization, String name) throws DependencyUnavailableException {
            return store.get(organization, name);
        }

        @Override
        public void create(Binding binding) throws BindingConflictException, DependencyUnavailableException {
            store.create(binding);
        }

        @Override
        public Optional<Binding> replace(Binding binding, long expectedVersion)
                throws BindingConflictException, DependencyUnavailableException {
            return store.replace(binding, expectedVersion);
        }

        @Override
        public Optional<Binding> delete(String organization, String name, long expectedVersion)
                throws BindingConflictException, DependencyUnavailableException {
            return store.delete(organization, name, expectedVersion);
        }
    }
}
