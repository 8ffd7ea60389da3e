package io.kitevend.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three rules of Buildkite's plugin linter, for the kitevend plugin (agent/): plugin.yml
 * against Buildkite's schema, every README example against the plugin's configuration schema, and
 * README versions no older than the newest release tag.
 */
final class PluginLint {
    /** How pipelines name the plugin (ORG/NAME, resolved to github.com/ORG/NAME-buildkite-plugin). */
    static final String ID = "kitevend/kitevend";

    static final String NAME = "kitevend";

    /** Release tags in the kitevend repository; the plugin's own repository gets vX.Y.Z. */
    static final String TAG_PREFIX = "plugin-";

    private static final Pattern YAML_BLOCK = Pattern.compile("```ya?ml\\n(.*?)\\n```", Pattern.DOTALL);
    private static final Pattern ID_REFERENCE = Pattern.compile("^" + Pattern.quote(ID) + "#v.+$");
    private static final Pattern GIT_REFERENCE =
            Pattern.compile("^(https?://|ssh://|git@).+/(" + NAME + "|" + NAME + "-buildkite-plugin)(\\.git)?#v.+$");
    private static final Pattern LOCAL_REFERENCE = Pattern.compile("^\\.{1,2}/(.*/)?" + NAME + "/?$");
    /** A version written after the plugin's id or repository name (placeholders such as vX.Y.Z are not). */
    private static final Pattern README_VERSION = Pattern.compile(
            "(?:" + Pattern.quote(ID) + "|" + NAME + "-buildkite-plugin(?:\\.git)?)#(v\\d[^\\s:'\"`]*)");

    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final YAMLMapper YAML = new YAMLMapper();

    private PluginLint() {}

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not YAML: " + e.getOriginalMessage(), e);
        }
    }

    /** Rule 1: schema violations of plugin.yml; empty when valid. */
    static List<String> manifestErrors(JsonNode manifest, JsonNode buildkiteSchema) {
        return errors(buildkiteSchema, manifest);
    }

    /** Rule 2, first half: the configuration of every use of this plugin in the README's YAML examples. */
    static List<JsonNode> exampleConfigurations(String readme) {
        List<JsonNode> configurations = new ArrayList<>();
        Matcher block = YAML_BLOCK.matcher(readme);
        while (block.find()) {
            JsonNode example = yaml(block.group(1));
            JsonNode steps = example != null && example.has("steps") ? example.get("steps") : example;
            if (steps != null && steps.isArray()) {
                steps.forEach(step -> collect(step, configurations));
            }
        }
        return configurations;
    }

    private static void collect(JsonNode step, List<JsonNode> into) {
        if (step.has("group")) {
            step.path("steps").forEach(inner -> collect(inner, into));
            return;
        }
        for (JsonNode entry : step.path("plugins")) {
            if (entry.isTextual() && isThisPlugin(entry.asText())) {
                into.add(JsonNodeFactory.instance.objectNode());
            }
            for (Map.Entry<String, JsonNode> plugin : entry.properties()) {
                if (isThisPlugin(plugin.getKey())) {
                    JsonNode value = plugin.getValue();
                    into.add(value == null || value.isNull() ? JsonNodeFactory.instance.objectNode() : value);
                }
            }
        }
    }

    static boolean isThisPlugin(String reference) {
        return ID_REFERENCE.matcher(reference).matches()
                || GIT_REFERENCE.matcher(reference).matches()
                || LOCAL_REFERENCE.matcher(reference).matches();
    }

    /** Rule 2: every example configuration against the plugin's configuration schema; at least one must exist. */
    static List<String> exampleErrors(String readme, JsonNode configurationSchema) {
        List<JsonNode> configurations = exampleConfigurations(readme);
        if (configurations.isEmpty()) {
            return List.of("no README example uses " + ID + "#vX.Y.Z (or a git URL or local path of the plugin)");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode configuration : configurations) {
            errors(configurationSchema, configuration).forEach(e -> out.add(configuration + ": " + e));
        }
        return out;
    }

    /**
     * Rule 3: every version of the plugin the README names ({@code ID#v1.2.3}, or after the
     * repository's name in a git URL) is a version vX.Y.Z, all name the same one (a release changes
     * them together), and none is older than the newest {@code plugin-vX.Y.Z} tag.
     */
    static List<String> versionErrors(String readme, List<String> tags) {
        List<String> out = new ArrayList<>();
        TreeSet<String> versions = new TreeSet<>();
        Matcher m = README_VERSION.matcher(readme);
        while (m.find()) {
            String version = m.group(1);
            versions.add(version);
            if (!VERSION.matcher(version).matches()) {
                out.add(ID + "#" + version + " is not a version vX.Y.Z");
            }
        }
        if (versions.isEmpty()) {
            out.add("the README names no version of " + ID);
        }
        if (versions.size() > 1) {
            out.add("the README names several versions: " + versions);
        }
        Optional<String> newest = tags.stream()
                .filter(t -> t.startsWith(TAG_PREFIX))
                .map(t -> t.substring(TAG_PREFIX.length()))
                .filter(v -> VERSION.matcher(v).matches())
                .max(BY_VERSION);
        newest.ifPresent(latest -> versions.stream()
                .filter(v -> VERSION.matcher(v).matches() && BY_VERSION.compare(v, latest) < 0)
                .forEach(v -> out.add(ID + "#" + v + " is older than the newest release, " + latest)));
        return out;
    }

    private static final Comparator<String> BY_VERSION = Comparator.comparingInt((String v) -> part(v, 1))
            .thenComparingInt(v -> part(v, 2))
            .thenComparingInt(v -> part(v, 3));

    private static int part(String version, int group) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new IllegalArgumentException(version);
        }
        return Integer.parseInt(m.group(group));
    }

    private static List<String> errors(JsonNode schema, JsonNode document) {
        Schema compiled =
                SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(schema);
        List<String> out = new ArrayList<>();
        for (Error e : compiled.validate(document)) {
            out.add(e.toString());
        }
        return out;
    }
}
