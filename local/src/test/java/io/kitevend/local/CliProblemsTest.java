package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.local.InJvmCli.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What the CLI says when something is wrong, as the user reads it: run in this JVM against a real
 * runner (its admin function and store) in this JVM, with the environment each case needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliProblemsTest {
    private static final String AKID = "AKIAADMINEXAMPLE0003";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYADMINKEY03";
    private static final String ARN = "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/carol";
    private static final String BINDING = """
            name: deploy-main
            organization: acme
            pipeline: deploy
            conditions: {build_branch: [main]}
            role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
            """;

    private LocalRunner runner;

    @BeforeAll
    void start() throws Exception {
        runner = InJvmCli.quietRunner(AKID + ":" + SECRET + ":" + ARN, null);
    }

    @AfterAll
    void stop() {
        runner.close();
    }

    private static Run cli(Map<String, String> env, String... args) {
        return InJvmCli.run(InJvmCli.credentials(AKID, SECRET), env, args);
    }

    private Run admin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", runner.url().toString()));
        return cli(Map.of(), all.toArray(String[]::new));
    }

    @Test
    void theVendingUrlWhereTheAdminBaseBelongsIsRefusedWithTheBaseToGive() {
        String vending = "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/credentials";
        Run fromVariable = cli(Map.of(AdminCommand.ADMIN_URL_VARIABLE, vending), "bindings", "list");
        assertThat(fromVariable.exit()).isEqualTo(2);
        assertThat(fromVariable.err())
                .contains("$KITEVEND_ADMIN_URL is " + vending + ", a job route")
                .contains("AdminApiUrl output: https://abc123.execute-api.eu-west-1.amazonaws.com ");

        Run fromFlag = cli(Map.of(), "audit", "--url", runner.url() + "/v1/admin/bindings");
        assertThat(fromFlag.exit()).isEqualTo(2);
        assertThat(fromFlag.err())
                .contains("--url is")
                .contains("not the API's base")
                .contains(runner.url() + " ");
    }

    @Test
    void theAgentsVariableIsNotTheAdminUrlAndTheCliSaysSo() {
        // A shared shell: KITEVEND_URL holds the vending URL, and no admin URL is given.
        Map<String, String> env = new HashMap<>();
        env.put("KITEVEND_URL", "http://127.0.0.1:1/v1/credentials");
        StringWriter err = new StringWriter();
        int exit = Main.run(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(AKID, SECRET)),
                env,
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true),
                "bindings",
                "list",
                "--region",
                "us-east-1");
        // Nothing was sent to /v1/credentials/v1/admin/bindings: the CLI went to its own default.
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString())
                .contains("nothing answers at " + AdminCommand.DEFAULT_URL)
                .contains("$KITEVEND_URL is the agents' vending URL")
                .contains("KITEVEND_ADMIN_URL");
    }

    @Test
    void theRegionOfAnApiGatewayUrlIsTheSigningRegion() {
        var command = new BindingsCommand.ListBindings();
        assertThat(command.region(URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com")))
                .isEqualTo("eu-west-1");
        command.region = "ap-south-1";
        assertThat(command.region(URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com")))
                .isEqualTo("ap-south-1");
    }

    @Test
    void conflictsAreToldInTheCliTermsWithTheStoredVersion(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("binding.yaml"), BINDING);
        assertThat(admin("bindings", "put", "-f", file.toString()).exit()).isZero();

        Run exists = admin("bindings", "put", "-f", file.toString());
        assertThat(exists.exit()).isEqualTo(1);
        assertThat(exists.err())
                .isEqualTo("409 binding_exists: acme/deploy-main exists already, at version 1. To replace it, run"
                        + " again with --if-match 1 (replaces that version only) or --replace (replaces whatever is"
                        + " stored).\n")
                .doesNotContain("If-Match")
                .doesNotContain("ETag");

        assertThat(admin("bindings", "put", "-f", file.toString(), "--replace").exit())
                .isZero();
        Run stale = admin("bindings", "put", "-f", file.toString(), "--if-match", "1");
        assertThat(stale.exit()).isEqualTo(1);
        assertThat(stale.err())
                .isEqualTo("412 version_mismatch: acme/deploy-main is no longer at version 1 (it is at version 2"
                        + " now). See what changed with 'kitevend bindings get acme/deploy-main', then run again with"
                        + " --if-match 2 (or --replace).\n");

        Run staleDelete = admin("bindings", "delete", "acme/deploy-main", "--if-match", "1");
        assertThat(staleDelete.exit()).isEqualTo(1);
        assertThat(staleDelete.err())
                .contains("is no longer at version 1 (it is at version 2 now)")
                .endsWith("then run again with --if-match 2.\n");
        assertThat(admin("bindings", "delete", "acme/deploy-main", "--if-match", "2")
                        .exit())
                .isZero();
    }
}
