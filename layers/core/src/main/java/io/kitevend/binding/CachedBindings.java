package io.kitevend.binding;

import io.kitevend.DependencyUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

/**
 * The compiled bindings of a pipeline, kept in memory for a short, configurable time. A warm
 * instance reads nothing; a cold one reads the pipeline's exact bindings and the organization's
 * glob bindings (each cached on its own), both at once, while its caller goes on (see
 * {@link #lookup}). A stored binding that no longer compiles (say, the role path was narrowed) is
 * left out and reported, never used.
 */
public final class CachedBindings {
    private final BindingStore store;
    private final BindingCompiler compiler;
    private final Duration ttl;
    private final Clock clock;
    private final Consumer<InvalidBindingException> onInvalid;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    private record Entry(List<CompiledBinding> bindings, Instant expires) {}

    public CachedBindings(
            BindingStore store,
            BindingCompiler compiler,
            Duration ttl,
            Clock clock,
            Consumer<InvalidBindingException> onInvalid) {
        this.store = store;
        this.compiler = compiler;
        this.ttl = ttl;
        this.clock = clock;
        this.onInvalid = onInvalid;
    }

    /** Every binding that could apply to the pipeline: its exact ones and the organization's globs. */
    public List<CompiledBinding> candidates(String organization, String pipeline)
            throws DependencyUnavailableException {
        try (Lookup lookup = lookup(organization, pipeline)) {
            return lookup.candidates();
        }
    }

    /**
     * Starts finding the pipeline's candidates: what is cached is at hand, what is not is read on
     * a virtual thread of its own (the exact pipeline and the globs side by side), so that the
     * caller can do other work meanwhile. Closing the lookup waits for those reads, so nothing
     * started here runs on after the request that started it (Lambda may freeze the environment
     * as soon as the request is answered).
     */
    public Lookup lookup(String organization, String pipeline) {
        Instant now = clock.instant();
        // Read ahead with the whole organization and not among its pipelines: none of its own. (A
        // pipeline entry there, even expired, was read on its own and is treated as such.)
        Future<List<CompiledBinding>> exact = fresh(wholeKey(organization), now) != null
                        && !cache.containsKey(exactKey(organization, pipeline))
                ? CompletableFuture.completedFuture(List.of())
                : part(exactKey(organization, pipeline), now, () -> store.exactPipeline(organization, pipeline));
        return new Lookup(exact, part(globsKey(organization), now, () -> store.globPipelines(organization)));
    }

    /**
     * The most bindings of one organization {@link #readOrganization} takes in whole: one page of
     * the store's listing. An organization with more gets only its globs read ahead.
     */
    public static final int READ_AHEAD_LIMIT = 1000;

    /**
     * Reads the organization's bindings into the cache now, as requests would have read them,
     * under the same cache time counted from now (SnapStart's afterRestore: the restore, not the
     * first job, waits for these reads). With at most {@link #READ_AHEAD_LIMIT} bindings: every
     * pipeline's exact ones, the globs, and the knowledge that the other pipelines have none, so a
     * request within the cache time reads nothing; with more, only the globs. Does nothing when
     * caching is off.
     */
    public void readOrganization(String organization) throws DependencyUnavailableException {
        if (ttl.isZero()) {
            return;
        }
        Instant now = clock.instant();
        BindingPage page = store.list(organization, null, READ_AHEAD_LIMIT);
        if (page.nextAfter() != null) {
            Lookup.outcome(part(globsKey(organization), now, () -> store.globPipelines(organization)));
            return;
        }
        List<Binding> globs = new ArrayList<>();
        Map<String, List<Binding>> exact = new HashMap<>();
        for (Binding b : page.bindings()) {
            if (b.hasGlobPipeline()) {
                globs.add(b);
            } else {
                exact.computeIfAbsent(b.pipeline(), p -> new ArrayList<>()).add(b);
            }
        }
        loaded(globsKey(organization), now, () -> globs);
        for (var pipeline : exact.entrySet()) {
            loaded(exactKey(organization, pipeline.getKey()), now, pipeline::getValue);
        }
        // Last, so that while it holds, every pipeline entry made above holds too.
        cache.put(wholeKey(organization), new Entry(List.of(), now.plus(ttl)));
    }

