package io.kitevend.binding;

import io.kitevend.DependencyUnavailableException;
import java.util.List;
import java.util.Optional;

/**
 * Where bindings live. The vend path only reads ({@link #exactPipeline}, {@link #globPipelines});
 * the admin API reads one or a page, and changes bindings only through the conditional writes
 * ({@link #create}, {@link #replace}, {@link #delete}), so that no update is ever lost.
 */
public interface BindingStore {

    /** Bindings whose pipeline is exactly {@code pipeline}. */
    List<Binding> exactPipeline(String organization, String pipeline) throws DependencyUnavailableException;

    /** Bindings of the organization whose pipeline is a glob. */
    List<Binding> globPipelines(String organization) throws DependencyUnavailableException;

    /** Creates or replaces a binding, unconditionally (seeding and tests; the admin API uses the conditional writes). */
    void put(Binding binding) throws DependencyUnavailableException;

    /** One binding by its key, read consistently. */
    Optional<Binding> get(String organization, String name) throws DependencyUnavailableException;

    /**
     * Up to {@code limit} bindings of the organization in name order, starting after the name
     * {@code afterName} (null: from the first).
     */
    BindingPage list(String organization, String afterName, int limit) throws DependencyUnavailableException;

    /** Stores a new binding; fails with {@link BindingConflictException.Kind#EXISTS} if the name is taken. */
    void create(Binding binding) throws BindingConflictException, DependencyUnavailableException;

    /**
     * Replaces the stored binding of the same name, only if its version is {@code expectedVersion}.
     * Returns the binding that was replaced, or empty when the store cannot tell: its own write
     * landed on an attempt whose answer was lost, and the retry found the change made.
     */
    Optional<Binding> replace(Binding binding, long expectedVersion)
            throws BindingConflictException, DependencyUnavailableException;

    /**
     * Deletes a binding, only if its version is {@code expectedVersion}. Returns the binding that
     * was deleted, or empty when the store cannot tell (as for {@link #replace}).
     */
    Optional<Binding> delete(String organization, String name, long expectedVersion)
            throws BindingConflictException, DependencyUnavailableException;
}
