package io.kitevend.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.BindingsDocument;
import io.kitevend.binding.FieldError;
import io.kitevend.binding.SecretGrant;
import io.kitevend.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code secrets:} in bindings documents (YAML and JSON): both forms, the round trip, shape errors. */
class SecretsDocumentTest {
    private static final BindingCompiler COMPILER = new BindingCompiler(
            new BindingRules("/kitevend/", Set.of(), "kitevend/", "aws", "us-east-1", "123456789012"));

    private static final String YAML = """
            bindings:
              - name: deploy-main
                organization: acme
                pipeline: deploy
                role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
                secrets:
                  NPM_TOKEN: kitevend/acme/npm-token
                  DB_PASSWORD:
                    secret_id: kitevend/acme/db
                    key: password
                  SIGNING_KEY: arn:aws:secretsmanager:us-east-1:123456789012:secret:kitevend/acme/signing-AbCdEf
              - name: build-any
                organization: acme
                pipeline: build
                role_arn: arn:aws:iam::123456789012:role/kitevend/builder
            """;

    private static final Map<String, SecretGrant> EXPECTED = Map.of(
            "NPM_TOKEN", SecretGrant.whole("kitevend/acme/npm-token"),
            "DB_PASSWORD", new SecretGrant("kitevend/acme/db", "password"),
            "SIGNING_KEY",
                    SecretGrant.whole(
                            "arn:aws:secretsmanager:us-east-1:123456789012:secret:kitevend/acme/signing-AbCdEf"));

    @Test
    void yamlGrantsBothFormsAndABindingWithoutSecretsGrantsNone() throws Exception {
        List<Binding> bindings = BindingsDocument.parse(YAML, COMPILER);

        assertThat(bindings).hasSize(2);
        assertThat(bindings.get(0).secrets()).isEqualTo(EXPECTED);
        assertThat(bindings.get(0).secrets().keySet()).containsExactly("NPM_TOKEN", "DB_PASSWORD", "SIGNING_KEY");
        assertThat(bindings.get(1).secrets()).isEmpty();
    }

    @Test
    void jsonFormWritesTheShortFormForWholeSecretsAndAnObjectForKeys() throws Exception {
        Binding binding = BindingsDocument.parse(YAML, COMPILER).get(0);

        JsonNode json = BindingsDocument.toJson(binding);

        JsonNode secrets = json.get("secrets");
        assertThat(secrets.get("NPM_TOKEN").isTextual()).isTrue();
        assertThat(secrets.get("NPM_TOKEN").asText()).isEqualTo("kitevend/acme/npm-token");
        assertThat(secrets.get("DB_PASSWORD").isObject()).isTrue();
        assertThat(secrets.get("DB_PASSWORD").get("secret_id").asText()).isEqualTo("kitevend/acme/db");
        assertThat(secrets.get("DB_PASSWORD").get("key").asText()).isEqualTo("password");
        assertThat(secrets.get("DB_PASSWORD").size()).isEqualTo(2);
    }

    @Test
    void jsonRoundTripGivesTheSameBinding() throws Exception {
        List<Binding> parsed = BindingsDocument.parse(YAML, COMPILER);
        StringBuilder json = new StringBuilder("{\"bindings\":[");
        for (int i = 0; i < parsed.size(); i++) {
            json.append(i == 0 ? "" : ",").append(Json.write(BindingsDocument.toJson(parsed.get(i))));
        }
        json.append("]}");

        List<Binding> again = BindingsDocument.parse(json.toString(), COMPILER);

        assertThat(again).isEqualTo(parsed);
        assertThat(again.get(0).secrets()).isEqualTo(EXPECTED);
    }

    @Test
    void aBindingWithoutSecretsHasNoSecretsFieldInJson() throws Exception {
        Binding binding = BindingsDocument.parse(YAML, COMPILER).get(1);

        assertThat(BindingsDocument.toJson(binding).has("secrets")).isFalse();
    }

    @Test
    void jsonObjectFormWithoutAKeyIsTheWholeSecret() throws Exception {
        String doc = """
                {"bindings":[{"name":"deploy-main","organization":"acme","pipeline":"deploy",
                  "role_arn":"arn:aws:iam::123456789012:role/kitevend/deployer",
                  "secrets":{"TOKEN":{"secret_id":"kitevend/acme/token"}}}]}""";

        Binding binding = BindingsDocument.parse(doc, COMPILER).get(0);

        assertThat(binding.secrets()).containsExactly(Map.entry("TOKEN", SecretGrant.whole("kitevend/acme/token")));
        assertThat(BindingsDocument.toJson(binding).get("secrets").get("TOKEN").asText())
                .isEqualTo("kitevend/acme/token");
    }

    static Stream<Arguments> shapeErrors() {
        return Stream.of(
                Arguments.of("secrets as a list", "secrets: [kitevend/acme/token]", "bindings[0].secrets wrong_type"),
                Arguments.of("secrets as a string", "secrets: kitevend/acme/token", "bindings[0].secrets wrong_type"),
                Arguments.of(
                        "a secret id that is a number", "secrets: {TOKEN: 42}", "bindings[0].secrets.TOKEN wrong_type"),
                Arguments.of(
                        "a secret id that is a list",
                        "secrets: {TOKEN: [kitevend/acme/a]}",
                        "bindings[0].secrets.TOKEN wrong_type"),
                Arguments.of(
                        "an unknown field in the object form",
                        "secrets: {TOKEN: {secret_id: kitevend/acme/a, version: v1}}",
                        "bindings[0].secrets.TOKEN.version unknown_field"),
                Arguments.of(
                        "the object form without secret_id",
                        "secrets: {TOKEN: {key: password}}",
                        "bindings[0].secrets.TOKEN.secret_id missing"),
                Arguments.of(
                        "a secret outside the prefix",
                        "secrets: {TOKEN: prod/token}",
                        "bindings[0].secrets.TOKEN.secret_id secret_prefix_not_allowed"),
                Arguments.of(
                        "a reserved name",
                        "secrets: {AWS_SESSION_TOKEN: kitevend/acme/token}",
                        "bindings[0].secrets.AWS_SESSION_TOKEN reserved_env_name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapeErrors")
    void problemsAreReportedWithTheirPath(String name, String secretsLine, String expected) {
        String doc = """
                bindings:
                  - name: deploy-main
                    organization: acme
                    pipeline: deploy
                    role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
                    %s
                """.formatted(secretsLine);

        assertThatThrownBy(() -> BindingsDocument.parse(doc, COMPILER))
                .isInstanceOfSatisfying(
                        BindingsDocument.InvalidDocumentException.class,
                        e -> assertThat(e.errors().stream()
                                        .map(f -> f.field() + " " + f.code())
                                        .toList())
                                .containsExactly(expected));
    }

    @Test
    void fromJsonReadsAnObjectFormWithANullKeyAsTheWholeSecret() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        Binding b = BindingsDocument.fromJson(Json.readTree("""
                {"name":"deploy-main","organization":"acme","pipeline":"deploy",
                 "role_arn":"arn:aws:iam::123456789012:role/kitevend/deployer",
                 "secrets":{"TOKEN":{"secret_id":"kitevend/acme/token","key":null}}}"""), errors);

        assertThat(errors).isEmpty();
        assertThat(b.secrets()).containsExactly(Map.entry("TOKEN", SecretGrant.whole("kitevend/acme/token")));
    }
}
