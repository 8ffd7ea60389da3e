package io.kitevend.binding;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Bindings in memory, keyed by organization and name (local runner, unit tests). */
public final class InMemoryBindingStore implements BindingStore {
    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();

    @Override
    public List<Binding> exactPipeline(String organization, String pipeline) {
        return bindings.values().stream()
                .filter(b -> b.organization().equals(organization) && !b.hasGlobPipeline() && b.pipeline().equals(pipeline))
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
        bindings.put(binding.organization() + "/" + binding.name(), binding);
    }
}
