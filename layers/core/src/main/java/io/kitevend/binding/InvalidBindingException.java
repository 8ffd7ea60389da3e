package io.kitevend.binding;

import java.util.List;
import java.util.stream.Collectors;

/** A binding failed validation; carries every problem found, not only the first. */
public final class InvalidBindingException extends Exception {
    private final transient List<FieldError> errors;

    public InvalidBindingException(String bindingName, List<FieldError> errors) {
        super("binding '" + bindingName + "' is invalid: "
                + errors.stream().map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
