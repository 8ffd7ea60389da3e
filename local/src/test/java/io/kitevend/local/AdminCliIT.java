package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code ./kitevend bindings ...} as a separate process, credentials and URL from the environment
 * only (the SDK's default chain, $KITEVEND_URL), against an in-process runner whose IAM-authorized
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
        RunnerOptions options = new RunnerOptions();
        options.port = 0;
        options.region = "us-east-1";
        options.adminKey = List.of(AKID + ":" + SECRET + ":" + ARN);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        runner = LocalRunner.start(options, quiet, quiet);
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

    @Test
    void devWithoutKeysPrintsTheKeyItMadeAndHowToUseIt() throws Exception {
        try (RunnerProcess dev = RunnerProcess.start("dev", "--port", "0")) {
            dev.awaitListening();
            String err = String.join("\n", dev.stderr);
            assertThat(err)
                    .contains(IamAuthorizer.LOCAL_ADMIN_ARN)
                    .containsPattern(
                            "export AWS_ACCESS_KEY_ID=AKIALOCAL[A-Z2-7]{11} AWS_SECRET_ACCESS_KEY=\\S{40} AWS_REGION=")
                    .contains("unset AWS_SESSION_TOKEN AWS_PROFILE")
                    .contains("./kitevend bindings list --url http://127.0.0.1:");
        }
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
