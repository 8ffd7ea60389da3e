package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.testing.Emulators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The launcher as a user meets it: the demo, --help, and a clean stop on SIGTERM. */
class RunnerLifecycleIT {

    @Test
    void demoRunsGreen() throws Exception {
        try (RunnerProcess demo = RunnerProcess.start("demo")) {
            assertThat(demo.awaitExit())
                    .as(String.join("\n", demo.stdout) + String.join("\n", demo.stderr))
                    .isZero();
            assertThat(String.join("\n", demo.stdout))
                    .contains("every step behaved as expected")
                    .doesNotContain("UNEXPECTED");
        }
    }

    @Test
    void devHelpListsEverySetting() throws Exception {
        try (RunnerProcess help = RunnerProcess.start("dev", "--help")) {
            assertThat(help.awaitExit()).isZero();
            String text = String.join("\n", help.stdout);
            for (String option : new String[] {
                "--port",
                "--audience",
                "--organizations",
                "--bindings",
                "--issuer",
                "--jwks-url",
                "--aws-endpoint",
                "--aws",
                "--algorithms",
                "--clock-skew",
                "--token-max-age",
                "--jwks-cache",
                "--jwks-min-refresh",
                "--jwks-outage-tolerance",
                "--role-path",
                "--allowed-accounts",
                "--bindings-cache",
                "--replay-protection",
                "--audit-retention-days",
                "--audit-shards",
                "--bindings-table",
                "--audit-table",
                "--replay-table",
                "--region",
                "--secrets-file",
                "--secret-prefix",
                "--secrets-cache",
                "--dev-routes",
                "--account-id",
                "--partition"
            }) {
                assertThat(text).contains(option);
            }
        }
    }

    @Test
    void sigtermStopsTheRunnerAndLeavesNothingBehind() throws Exception {
        RunnerProcess runner = RunnerProcess.start("dev", "--port", "0");
        runner.awaitListening();
        var children = runner.process.toHandle().descendants().toList();
        runner.terminate();
        int exit = runner.awaitExit();
        assertThat(exit).isIn(0, 143);
        // The last lines may still be in the pipe when the process is gone.
        for (int i = 0; i < 100 && !String.join("\n", runner.stderr).contains("stopped"); i++) {
            Thread.sleep(50);
        }
        assertThat(String.join("\n", runner.stderr)).contains("kitevend dev: stopped");
        assertThat(runner.process.toHandle().isAlive()).isFalse();
        assertThat(children).allSatisfy(child -> assertThat(child.isAlive()).isFalse());
    }

    @Test
    void badSettingIsNamedWithoutAStackTrace() throws Exception {
        try (RunnerProcess bad = RunnerProcess.start("dev", "--port", "0", "--clock-skew", "9999")) {
            assertThat(bad.awaitExit()).isNotZero();
            String err = String.join("\n", bad.stderr);
            assertThat(err).contains("KITEVEND_CLOCK_SKEW_SECONDS").doesNotContain("\tat ");
        }
    }

    static Stream<Arguments> badSecretsSettings() throws Exception {
        Path noSecrets = Files.createTempFile("not-secrets", ".yaml");
        Files.writeString(noSecrets, "tokens:\n  a: b\n");
        String examples = Emulators.repoRoot().resolve("examples").toString();
        return Stream.of(
                Arguments.of(
                        Named.of("a cache over 300 seconds", List.of("--secrets-cache", "301")),
                        "KITEVEND_SECRETS_CACHE_SECONDS"),
                Arguments.of(
                        Named.of("a prefix without a trailing slash", List.of("--secret-prefix", "kitevend")),
                        "KITEVEND_SECRET_PREFIX"),
                Arguments.of(
                        Named.of(
                                "bindings granting secrets outside the prefix",
                                List.of("--secret-prefix", "other/", "--bindings", examples + "/bindings.yaml")),
                        "secret must be under the prefix other/"),
                Arguments.of(
                        Named.of(
                                "a secrets file that does not exist",
                                List.of("--secrets-file", "/nonexistent/secrets.yaml")),
                        "no such file: /nonexistent/secrets.yaml"),
                Arguments.of(
                        Named.of("a secrets file without secrets:", List.of("--secrets-file", noSecrets.toString())),
                        "expected 'secrets:'"),
                Arguments.of(
                        Named.of(
                                "a secrets file with --aws-endpoint",
                                List.of(
                                        "--secrets-file",
                                        examples + "/secrets.yaml",
                                        "--aws-endpoint",
                                        "http://127.0.0.1:9")),
                        "--secrets-file is for the embedded runner"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSecretsSettings")
    void badSecretsSettingsStopTheRunnerWithAReason(List<String> args, String reason) throws Exception {
        List<String> command = new ArrayList<>(List.of("dev", "--port", "0"));
        command.addAll(args);
        try (RunnerProcess bad = RunnerProcess.start(command.toArray(String[]::new))) {
            assertThat(bad.awaitExit()).isNotZero();
            String err = String.join("\n", bad.stderr);
            assertThat(err).contains(reason).doesNotContain("\tat ").doesNotContain("listening on");
        }
    }
}
