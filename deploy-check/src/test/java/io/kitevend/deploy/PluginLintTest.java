package io.kitevend.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.testing.Emulators;
import io.kitevend.token.BuildkiteClaims;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * agent/ as a Buildkite plugin, under the rules of Buildkite's plugin linter
 * (/work/shared/buildkite-plugin in the design notes; the schema is a test resource here), plus
 * the rules this repository adds: unknown properties refused, every property documented and
 * exercised by the bats tests.
 */
class PluginLintTest {
    private static final Path AGENT = Emulators.repoRoot().resolve("agent");

    private static JsonNode manifest() throws IOException {
        return PluginLint.yaml(Files.readString(AGENT.resolve("plugin.yml")));
    }

    private static String readme() throws IOException {
        return Files.readString(AGENT.resolve("README.md"));
    }

    private static JsonNode buildkiteSchema() throws IOException {
        try (InputStream in = PluginLintTest.class.getResourceAsStream("/buildkite/plugin-yaml-schema.yml")) {
            return PluginLint.yaml(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static List<String> properties() throws IOException {
        List<String> names = new ArrayList<>();
        manifest().path("configuration").path("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    // Rule 1

    @Test
    void pluginYmlValidatesAgainstBuildkitesSchema() throws IOException {
        assertThat(PluginLint.manifestErrors(manifest(), buildkiteSchema())).isEmpty();
        assertThat(manifest().path("name").asText()).isEqualTo(PluginLint.NAME);
        assertThat(manifest().path("requirements").toString()).contains("\"curl\"", "\"jq\"");
    }

    @Test
    void unknownPropertiesAreRefusedByTheSchema() throws IOException {
        JsonNode configuration = manifest().path("configuration");
        assertThat(configuration.path("additionalProperties").isBoolean()).isTrue();
        assertThat(configuration.path("additionalProperties").asBoolean()).isFalse();
        assertThat(properties()).contains("binding", "mode", "secrets", "claims", "duration", "region");
    }

    @Test
    void buildkitesSchemaCatchesAManifestWithoutAuthorOrRequirements() throws IOException {
        ObjectNode broken = manifest().deepCopy();
        broken.remove("author");
        broken.remove("requirements");

        assertThat(PluginLint.manifestErrors(broken, buildkiteSchema()))
                .hasSize(2)
                .anySatisfy(e -> assertThat(e).contains("author"))
                .anySatisfy(e -> assertThat(e).contains("requirements"));
    }

    @Test
    void theClaimsPropertyAcceptsExactlyTheClaimsKitevendTreatsAsRequestable() throws IOException {
        JsonNode configuration = manifest().path("configuration");
        List<String> accepted = new ArrayList<>(BuildkiteClaims.OPTIONAL_CLAIMS);
        accepted.add("agent_tag:queue");
        for (String claim : accepted) {
            assertThat(BuildkiteClaims.isRequestable(claim)).isTrue();
            assertThat(PluginLint.exampleErrors(example("{claims: [\"" + claim + "\"]}"), configuration))
                    .as(claim)
                    .isEmpty();
        }
        for (String claim : List.of("queue_name", "build_branch", "agent_tag:")) {
            assertThat(BuildkiteClaims.isRequestable(claim)).isFalse();
            assertThat(PluginLint.exampleErrors(example("{claims: [\"" + claim + "\"]}"), configuration))
                    .as(claim)
                    .isNotEmpty();
        }
    }

    // Rule 2

    @Test
    void everyReadmeExampleValidatesAgainstTheConfigurationSchema() throws IOException {
        assertThat(PluginLint.exampleConfigurations(readme())).hasSizeGreaterThanOrEqualTo(3);
        assertThat(PluginLint.exampleErrors(readme(), manifest().path("configuration")))
                .isEmpty();
    }

    @Test
    void aMisspeltPropertyInAnExampleIsCaught() throws IOException {
        List<String> errors = PluginLint.exampleErrors(
                example("{bindng: deploy-prod}"), manifest().path("configuration"));

        assertThat(errors).singleElement().asString().contains("bindng");
    }

    @Test
    void examplesAreFoundInGroupsUnderAGitUrlOrALocalPathButNotWithoutAVersion() {
        String readme = """
                ```yaml
                - group: deploys
                  steps:
                    - command: a
                      plugins:
                        - https://git.example.com/platform/kitevend-buildkite-plugin.git#v1.0.0: {mode: env}
                        - ./.buildkite/plugins/kitevend: {mode: credential_process}
                        - kitevend/kitevend#v1.0.0
                        - kitevend/kitevend: {mode: nonsense}
                        - other/plugin#v1.0.0: {mode: nonsense}
                ```
                """;

        assertThat(PluginLint.exampleConfigurations(readme))
                .extracting(JsonNode::toString)
                .containsExactly("{\"mode\":\"env\"}", "{\"mode\":\"credential_process\"}", "{}");
    }

    @Test
    void aReadmeWithoutExamplesFails() throws IOException {
        assertThat(PluginLint.exampleErrors(
                        "# nothing\n```yaml\nsteps: []\n```\n", manifest().path("configuration")))
                .singleElement()
                .asString()
                .contains("no README example");
    }

    // Rule 3

    @Test
    void readmeVersionsAreNotOlderThanTheNewestReleaseTag() throws IOException, InterruptedException {
        // The kitevend README's example names the plugin too; a release changes both.
        String both = readme() + Files.readString(Emulators.repoRoot().resolve("README.md"));
        assertThat(PluginLint.versionErrors(both, releaseTags())).isEmpty();
    }

    @Test
    void versionRulesCatchAnOldAnInvalidAndAMixedVersion() {
        String current = "- kitevend/kitevend#v1.2.0:\n";
        assertThat(PluginLint.versionErrors(current, List.of())).isEmpty();
        assertThat(PluginLint.versionErrors(current, List.of("plugin-v1.2.0", "plugin-v1.10.0", "v9.9.9")))
                .singleElement()
                .asString()
                .contains("older than the newest release, v1.10.0");
        assertThat(PluginLint.versionErrors("- kitevend/kitevend#v1.2:\n", List.of()))
                .singleElement()
                .asString()
                .contains("not a version");
        assertThat(PluginLint.versionErrors(
                        current + "url: https://git.example.com/x/kitevend-buildkite-plugin.git#v1.1.0", List.of()))
                .singleElement()
                .asString()
                .contains("several versions");
        assertThat(PluginLint.versionErrors("pipelines write kitevend/kitevend#vX.Y.Z", List.of()))
                .singleElement()
                .asString()
                .contains("names no version");
    }

    // This repository's own rules

    @Test
    void everyPropertyIsDocumentedInTheReadmeAndExercisedByTheBatsTests() throws IOException {
        String readme = readme();
        String bats = Files.readString(AGENT.resolve("test/plugin.bats"));
        for (String property : properties()) {
            assertThat(readme).as("README documents %s", property).contains("| `" + property + "` |");
            assertThat(bats)
                    .as("plugin.bats configures %s", property)
                    .containsAnyOf("\"" + property + "\":", "\\\"" + property + "\\\":");
        }
    }

    private static String example(String configuration) {
        return "```yaml\nsteps:\n  - command: x\n    plugins:\n      - kitevend/kitevend#v1.0.0: " + configuration
                + "\n```\n";
    }

    /** The kitevend repository's plugin release tags; the test is skipped where there is no git checkout. */
    private static List<String> releaseTags() throws IOException, InterruptedException {
        Path root = Emulators.repoRoot();
        Assumptions.assumeTrue(Files.exists(root.resolve(".git")), "not a git checkout: no tags to compare");
        Process git = new ProcessBuilder("git", "-C", root.toString(), "tag", "--list", PluginLint.TAG_PREFIX + "*")
                .redirectErrorStream(true)
                .start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).as(out).isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
