package io.kitevend.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.json.Json;
import io.kitevend.json.Yaml;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A set of bindings as people write them: YAML or JSON, {@code bindings:} followed by a list of
 * bindings with snake_case fields. The same format seeds the local runner and feeds the admin
 * API's apply. Parsing reports every problem with its path ({@code bindings[2].role_arn}); a key
 * written twice in one object is refused with its line, never resolved.
 */
public final class BindingsDocument {

    static final Set<String> FIELDS = Set.of(
            "name",
            "organization",
            "pipeline",
            Binding.ORGANIZATION_ID,
            Binding.PIPELINE_ID,
            "conditions",
            "role_arn",
            "max_duration_seconds",
            "session_policy",
            "session_tags",
            "external_id",
            "enabled",
            "description",
            "secrets");

    /**
     * Fields of the JSON form that the store sets ({@link #toJson} writes them). They are accepted
     * and ignored on input, so that what the admin API answers can be edited and sent back.
     */
    public static final Set<String> READ_ONLY_FIELDS =
            Set.of("version", "created_at", "created_by", "updated_at", "updated_by");

    private BindingsDocument() {}

    /** Thrown when a document cannot be used; carries every problem found. */
    public static final class InvalidDocumentException extends Exception {
        private final transient List<FieldError> errors;

        public InvalidDocumentException(List<FieldError> errors) {
            super(errors.size() + " problem(s) in the bindings document: "
                    + String.join(
                            "; ",
                            errors.stream()
                                    .map(e -> e.field() + " " + e.message())
                                    .toList()));
            this.errors = List.copyOf(errors);
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    /** Parses YAML (JSON is accepted too, as YAML is its superset) and validates every binding. */
    public static List<Binding> parse(String text, BindingCompiler compiler) throws InvalidDocumentException {
        return parse(text, compiler::validate);
    }

    /**
     * As {@link #parse(String, BindingCompiler)}, with the caller's rules: {@code validator} returns
     * every problem of one binding (the admin API adds the deployment's organizations to the
     * compiler's rules).
     */
    public static List<Binding> parse(String text, Function<Binding, List<FieldError>> validator)
            throws InvalidDocumentException {
        JsonNode root;
        try {
            root = Yaml.readTree(text);
        } catch (Yaml.SyntaxError e) {
            throw new InvalidDocumentException(List.of(
                    e.duplicateKey() != null
                            ? new FieldError("", "duplicate_key", "has " + e.getMessage())
                            : new FieldError("", "unparseable", "is not valid YAML or JSON: " + e.getMessage())));
        }
        List<FieldError> errors = new ArrayList<>();
        if (root == null
                || !root.isObject()
                || !root.has("bindings")
                || !root.get("bindings").isArray()) {
            throw new InvalidDocumentException(List.of(
                    new FieldError("bindings", "missing", "the document must be an object with a 'bindings' list")));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String top = it.next();
            if (!top.equals("bindings")) {
                errors.add(new FieldError(top, "unknown_field", "is not a known field"));
            }
        }
        List<Binding> bindings = new ArrayList<>();
        Set<String> names = new HashSet<>();
        JsonNode list = root.get("bindings");
        for (int i = 0; i < list.size(); i++) {
            String prefix = "bindings[" + i + "]";
            List<FieldError> local = new ArrayList<>();
            Binding b = fromJson(list.get(i), local);
            if (b != null) {
                local.addAll(validator.apply(b));
                if (b.organization() != null && b.name() != null && !names.add(b.organization() + "/" + b.name())) {
                    local.add(new FieldError("name", "duplicate_name", "is used twice in this organization"));
                }
            }
            local.forEach(e -> errors.add(
                    new FieldError(prefix + (e.field().isEmpty() ? "" : "." + e.field()), e.code(), e.message())));
            if (b != null) {
                bindings.add(b);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidDocumentException(errors);
        }
        return bindings;
    }

    /**
     * Reads one binding from its JSON form. Shape problems (unknown fields, wrong types) are added to
     * {@code errors}; the rules of {@link BindingCompiler} are checked separately. Returns null when
     * the node is not an object.
     */
    public static Binding fromJson(JsonNode node, List<FieldError> errors) {
        if (node == null || !node.isObject()) {
            errors.add(new FieldError("", "not_an_object", "must be an object"));
            return null;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field) && !READ_ONLY_FIELDS.contains(field)) {
                errors.add(new FieldError(field, "unknown_field", "is not a known binding field"));
            }
        }
        Binding.Builder b = Binding.builder()
                .name(text(node, "name", errors))
                .organization(text(node, "organization", errors))
                .pipeline(text(node, "pipeline", errors))
                .organizationId(text(node, Binding.ORGANIZATION_ID, errors))
                .pipelineId(text(node, Binding.PIPELINE_ID, errors))
                .roleArn(text(node, "role_arn", errors))
                .sessionPolicy(policy(node, errors))
                .externalId(text(node, "external_id", errors))
                .description(text(node, "description", errors));
        JsonNode duration = node.get("max_duration_seconds");
        if (duration != null && !duration.isNull()) {
            if (duration.isIntegralNumber() && duration.canConvertToInt()) {
                b.maxDurationSeconds(duration.asInt());
            } else {
                errors.add(new FieldError("max_duration_seconds", "wrong_type", "must be a whole number of seconds"));
            }
        }
        JsonNode enabled = node.get("enabled");
        if (enabled != null && !enabled.isNull()) {
            if (enabled.isBoolean()) {
                b.enabled(enabled.asBoolean());
            } else {
                errors.add(new FieldError("enabled", "wrong_type", "must be true or false"));
            }
        }
        JsonNode tags = node.get("session_tags");
        if (tags != null && !tags.isNull()) {
            b.sessionTags(strings(tags, "session_tags", errors));
        }
        JsonNode conditions = node.get("conditions");
        if (conditions != null && !conditions.isNull()) {
            if (!conditions.isObject()) {
                errors.add(new FieldError("conditions", "wrong_type", "must map claim names to lists of globs"));
            } else {
                Map<String, List<String>> map = new LinkedHashMap<>();
                conditions.fields().forEachRemaining(e -> {
                    JsonNode v = e.getValue();
                    // A single glob may be written without the list.
                    map.put(
                            e.getKey(),
                            v.isTextual() ? List.of(v.asText()) : strings(v, "conditions." + e.getKey(), errors));
                });
                b.conditions(map);
            }
        }
        JsonNode secrets = node.get("secrets");
        if (secrets != null && !secrets.isNull()) {
            if (!secrets.isObject()) {
                errors.add(
                        new FieldError("secrets", "wrong_type", "must map environment variable names to secret ids"));
            } else {
                Map<String, SecretGrant> grants = new LinkedHashMap<>();
                secrets.fields().forEachRemaining(e -> {
                    JsonNode v = e.getValue();
                    if (v.isTextual()) {
                        grants.put(e.getKey(), SecretGrant.whole(v.asText()));
                    } else if (v.isObject()) {
                        for (var it = v.fieldNames(); it.hasNext(); ) {
                            String f = it.next();
                            if (!f.equals("secret_id") && !f.equals("key")) {
                                errors.add(new FieldError(
                                        "secrets." + e.getKey() + "." + f, "unknown_field", "is not secret_id or key"));
                            }
                        }
                        grants.put(
                                e.getKey(),
                                new SecretGrant(
                                        v.path("secret_id").isTextual()
                                                ? v.get("secret_id").asText()
                                                : null,
                                        v.path("key").isTextual() ? v.get("key").asText() : null));
                    } else {
                        errors.add(new FieldError(
                                "secrets." + e.getKey(),
                                "wrong_type",
                                "must be a secret id, or {secret_id, key} for one key of a JSON secret"));
                    }
                });
                b.secrets(grants);
            }
        }
        return b.build();
    }

