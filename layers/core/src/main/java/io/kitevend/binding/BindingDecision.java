package io.kitevend.binding;

import java.util.List;

/** What the bindings of a pipeline say about one job: use one binding, refuse, or ask to choose. */
public sealed interface BindingDecision {

    record Selected(CompiledBinding binding) implements BindingDecision {}

    /**
     * No binding applies. {@code reason} is a stable code for the audit; {@code detail} is for admins.
     * {@code missingClaims} are claims the job could ask for ({@code --claim}) that are all that keeps a
     * binding it could use from matching, sorted; empty when asking for claims would not help.
     */
    record NoMatch(String reason, String detail, List<String> missingClaims) implements BindingDecision {
        public NoMatch {
            missingClaims = List.copyOf(missingClaims);
        }
    }

    /** Several bindings match and the request named none of them. */
    record Ambiguous(List<String> names) implements BindingDecision {}
}
