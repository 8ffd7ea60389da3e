package io.kitevend.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Duplicate keys are refused, in JSON and in YAML, at any depth, with the key and its line. */
class JsonStrictnessTest {

    @Test
    void jsonWithAKeyTwiceIsRefusedNamingTheKeyAndLine() {
        String text = "{\n  \"binding\": \"read-only\",\n  \"binding\": \"deploy-prod\"\n}";

        assertThatThrownBy(() -> Json.readTree(text))
                .isInstanceOf(Json.DuplicateKeyException.class)
                .hasMessage("the key \"binding\" appears twice in one object (line 3, column 12)")
                .satisfies(
                        e -> assertThat(((Json.DuplicateKeyException) e).key()).isEqualTo("binding"));
    }

    @Test
    void yamlWithAKeyTwiceIsRefusedAtAnyDepth() {
        String text = """
                bindings:
                  - name: deploy-prod
                    organization: acme
                    role_arn: arn:aws:iam::123456789012:role/kitevend/read-only
                    conditions:
                      build_branch: [main]
                    role_arn: arn:aws:iam::123456789012:role/kitevend/admin
                """;

        assertThatThrownBy(() -> Yaml.readTree(text))
                .isInstanceOfSatisfying(Yaml.SyntaxError.class, e -> {
                    assertThat(e.duplicateKey()).isEqualTo("role_arn");
                    assertThat(e.line()).isEqualTo(7);
                })
                .hasMessageEndingWith("the key \"role_arn\" appears twice in one object");
        assertThatThrownBy(() -> Yaml.readTree("a:\n  b: 1\n  c: {d: 1, d: 2}\n"))
                .isInstanceOfSatisfying(Yaml.SyntaxError.class, e -> {
                    assertThat(e.duplicateKey()).isEqualTo("d");
                    assertThat(e.line()).isEqualTo(3);
                });
    }

    @Test
    void jsonThroughTheYamlReaderIsAsStrict() {
        assertThatThrownBy(() -> Yaml.readTree("{\"bindings\": [], \"bindings\": [{}]}"))
                .isInstanceOfSatisfying(
                        Yaml.SyntaxError.class,
                        e -> assertThat(e.duplicateKey()).isEqualTo("bindings"));
    }

    @Test
    void theSameKeyInTwoObjectsIsNoDuplicate() throws Exception {
        assertThat(Json.readTree("[{\"a\": 1}, {\"a\": 2}]").size()).isEqualTo(2);
        assertThat(Yaml.readTree("- {a: 1}\n- {a: 2}\n").size()).isEqualTo(2);
        assertThat(Yaml.readTree("a: {x: 1}\nb: {x: 1}\n").size()).isEqualTo(2);
    }

    @Test
    void plainMapsReadThroughTheMapperAreStrictToo() {
        assertThatThrownBy(() -> Json.mapper().readValue("{\"a\": 1, \"a\": 2}", Map.class))
                .isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void aKeyWithControlCharactersIsQuotedInTheMessage() {
        assertThatThrownBy(() -> Json.readTree("{\"a\\nb\": 1, \"a\\nb\": 2}"))
                .hasMessageStartingWith("the key \"a\\nb\" appears twice")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void otherProblemsSayWhereWithoutEchoingTheText() {
        assertThatThrownBy(() -> Json.readTree("{\"token\": s3cr3t}"))
                .isInstanceOf(JsonProcessingException.class)
                .satisfies(e -> assertThat(Json.problem((JsonProcessingException) e, "JSON"))
                        .isEqualTo("is not valid JSON (line 1, column 17)")
                        .doesNotContain("s3cr3t"));
    }
}
