package io.kitevend.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kitevend.testing.Emulators;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A template as a tree. template.yaml itself is read with CloudFormation's short tags (!Ref, !Sub,
 * ...) as their plain values; {@link #of} takes a transformed template, whose intrinsics are in
 * their long form ({"Ref": ...}).
 */
final class Template {
    final JsonNode root;

    private Template(JsonNode root) {
        this.root = root;
    }

    static Template load() throws IOException {
        Path file = Emulators.repoRoot().resolve("template.yaml");
        return new Template(new YAMLMapper().readTree(file.toFile()));
    }

    /** A template already in JSON form, such as the SAM transform's output (intrinsics in their long form). */
    static Template of(JsonNode root) {
        return new Template(root);
    }

    Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        root.get("Resources").fields().forEachRemaining(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }
}
