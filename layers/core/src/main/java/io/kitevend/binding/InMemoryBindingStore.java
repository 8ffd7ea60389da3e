package io.kitevend.binding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bindings in memory, keyed by organization and name (local runner, unit tests). The conditional
 * writes are atomic: one lock for all writes, lock-free reads.
 */
public final class InMemoryBindingStore implements BindingStore {
    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();
    private final Object writes = new Object();

    private static String key(String organization, String name) {
        return organization + "/" + name;
    }

    @Override
    public List<Binding> exactPipeline(String organization, String pipeline) {
        return bindings.values().stream()
                .filter(b -> b.organization().equals(organization)
                        && !b.hasGlobPipeline()
                        && b.pipeline().equals(pipeline))
                .toList();
    }

    @Override
    public List<Binding> globPipelines(String organization) {
        return bindings.values().stream()
                .filter(b -> b.organization().equals(organization) && b.hasGlobPipeline())
                .toList();
    }

    @Override
    public void put(Binding binding) {
        synchronized (writes) {
            bindings.put(key(binding.organization(), binding.name()), binding);
        }
    }

    @Override
    public Optional<Binding> get(String organization, String name) {
        return Optional.ofNullable(bindings.get(key(organization, name)));
    }

    @Override
    public BindingPage list(String organization, String afterName, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        List<Binding> sorted = new ArrayList<>(bindings.values().stream()
                .filter(b -> b.organization().equals(organization))
                .filter(b -> afterName == null || b.name().compareTo(afterName) > 0)
                .sorted(Comparator.comparing(Binding::name))
                .toList());
        if (sorted.size() <= limit) {
            return new BindingPage(sorted, null);
        }
        List<Binding> page = sorted.subList(0, limit);
        return new BindingPage(page, page.get(limit - 1).name());
    }

    @Override
    public void create(Binding binding) throws BindingConflictException {
        synchronized (writes) {
            if (bindings.putIfAbsent(key(binding.organization(), binding.name()), binding) != null) {
                throw new BindingConflictException(
                        BindingConflictException.Kind.EXISTS, binding.organization(), binding.name());
            }
        }
    }

    @Override
    public Optional<Binding> replace(Binding binding, long expectedVersion) throws BindingConflictException {
        synchronized (writes) {
            Binding current = current(binding.organization(), binding.name(), expectedVersion);
            bindings.put(key(binding.organization(), binding.name()), binding);
            return Optional.of(current);
        }
    }

    @Override
    public Optional<Binding> delete(String organization, String name, long expectedVersion)
            throws BindingConflictException {
        synchronized (writes) {
            Binding current = current(organization, name, expectedVersion);
            bindings.remove(key(organization, name));
            return Optional.of(current);
        }
    }

    private Binding current(String organization, String name, long expectedVersion) throws BindingConflictException {
        Binding current = bindings.get(key(organization, name));
        if (current == null) {
            throw new BindingConflictException(BindingConflictException.Kind.MISSING, organization, name);
        }
        if (current.version() != expectedVersion) {
            throw new BindingConflictException(BindingConflictException.Kind.STALE, organization, name);
        }
        return current;
    }
}
