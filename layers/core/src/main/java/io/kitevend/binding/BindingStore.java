package io.kitevend.binding;

import io.kitevend.DependencyUnavailableException;
import java.util.List;

/** Where bindings live. The vend path only reads; writes come from the admin side and seeding. */
public interface BindingStore {

    /** Bindings whose pipeline is exactly {@code pipeline}. */
    List<Binding> exactPipeline(String organization, String pipeline) throws DependencyUnavailableException;

    /** Bindings of the organization whose pipeline is a glob. */
    List<Binding> globPipelines(String organization) throws DependencyUnavailableException;

    /** Creates or replaces a binding, unconditionally (seeding and tests; the admin API adds versions). */
    void put(Binding binding) throws DependencyUnavailableException;
}
