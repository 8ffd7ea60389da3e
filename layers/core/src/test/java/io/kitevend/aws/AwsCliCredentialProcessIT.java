package io.kitevend.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import io.kitevend.testing.AwsVendFixture;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import io.kitevend.vend.VendResponses;
import io.kitevend.vend.VendResult;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The success body of a vend is what the real AWS CLI accepts from a {@code credential_process}:
 * a profile whose process prints it makes the CLI call AWS as the assumed role.
 */
@Tag("integration")
class AwsCliCredentialProcessIT {

    @TempDir
    Path dir;

    @Test
    void theAwsCliCallsAwsAsTheAssumedRoleWithTheVendResponse() throws Exception {
        String aws = awsCli();
        URI moto = Emulators.moto();
        String roleName = "cli-deployer-" + UUID.randomUUID().toString().substring(0, 8);
        String roleArn = EmulatorAws.createKitevendRole(moto, roleName);
        try (var f = new AwsVendFixture(EmulatorAws.clients(moto))) {
            f.bind(AwsVendFixture.binding("deploy-main", "deploy", roleArn));
            VendResult result = f.vend("deploy");
            assertThat(result).isInstanceOf(VendResult.Issued.class);
            String assumedRole = ((VendResult.Issued) result).credentials().assumedRoleArn();

            Path credentials = dir.resolve("credentials.json");
            Files.writeString(credentials, VendResponses.toHttp(result).body());
            Path config = dir.resolve("config");
            Files.writeString(config, """
                    [profile p]
                    region = us-east-1
                    credential_process = cat %s
                    """.formatted(credentials));

            ProcessBuilder pb = new ProcessBuilder(
                    aws,
                    "--endpoint-url",
                    moto.toString(),
                    "sts",
                    "get-caller-identity",
                    "--profile",
                    "p",
                    "--output",
                    "json");
            // Nothing but the profile's credential_process may supply credentials.
            pb.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
            pb.environment().put("AWS_CONFIG_FILE", config.toString());
            pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
            pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
            Path stderr = dir.resolve("stderr.txt");
            pb.redirectError(stderr.toFile());
            Process process = pb.start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("aws finished").isTrue();
            assertThat(process.exitValue())
                    .as("aws exit status; stderr: %s", Files.readString(stderr))
                    .isZero();

            JsonNode identity = Json.readTree(stdout);
            assertThat(identity.get("Arn").asText())
                    .isEqualTo(assumedRole)
                    .isEqualTo("arn:aws:sts::123456789012:assumed-role/" + roleName + "/bk-deploy-42-0184990a");
        }
    }

    private static String awsCli() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
            File f = new File(d, "aws");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("the aws CLI is not on PATH, and CI=true");
        }
        Assumptions.abort("the aws CLI is not on PATH");
        throw new AssertionError("unreachable");
    }
}