    /** The JSON form of a binding (admin API answers, exports). */
    public static ObjectNode toJson(Binding b) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("name", b.name());
        n.put("organization", b.organization());
        n.put("pipeline", b.pipeline());
        b.pins().forEach(n::put);
        ObjectNode conditions = n.putObject("conditions");
        b.conditions().forEach((claim, globs) -> {
            ArrayNode list = conditions.putArray(claim);
            globs.forEach(list::add);
        });
        n.put("role_arn", b.roleArn());
        n.put("max_duration_seconds", b.maxDurationSeconds());
        if (b.sessionPolicy() != null) {
            n.put("session_policy", b.sessionPolicy());
        }
        ArrayNode tags = n.putArray("session_tags");
        b.sessionTags().forEach(tags::add);
        if (b.externalId() != null) {
            n.put("external_id", b.externalId());
        }
        if (!b.secrets().isEmpty()) {
            ObjectNode secrets = n.putObject("secrets");
            b.secrets().forEach((env, grant) -> {
                if (grant.key() == null) {
                    secrets.put(env, grant.secretId());
                } else {
                    secrets.putObject(env).put("secret_id", grant.secretId()).put("key", grant.key());
                }
            });
        }
        n.put("enabled", b.enabled());
        if (b.description() != null) {
            n.put("description", b.description());
        }
        n.put("version", b.version());
        if (b.createdAt() != null) {
            n.put("created_at", b.createdAt().toString());
            n.put("created_by", b.createdBy());
        }
        if (b.updatedAt() != null) {
            n.put("updated_at", b.updatedAt().toString());
            n.put("updated_by", b.updatedBy());
        }
        return n;
    }

    private static String text(JsonNode node, String field, List<FieldError> errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new FieldError(field, "wrong_type", "must be a string"));
            return null;
        }
        return v.asText();
    }

    /** A session policy may be written as a JSON string or, more readably, as an object. */
    private static String policy(JsonNode node, List<FieldError> errors) {
        JsonNode v = node.get("session_policy");
        if (v != null && v.isObject()) {
            return Json.write(v);
        }
        return text(node, "session_policy", errors);
    }

    private static List<String> strings(JsonNode v, String field, List<FieldError> errors) {
        if (!v.isArray()) {
            errors.add(new FieldError(field, "wrong_type", "must be a list of strings"));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i).isTextual()) {
                out.add(v.get(i).asText());
            } else {
                errors.add(new FieldError(field + "[" + i + "]", "wrong_type", "must be a string"));
            }
        }
        return out;
    }
}
