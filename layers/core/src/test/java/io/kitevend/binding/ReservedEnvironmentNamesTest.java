package io.kitevend.binding;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.testing.Emulators;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * One list of reserved environment names, on both sides: the server's resource and the agent
 * plugin's copy (the plugin uses no file outside {@code agent/}) must be the same file, so that a
 * name the server refuses in a binding is also one the hooks refuse to export, and the reverse.
 */
class ReservedEnvironmentNamesTest {
    static final Path AGENT_COPY = Path.of("agent", "lib", "reserved-environment-names");

    @Test
    void theAgentsCopyIsTheServersList() throws Exception {
        byte[] server;
        try (InputStream in = ReservedEnvironmentNames.class.getResourceAsStream(ReservedEnvironmentNames.RESOURCE)) {
            assertThat(in).isNotNull();
            server = in.readAllBytes();
        }
        Path agent = Emulators.repoRoot().resolve(AGENT_COPY);

        assertThat(new String(Files.readAllBytes(agent), java.nio.charset.StandardCharsets.UTF_8))
                .as(
                        "%s and the server's %s must be identical; change both",
                        AGENT_COPY, ReservedEnvironmentNames.RESOURCE)
                .isEqualTo(new String(server, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void entriesAreNamesOrPrefixesAndPrefixesCoverWhatTheyStart() {
        assertThat(ReservedEnvironmentNames.entries()).hasSizeGreaterThan(100).doesNotHaveDuplicates();
        assertThat(ReservedEnvironmentNames.reserved("LD_PRELOAD")).isTrue();
        assertThat(ReservedEnvironmentNames.reserved("LD_")).isTrue();
        assertThat(ReservedEnvironmentNames.reserved("GIT_CONFIG_KEY_0")).isTrue();
        assertThat(ReservedEnvironmentNames.reserved("PATH")).isTrue();
        assertThat(ReservedEnvironmentNames.reserved("PATH_TO_KEY"))
                .as("PATH is a name, not a prefix")
                .isFalse();
        assertThat(ReservedEnvironmentNames.reserved("XLD_PRELOAD")).isFalse();
        assertThat(ReservedEnvironmentNames.reserved("NPM_TOKEN")).isFalse();
    }
}
