package io.kitevend.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kitevend.testing.Emulators;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** template.yaml read as a tree. CloudFormation's short tags (!Ref, !Sub, ...) are read as their plain values. */
final class Template {
    final JsonNode root;

    private Template(JsonNode root) {
        this.root = root;
    }

    static Template load() throws IOException {
        Path file = Emulators.repoRoot().resolve("template.yaml");
        return new Template(new YAMLMapper().readTree(file.toFile()));
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
