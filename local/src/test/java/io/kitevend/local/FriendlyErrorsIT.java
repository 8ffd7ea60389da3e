package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mistake of issue 14's list as the user meets it: {@code ./kitevend ...} run as a process,
 * one line (or a short block) on stderr that names what is wrong, where, and what to do; never a
 * Java exception's name, a stack trace or the SDK's bookkeeping.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FriendlyErrorsIT {
    private Path dir;
    private ServerSocket occupied;
    /** A loopback port where nothing listens. */
    private int closedPort;

    @BeforeAll
    void files() throws IOException {
        dir = Files.createTempDirectory("kitevend-errors");
        Files.writeString(dir.resolve("tab.yaml"), "bindings:\n  - name: a\n\torganization: acme\n");
        Files.writeString(dir.resolve("secrets-tab.yaml"), "secrets:\n  a: b\n\tc: d\n");
        Files.writeString(dir.resolve("binding-tab.yaml"), "name: a\norganization: acme\n\tpipeline: x\n");
        Files.writeString(dir.resolve("globex.yaml"), """
                bindings:
                  - name: deploy-main
                    organization: globex
                    pipeline: deploy
                    role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
                """);
        occupied = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
    }

    @AfterAll
    void close() throws IOException {
        occupied.close();
    }

    Stream<Arguments> mistakes() {
        String closed = "http://127.0.0.1:" + closedPort;
        return Stream.of(
                mistake(
                        "a tab on line 3 of the bindings file",
                        List.of(
                                "dev",
                                "--port",
                                "0",
                                "--bindings",
                                dir.resolve("tab.yaml").toString()),
                        dir.resolve("tab.yaml") + " is not valid YAML or JSON: line 3, column 1: a tab where YAML"
                                + " expects spaces"),
                mistake(
                        "a tab on line 3 of the secrets file",
                        List.of(
                                "dev",
                                "--port",
                                "0",
                                "--secrets-file",
                                dir.resolve("secrets-tab.yaml").toString()),
                        dir.resolve("secrets-tab.yaml") + " is not valid YAML: line 3, column 1: a tab"),
                mistake(
                        "a tab on line 3 of a binding to put",
                        List.of(
                                "bindings",
                                "put",
                                "-f",
                                dir.resolve("binding-tab.yaml").toString(),
                                "--url",
                                closed),
                        dir.resolve("binding-tab.yaml") + " is not valid YAML or JSON: line 3, column 1: a tab"),
                mistake(
                        "a binding for an organization the runner does not accept",
                        List.of(
                                "dev",
                                "--port",
                                "0",
                                "--bindings",
                                dir.resolve("globex.yaml").toString()),
                        "bindings[0].organization: is not one of the organizations",
                        "--organizations"),
                mistake(
                        "a port in use",
                        List.of("dev", "--port", Integer.toString(occupied.getLocalPort())),
                        "cannot listen on 127.0.0.1:" + occupied.getLocalPort() + ": the port is in use",
                        "--port"),
                mistake(
                        "an emulator endpoint where nothing answers",
                        List.of("dev", "--port", "0", "--aws-endpoint", closed),
                        "cannot set up DynamoDB at " + closed + " (creating the tables): ",
                        "nothing answers there"),
                mistake(
                        "a report from an endpoint where nothing answers",
                        List.of(
                                "report",
                                "--aws-endpoint",
                                closed,
                                "--out",
                                dir.resolve("report").toString()),
                        "the report failed: reading the audit table failed",
                        "nothing answers there"),
                mistake(
                        "a misspelt option next to a missing required one",
                        List.of("token", "--pipline", "deploy", "--org", "acme"),
                        "kitevend token: unknown option '--pipline' (did you mean --pipeline?)",
                        "See 'kitevend token --help'."));
    }

    private static Arguments mistake(String what, List<String> args, String... says) {
        return Arguments.of(Named.of(what, args), List.of(says));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void eachMistakeIsToldInWordsWithoutAStackTrace(List<String> args, List<String> says) throws Exception {
        try (RunnerProcess run = RunnerProcess.start(args.toArray(String[]::new))) {
            int exit = run.awaitExit();
            String err = awaitStderr(run, says.get(0));
            assertThat(exit).as(err).isNotZero();
            for (String text : says) {
                assertThat(err).contains(text);
            }
            assertThat(err)
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ")
                    .doesNotContain("SDK Attempt Count")
                    .doesNotContain("Missing required")
                    .doesNotContain("listening on");
        }
    }

    @Test
    void helpAndVersionSayWhatTheyShould() throws Exception {
        try (RunnerProcess help = RunnerProcess.start("help")) {
            assertThat(help.awaitExit()).isZero();
            String out = awaitStdout(help, "Commands:");
            assertThat(out).startsWith("Usage: kitevend").contains("dev", "bindings", "explain", "help");
        }
        try (RunnerProcess helpDev = RunnerProcess.start("help", "dev")) {
            assertThat(helpDev.awaitExit()).isZero();
            assertThat(awaitStdout(helpDev, "--bindings")).startsWith("Usage: kitevend dev");
        }
        for (String flag : List.of("-V", "--version")) {
            try (RunnerProcess version = RunnerProcess.start(flag)) {
                assertThat(version.awaitExit()).isZero();
                String out = awaitStdout(version, "Java");
                assertThat(out).containsPattern("^kitevend \\d+\\.\\d+\\.\\d+\\S*\\nJava 25");
            }
        }
    }

    private static String awaitStderr(RunnerProcess run, String text) throws InterruptedException {
        return await(run.stderr, text);
    }

    private static String awaitStdout(RunnerProcess run, String text) throws InterruptedException {
        return await(run.stdout, text);
    }

    /** The process has exited; its last lines may still be in the pipe. */
    private static String await(List<String> lines, String text) throws InterruptedException {
        for (int i = 0; i < 100 && !String.join("\n", lines).contains(text); i++) {
            Thread.sleep(50);
        }
        return String.join("\n", new ArrayList<>(lines));
    }
}
