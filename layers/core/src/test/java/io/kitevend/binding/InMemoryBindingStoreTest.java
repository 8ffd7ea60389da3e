package io.kitevend.binding;

/** {@link ConditionalWriteChecks} on the in-memory store. */
class InMemoryBindingStoreTest extends ConditionalWriteChecks {
    @Override
    protected BindingStore newStore() {
        return new InMemoryBindingStore();
    }
}
