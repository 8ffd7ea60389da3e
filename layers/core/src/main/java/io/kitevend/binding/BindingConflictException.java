package io.kitevend.binding;

import java.util.Locale;

/**
 * A conditional write of a binding did not happen because the stored state was not what the
 * writer expected: the name is taken (create), the binding is gone, or its version moved on.
 */
public final class BindingConflictException extends Exception {
    public enum Kind {
        /** Create: a binding of that name exists already. */
        EXISTS,
        /** Replace or delete: there is no binding of that name. */
        MISSING,
        /** Replace or delete: the stored version is not the expected one. */
        STALE
    }

    private final Kind kind;
    private final String organization;
    private final String name;

    public BindingConflictException(Kind kind, String organization, String name) {
        super("binding " + organization + "/" + name + ": " + kind.name().toLowerCase(Locale.ROOT), null, false, false);
        this.kind = kind;
        this.organization = organization;
        this.name = name;
    }

    public Kind kind() {
        return kind;
    }

    public String organization() {
        return organization;
    }

    public String name() {
        return name;
    }
}
