package io.kitevend.binding;

import java.util.List;

/**
 * One page of an organization's bindings in name order. {@code nextAfter} is the name to continue
 * after, or null when this is the last page.
 */
public record BindingPage(List<Binding> bindings, String nextAfter) {
    public BindingPage {
        bindings = List.copyOf(bindings);
    }
}