    private static String exactKey(String organization, String pipeline) {
        return "p\u0000" + organization + "\u0000" + pipeline;
    }

    private static String globsKey(String organization) {
        return "g\u0000" + organization;
    }

    /** Present while the organization's bindings, all of them, are in the cache. */
    private static String wholeKey(String organization) {
        return "o\u0000" + organization;
    }

    /** Forgets everything, so the next request reads the store again. */
    public void invalidate() {
        cache.clear();
    }

    /** The candidates of one pipeline, at hand or being read. */
    public static final class Lookup implements AutoCloseable {
        private final Future<List<CompiledBinding>> exact;
        private final Future<List<CompiledBinding>> globs;

        private Lookup(Future<List<CompiledBinding>> exact, Future<List<CompiledBinding>> globs) {
            this.exact = exact;
            this.globs = globs;
        }

        /** The pipeline's exact bindings, then the organization's globs; waits for reads in flight. */
        public List<CompiledBinding> candidates() throws DependencyUnavailableException {
            List<CompiledBinding> exactBindings = outcome(exact);
            List<CompiledBinding> globBindings = outcome(globs);
            if (globBindings.isEmpty()) {
                return exactBindings;
            }
            List<CompiledBinding> all = new ArrayList<>(exactBindings.size() + globBindings.size());
            all.addAll(exactBindings);
            all.addAll(globBindings);
            return all;
        }

        /** Waits for the reads still in flight, whatever their outcome. */
        @Override
        public void close() {
            for (Future<List<CompiledBinding>> part : List.of(exact, globs)) {
                try {
                    part.get();
                } catch (ExecutionException e) {
                    // the outcome is the caller's business (candidates); here only the wait counts
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private static List<CompiledBinding> outcome(Future<List<CompiledBinding>> part)
                throws DependencyUnavailableException {
            try {
                return part.get();
            } catch (ExecutionException e) {
                switch (e.getCause()) {
                    case DependencyUnavailableException unavailable -> throw unavailable;
                    case RuntimeException runtime -> throw runtime;
                    case Error error -> throw error;
                    default -> throw new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DependencyUnavailableException(
                        "binding-store", "interrupted", DependencyUnavailableException.DEFAULT_RETRY_AFTER, e);
            }
        }
    }

    private interface Load {
        List<Binding> load() throws DependencyUnavailableException;
    }

    /** The cached entry, if it has not expired. */
    private Entry fresh(String key, Instant now) {
        Entry entry = cache.get(key);
        return entry != null && now.isBefore(entry.expires()) ? entry : null;
    }

    private Future<List<CompiledBinding>> part(String key, Instant now, Load load) {
        Entry entry = fresh(key, now);
        if (entry != null) {
            return CompletableFuture.completedFuture(entry.bindings());
        }
        FutureTask<List<CompiledBinding>> read = new FutureTask<>(() -> loaded(key, now, load));
        Thread.ofVirtual().name("kitevend-bindings-read").start(read);
        return read;
    }

    private List<CompiledBinding> loaded(String key, Instant now, Load load) throws DependencyUnavailableException {
        List<CompiledBinding> compiled = new ArrayList<>();
        for (Binding b : load.load()) {
            try {
                compiled.add(compiler.compile(b));
            } catch (InvalidBindingException e) {
                onInvalid.accept(e);
            }
        }
        List<CompiledBinding> result = List.copyOf(compiled);
        if (!ttl.isZero()) {
            cache.put(key, new Entry(result, now.plus(ttl)));
        }
        return result;
    }
}
