package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./kitevend bindings ...} as a separate process, credentials and URL from the environment
 * only (the SDK's default chain, $KITEVEND_ADMIN_URL), against an in-process runner whose IAM-authorized
 * admin route is a recording stand-in; and what {@code ./kitevend dev} prints about admin keys.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminCliIT {
    static final String AKID = "AKIAADMINEXAMPLE0001";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYADMINKEY01";
    static final String ARN = "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/alice";

    final EchoHandler api = new EchoHandler();
    LocalRunner runner;

    @BeforeAll
    void start() throws Exception {
        runner = InJvmCli.quietRunner(AKID + ":" + SECRET + ":" + ARN, null);
        runner.replace("GET /v1/admin/bindings", Routes.Authorization.AWS_IAM, api);
    }

    @AfterAll
    void stop() {
        runner.close();
    }

    @BeforeEach
    void clear() {
        api.events.clear();
    }

    Map<String, String> env(String akid, String secret) {
        return RunnerProcess.cliEnvironment(runner.url(), akid, secret);
    }

    @Test
    void theCliSignsWithCredentialsFromTheEnvironment() throws Exception {
        try (RunnerProcess cli = RunnerProcess.start(env(AKID, SECRET), "bindings", "list", "-o", "table")) {
            int exit = cli.awaitExit();
            assertThat(exit).as(String.join("\n", cli.stderr)).isZero();
            assertThat(cli.stdout).first().asString().startsWith("ORGANIZATION");
        }
        assertThat(api.events).hasSize(1);
        var iam = api.last().getRequestContext().getAuthorizer().getIam();
        assertThat(iam.getUserArn()).isEqualTo(ARN);
        assertThat(iam.getAccessKey()).isEqualTo(AKID);
        assertThat(api.last().getHeaders().get("authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=" + AKID + "/")
                .contains("/us-east-1/execute-api/aws4_request");
    }

    @Test
    void aWrongSecretIsForbiddenAndTheCliFails() throws Exception {
        try (RunnerProcess cli =
                RunnerProcess.start(env(AKID, "not-the-secret-not-the-secret-not-the-sec"), "bindings", "list")) {
            assertThat(cli.awaitExit()).isEqualTo(1);
            assertThat(awaitLine(cli.stderr, "403: Forbidden")).isTrue();
        }
        assertThat(api.events).isEmpty();
    }

    /** A CLI's environment with nothing of AWS in it: kitevend's own folder only. */
    static Map<String, String> withoutAws(Path config) {
        Map<String, String> env =
                new HashMap<>(RunnerProcess.cliEnvironment(URI.create("http://127.0.0.1:1"), "x", "y"));
        env.put(AdminCommand.ADMIN_URL_VARIABLE, null);
        env.put("AWS_ACCESS_KEY_ID", null);
        env.put("AWS_SECRET_ACCESS_KEY", null);
        env.put(DevAdminKey.CONFIG_DIR_VARIABLE, config.toString());
        return env;
    }

    private static RunnerProcess cli(Map<String, String> env, URI url, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url.toString()));
        return RunnerProcess.start(env, all.toArray(String[]::new));
    }

    @Test
    void devKeepsOneAdminKeyAcrossRestartsAndTheCliSignsWithItWithoutAnyAwsSetting(@TempDir Path config)
            throws Exception {
        Map<String, String> env = withoutAws(config);
        Path file = config.resolve("dev-credentials");
        String firstKey = null;
        for (int start = 1; start <= 2; start++) {
            try (RunnerProcess dev = RunnerProcess.start(env, "dev", "--port", "0")) {
                URI url = dev.awaitListening();
                String err = String.join("\n", dev.stderr);
                assertThat(err)
                        .contains(IamAuthorizer.LOCAL_ADMIN_ARN)
                        .contains("kept in " + file + " (profile kitevend-dev)")
                        .contains("nothing to set: ./kitevend bindings list --url " + url)
                        .doesNotContain("export ")
                        .doesNotContain("unset ")
                        .doesNotContain("AWS_SECRET_ACCESS_KEY");
                try (RunnerProcess list = cli(env, url, "bindings", "list", "-o", "table")) {
                    assertThat(list.awaitExit())
                            .as("start %d: %s", start, list.stderr)
                            .isZero();
                    assertThat(list.stdout).first().asString().startsWith("ORGANIZATION");
                }
            }
            if (start == 1) {
                firstKey = Files.readString(file);
                assertThat(Files.getPosixFilePermissions(file))
                        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
                assertThat(firstKey).containsPattern("aws_access_key_id = AKIALOCAL[A-Z2-7]{11}");
            } else {
                assertThat(Files.readString(file))
                        .as("the same key after a restart")
                        .isEqualTo(firstKey);
            }
        }
    }

    @Test
    void aKeyTheRunnerDoesNotAcceptIsNamedWithWhereItCameFromAndWhatToDo(@TempDir Path config) throws Exception {
        Map<String, String> env = withoutAws(config);
        // The dev key exists (a runner made it); this runner accepts only the key given to it.
        try (RunnerProcess first = RunnerProcess.start(env, "dev", "--port", "0")) {
            first.awaitListening();
        }
        try (RunnerProcess cli = cli(env, runner.url(), "bindings", "list")) {
            assertThat(cli.awaitExit()).isEqualTo(1);
            assertThat(awaitLine(cli.stderr, "did not accept the dev admin key"))
                    .isTrue();
            String err = String.join("\n", cli.stderr);
            assertThat(err)
                    .startsWith("403: Forbidden")
                    .contains(config.resolve("dev-credentials").toString())
                    .contains("--admin-key");
        }
        // A key from an earlier run, still exported in the shell, given as a profile of the user's own.
        Path awsConfig = config.resolve("aws-credentials");
        Files.writeString(awsConfig, "[old]\naws_access_key_id = AKIALOCALOLDKEY00000\naws_secret_access_key = x\n");
        env.put("AWS_SHARED_CREDENTIALS_FILE", awsConfig.toString());
        try (RunnerProcess cli = cli(env, runner.url(), "bindings", "list", "--profile", "old")) {
            assertThat(cli.awaitExit()).isEqualTo(1);
            assertThat(awaitLine(cli.stderr, "AKIALOCALOLDKEY00000")).isTrue();
            assertThat(String.join("\n", cli.stderr))
                    .contains("profile old of your AWS configuration")
                    .contains("an earlier run")
                    .contains("leave out --profile");
        }
        assertThat(api.events).isEmpty();
    }

    @Test
    void devWithKeysNamesThePrincipalsButNeverTheSecrets() throws Exception {
        try (RunnerProcess dev =
                RunnerProcess.start("dev", "--port", "0", "--admin-key", AKID + ":" + SECRET + ":" + ARN)) {
            dev.awaitListening();
            String err = String.join("\n", dev.stderr);
            assertThat(err).contains(AKID + " -> " + ARN).doesNotContain(SECRET).doesNotContain("export AWS_");
        }
    }

    @Test
    void aBadAdminKeyIsNamedWithoutAStackTrace() throws Exception {
        try (RunnerProcess dev =
                RunnerProcess.start("dev", "--port", "0", "--admin-key", "AKIAADMINEXAMPLE0001:secret")) {
            assertThat(dev.awaitExit()).isNotZero();
            assertThat(awaitLine(dev.stderr, "ACCESS_KEY_ID:SECRET_ACCESS_KEY:PRINCIPAL_ARN"))
                    .isTrue();
            assertThat(String.join("\n", dev.stderr)).doesNotContain("\tat ");
        }
    }

    private static boolean awaitLine(List<String> lines, String text) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (lines.stream().anyMatch(l -> l.contains(text))) {
                return true;
            }
            Thread.sleep(25);
        }
        return false;
    }
}
