package io.kitevend.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kitevend.binding.SecretGrant;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a job gets for a grant ({@link SecretValue#textFor}), and that values never show in {@code toString}. */
class SecretGrantTest {
    private static final String JSON = """
            {"username":"ci","password":"s3cr3t-pw","port":5432,"tls":true,"nested":{"a":[1,2]},"empty":"","none":null}""";

    private static SecretValue text(String text) {
        return new SecretValue("kitevend/acme/db", "v1", text, null);
    }

    static Stream<Arguments> values() {
        return Stream.of(
                Arguments.of("whole text secret", null, text("plain-value"), "plain-value"),
                Arguments.of("whole JSON secret, as stored", null, text(JSON), JSON),
                Arguments.of("a string key", "password", text(JSON), "s3cr3t-pw"),
                Arguments.of("a number key, as text", "port", text(JSON), "5432"),
                Arguments.of("a boolean key, as text", "tls", text(JSON), "true"),
                Arguments.of("an object key, as JSON", "nested", text(JSON), "{\"a\":[1,2]}"),
                Arguments.of("an empty string key is the empty string it holds", "empty", text(JSON), ""),
                Arguments.of(
                        "binary secret, base64",
                        null,
                        new SecretValue("kitevend/acme/key", "v1", null, new byte[] {0, (byte) 0xFF, 'k', 'e', 'y'}),
                        "AP9rZXk="),
                Arguments.of(
                        "text wins when both are present",
                        null,
                        new SecretValue("kitevend/acme/key", "v1", "text", "bytes".getBytes(StandardCharsets.UTF_8)),
                        "text"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void whatTheJobGets(String name, String key, SecretValue value, String expected) throws Exception {
        assertThat(value.textFor(new SecretGrant(value.secretId(), key))).isEqualTo(expected);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("a key the JSON secret lacks", "token", text(JSON), "secret_key_not_found"),
                Arguments.of("a key whose value is null", "none", text(JSON), "secret_key_not_found"),
                Arguments.of("a key of a text secret", "password", text("not json"), "secret_key_not_found"),
                Arguments.of("a key of a JSON array", "0", text("[\"a\"]"), "secret_key_not_found"),
                Arguments.of(
                        "a key of a binary secret",
                        "password",
                        new SecretValue("kitevend/acme/key", "v1", null, JSON.getBytes(StandardCharsets.UTF_8)),
                        "secret_key_not_found"),
                Arguments.of(
                        "a secret with neither text nor binary",
                        null,
                        new SecretValue("kitevend/acme/key", "v1", null, null),
                        "secret_empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aGrantThatCannotBeMetIsAMissingSecretNeverAnEmptyValue(
            String name, String key, SecretValue value, String reason) {
        assertThatThrownBy(() -> value.textFor(new SecretGrant(value.secretId(), key)))
                .isInstanceOfSatisfying(SecretUnavailableException.class, e -> {
                    assertThat(e.missing()).isTrue();
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).contains(value.secretId()).doesNotContain("s3cr3t-pw", "not json");
                });
    }

    @Test
    void aJsonSecretWithTheGrantedKeyTwiceIsRefusedAsUnclear() {
        SecretValue twice = text("{\"password\": \"first-s3cr3t\", \"password\": \"second-s3cr3t\"}");

        assertThatThrownBy(() -> twice.textFor(new SecretGrant(twice.secretId(), "password")))
                .isInstanceOfSatisfying(SecretUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo("secret_key_not_found");
                    assertThat(e.getMessage()).contains("twice").doesNotContain("s3cr3t");
                });
    }

    @Test
    void toStringShowsIdsAndVersionsButNeverValues() {
        SecretValue text = new SecretValue("kitevend/acme/db", "v-123", "s3cr3t-pw", null);
        SecretValue binary =
                new SecretValue("kitevend/acme/key", "v-456", null, "b1nary-s3cr3t".getBytes(StandardCharsets.UTF_8));
        var granted =
                new SecretsResult.Granted("req-1", "deploy-main", Map.of("DB_PASSWORD", "s3cr3t-pw"), "secretsmanager");

        assertThat(text.toString()).contains("kitevend/acme/db", "v-123").doesNotContain("s3cr3t-pw");
        assertThat(binary.toString()).contains("kitevend/acme/key", "v-456").doesNotContain("b1nary", "YjFuYXJ5");
        assertThat(granted.toString()).contains("DB_PASSWORD", "deploy-main").doesNotContain("s3cr3t-pw");
    }
}
