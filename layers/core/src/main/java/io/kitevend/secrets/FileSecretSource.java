package io.kitevend.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Yaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Secrets from a local file, for the local runner only: {@code secrets: {ID: value}} in YAML or
 * JSON. The job is told that its values come from a local file.
 */
public final class FileSecretSource implements SecretSource {
    private final Map<String, String> values;

    private FileSecretSource(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * Reads the file. A secret id written twice is refused (which value was meant is unclear), as
     * is anything else that is not YAML or JSON; the message never shows a value.
     */
    public static FileSecretSource read(Path file) throws IOException {
        JsonNode root;
        try {
            root = Yaml.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (Yaml.SyntaxError e) {
            throw new IOException(file + " is not valid YAML: " + e.getMessage(), e);
        }
        JsonNode secrets = root == null ? null : root.get("secrets");
        if (secrets == null || !secrets.isObject()) {
            throw new IOException(file + ": expected 'secrets:' mapping secret ids to values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        secrets.fields()
                .forEachRemaining(e -> values.put(
                        e.getKey(),
                        e.getValue().isValueNode()
                                ? e.getValue().asText()
                                : e.getValue().toString()));
        return new FileSecretSource(values);
    }

    public static FileSecretSource empty() {
        return new FileSecretSource(Map.of());
    }

    @Override
    public SecretValue fetch(String secretId) throws SecretUnavailableException {
        String value = values.get(secretId);
        if (value == null) {
            throw new SecretUnavailableException(
                    true, "secret_not_found", "secret " + secretId + " is not in the local secrets file");
        }
        return new SecretValue(secretId, "local-file", value, null);
    }

    @Override
    public String name() {
        return "local-file";
    }
}
