package io.kitevend.binding;

/** One problem with one field of a binding, reported to the admin who wrote it. */
public record FieldError(String field, String code, String message) {}
