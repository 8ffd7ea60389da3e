package io.kitevend.binding;

import io.kitevend.DependencyUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The compiled bindings of a pipeline, kept in memory for a short, configurable time. A warm
 * instance reads nothing; a cold one reads the pipeline's exact bindings and the organization's
 * glob bindings (each cached on its own). A stored binding that no longer compiles (say, the
 * role path was narrowed) is left out and reported, never used.
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
        List<CompiledBinding> exact = cached(
                "p\u0000" + organization + "\u0000" + pipeline, () -> store.exactPipeline(organization, pipeline));
        List<CompiledBinding> globs = cached("g\u0000" + organization, () -> store.globPipelines(organization));
        if (globs.isEmpty()) {
            return exact;
        }
        List<CompiledBinding> all = new ArrayList<>(exact.size() + globs.size());
        all.addAll(exact);
        all.addAll(globs);
        return all;
    }

    /** Forgets everything, so the next request reads the store again. */
    public void invalidate() {
        cache.clear();
    }

    private interface Load {
        List<Binding> load() throws DependencyUnavailableException;
    }

    private List<CompiledBinding> cached(String key, Load load) throws DependencyUnavailableException {
        Instant now = clock.instant();
        Entry entry = cache.get(key);
        if (entry != null && now.isBefore(entry.expires())) {
            return entry.bindings();
        }
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
