package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./kitevend dev} with everything in memory, STS simulated and secrets from a local file. */
class EmbeddedRunnerIT extends RunnerBlackBoxSuite {
    static final String SIGNING_KEY = "sk-IT-text-6a0e";

    @Override
    List<String> extraArgs() {
        return localSecretsArgs();
    }

    /** {@code --secrets-file} with the suite's secrets, for every embedded-runner suite. */
    static List<String> localSecretsArgs() {
        try {
            Path file = Files.createTempFile("secrets", ".yaml");
            Files.writeString(file, """
                    secrets:
                      kitevend/acme/npm-token: %s
                      kitevend/acme/database: '%s'
                      kitevend/acme/signing-key: %s
                    """.formatted(NPM_TOKEN, DATABASE_JSON, SIGNING_KEY));
            return List.of("--secrets-file", file.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    String signingKey() {
        return SIGNING_KEY;
    }

    @Override
    String secretsSource() {
        return "local-file";
    }

    @Test
    void simulatedCredentialsSaySo() throws Exception {
        var r = vendWith(mint("deploy", "main"));
        JsonNode body = Json.readTree(r.body());
        assertThat(body.get("Simulated").asBoolean()).isTrue();
        assertThat(body.get("AccessKeyId").asText()).startsWith("SIMULATED");
        assertThat(String.join("\n", runner.stderr)).contains("SIMULATED");
    }

    @Test
    void secretsFromTheLocalFileAreAnnouncedAndAuditedAsSuch() throws Exception {
        assertThat(String.join("\n", runner.stderr)).contains("WARNING: secrets come from the LOCAL FILE");
        var r = secrets(mint("publish", "main"), "publish-main");
        String id = Json.readTree(r.body()).get("request_id").asText();
        assertThat((String) auditRecord(id).get("secrets")).contains("NPM_TOKEN=kitevend/acme/npm-token@local-file");
    }

    @Test
    void withoutASecretsFileAGrantedSecretIsNotFound() throws Exception {
        Path bindings = Files.createTempFile("bindings", ".yaml");
        Files.writeString(bindings, BINDINGS);
        try (RunnerProcess bare = RunnerProcess.start("dev", "--port", "0", "--bindings", bindings.toString())) {
            var base = bare.awaitListening();
            assertThat(String.join("\n", bare.stderr)).contains("WARNING: no --secrets-file");
            String token = Json.readTree(LocalHttp.post(
                                    base.resolve("/dev/token"),
                                    Map.of("content-type", "application/json"),
                                    Json.write(Map.of("organization", "acme", "pipeline", "publish", "branch", "main")))
                            .body())
                    .get("token")
                    .asText();
            var r = LocalHttp.post(base.resolve("/v1/secrets"), Map.of("authorization", "Bearer " + token), null);
            JsonNode p = problem(r, 404, "secret_not_found");
            assertThat(p.get("detail").asText()).contains("NPM_TOKEN");
        }
    }

    @Test
    void theExampleBindingsAndSecretsWorkTogether() throws Exception {
        Path examples = io.kitevend.testing.Emulators.repoRoot().resolve("examples");
        try (RunnerProcess demo = RunnerProcess.start(
                "dev",
                "--port",
                "0",
                "--bindings",
                examples.resolve("bindings.yaml").toString(),
                "--secrets-file",
                examples.resolve("secrets.yaml").toString())) {
            var base = demo.awaitListening();
            String token = Json.readTree(LocalHttp.post(
                                    base.resolve("/dev/token"),
                                    Map.of("content-type", "application/json"),
                                    Json.write(Map.of(
                                            "organization",
                                            "acme",
                                            "pipeline",
                                            "deploy",
                                            "branch",
                                            "main",
                                            "build_source",
                                            "webhook",
                                            "step_key",
                                            "deploy")))
                            .body())
                    .get("token")
                    .asText();
            var r = LocalHttp.post(
                    base.resolve("/v1/secrets"),
                    Map.of("authorization", "Bearer " + token, "content-type", "application/json"),
                    "{\"binding\":\"deploy-prod\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode body = Json.readTree(r.body());
            assertThat(body.get("source").asText()).isEqualTo("local-file");
            assertThat(body.get("secrets").get("NPM_TOKEN").asText()).contains("FAKE");
            assertThat(body.get("secrets").get("DB_PASSWORD").asText()).contains("FAKE");
        }
    }
}
