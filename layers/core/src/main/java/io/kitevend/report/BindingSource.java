package io.kitevend.report;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.binding.Binding;
import java.util.List;

/** Every binding the report judges (stale, risky): a few hundred at most, so a list. */
@FunctionalInterface
public interface BindingSource {
    List<Binding> bindings() throws DependencyUnavailableException;
}
