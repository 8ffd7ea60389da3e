package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.BindingsDocument;
import io.kitevend.binding.FieldError;
import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import io.kitevend.secrets.FileSecretSource;
import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.VendFixture;
import io.kitevend.vend.VendResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key written twice in one object is refused wherever kitevend reads JSON or YAML that people
 * write, with the key and its line: a reviewer reads one value while a parser that keeps the last
 * would apply the other.
 */
class DuplicateKeysTest {
    static final String READ_ONLY = "arn:aws:iam::123456789012:role/kitevend/read-only";
    static final String ADMIN = "arn:aws:iam::123456789012:role/kitevend/admin";

    /** Reviewed as read-only; the second role_arn (line 7) is the one a last-wins parser applies. */
    static final String YAML_DOCUMENT = """
            bindings:
              - name: deploy-main
                organization: acme
                pipeline: deploy
                role_arn: %s
                conditions: {build_branch: [main]}
                role_arn: %s
            """.formatted(READ_ONLY, ADMIN);

    static final String JSON_DOCUMENT = """
            {"bindings": [
              {"name": "deploy-main", "organization": "acme", "pipeline": "deploy",
               "role_arn": "%s",
               "role_arn": "%s"}]}""".formatted(READ_ONLY, ADMIN);

    private final BindingCompiler compiler = new BindingCompiler(new BindingRules("/kitevend/", Set.of()));

    private static void refusedNamingKeyAndLine(BindingsDocument.InvalidDocumentException e, String key, int line) {
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.code()).isEqualTo("duplicate_key");
            assertThat(error.message()).contains("\"" + key + "\"").contains("line " + line + ",");
        });
    }

    @Test
    void aYamlBindingsDocumentWithARoleTwiceIsRefused() {
        assertThatThrownBy(() -> BindingsDocument.parse(YAML_DOCUMENT, compiler))
                .isInstanceOfSatisfying(
                        BindingsDocument.InvalidDocumentException.class,
                        e -> refusedNamingKeyAndLine(e, "role_arn", 7));
    }

    @Test
    void aJsonBindingsDocumentGoesThroughTheYamlReaderAndIsRefusedToo() {
        assertThatThrownBy(() -> BindingsDocument.parse(JSON_DOCUMENT, compiler))
                .isInstanceOfSatisfying(
                        BindingsDocument.InvalidDocumentException.class,
                        e -> refusedNamingKeyAndLine(e, "role_arn", 4));
    }

    @Test
    void duplicatesInsideConditionsAndSecretsAreRefusedToo() {
        String conditions = YAML_DOCUMENT
                .replace("    role_arn: " + ADMIN + "\n", "")
                .replace("{build_branch: [main]}", "{build_branch: [main], build_branch: ['*']}");
        assertThatThrownBy(() -> BindingsDocument.parse(conditions, compiler))
                .isInstanceOfSatisfying(
                        BindingsDocument.InvalidDocumentException.class,
                        e -> refusedNamingKeyAndLine(e, "build_branch", 6));
    }

    @Test
    void theAdminApiRefusesASingleBindingWithAKeyTwice() throws Exception {
        AdminFixture f = new AdminFixture();
        HttpResponse r =
                f.send(request("PUT", "/v1/admin/bindings/acme/deploy-main").json("""
                {"pipeline": "deploy", "role_arn": "%s",
                 "role_arn": "%s"}""".formatted(READ_ONLY, ADMIN)));

        assertThat(r.status()).isEqualTo(400);
        JsonNode problem = Json.readTree(r.body());
        assertThat(problem.get("code").asText()).isEqualTo("malformed_request");
        assertThat(problem.get("detail").asText()).contains("\"role_arn\"").contains("line 2");
        assertThat(f.bindingStore.get("acme", "deploy-main")).isEmpty();
    }

    @Test
    void theAdminApiRefusesADocumentWithAKeyTwiceAsYamlAndAsJson() throws Exception {
        AdminFixture f = new AdminFixture();
        for (HttpResponse r : new HttpResponse[] {
            f.send(request("POST", "/v1/admin/apply").yaml(YAML_DOCUMENT)),
            f.send(request("POST", "/v1/admin/apply").json(JSON_DOCUMENT))
        }) {
            assertThat(r.status()).isEqualTo(400);
            JsonNode problem = Json.readTree(r.body());
            assertThat(problem.get("code").asText()).isEqualTo("invalid_binding");
            assertThat(problem.toString()).contains("duplicate_key").contains("role_arn");
        }
        assertThat(f.bindingStore.get("acme", "deploy-main")).isEmpty();
    }

    @Test
    void explainRefusesABodyWithAKeyTwice() throws Exception {
        AdminFixture f = new AdminFixture();
        HttpResponse r = f.send(request("POST", "/v1/admin/explain")
                .as(AdminFixture.iam(AdminFixture.READER))
                .json("""
                        {"claims": {"organization_slug": "acme", "pipeline_slug": "deploy",
                                    "build_branch": "feature", "build_branch": "main"}}"""));

        assertThat(r.status()).isEqualTo(400);
        assertThat(Json.readTree(r.body()).get("detail").asText())
                .contains("\"build_branch\"")
                .contains("line 2");
    }

    @Test
    void aJobRequestBodyWithTheBindingTwiceIsRefusedNamingIt() {
        try (VendFixture f = new VendFixture()) {
            String token = f.minter.sign(f.minter.claims("acme", "deploy", "main"));
            VendResult r = f.service.vend(
                    VendFixture.post("Bearer " + token, "{\"binding\": \"read-only\", \"binding\": \"deploy-main\"}"));

            assertThat(r).isInstanceOfSatisfying(VendResult.Refused.class, refused -> {
                assertThat(refused.problem().type().code()).isEqualTo("malformed_request");
                assertThat(refused.problem().detail()).contains("\"binding\"").contains("twice");
            });
            assertThat(f.lastAudit().get("reason")).isEqualTo("malformed_request");
        }
    }

    @Test
    void aLocalSecretsFileWithASecretTwiceIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secrets.yaml");
        Files.writeString(file, """
                secrets:
                  kitevend/acme/npm-token: npm_first
                  kitevend/acme/npm-token: npm_second
                """);

        assertThatThrownBy(() -> FileSecretSource.read(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("\"kitevend/acme/npm-token\"")
                .hasMessageContaining("line 3")
                .hasMessageNotContaining("npm_first")
                .hasMessageNotContaining("npm_second");
    }

    @Test
    void aSessionPolicyWithAKeyTwiceIsRefused() {
        Binding b = VendFixture.deployMain().sessionPolicy("""
                        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Effect": "Allow",
                          "Action": "s3:*", "Resource": "*"}]}""").build();

        assertThat(compiler.validate(b))
                .extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("session_policy", "invalid_policy"));
        assertThat(compiler.validate(b).get(0).message()).contains("\"Effect\"");
    }
}
