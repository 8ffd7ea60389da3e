package io.kitevend.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** YAML syntax errors point at the line and column of the problem, with the reason in words. */
class YamlTest {

    @Test
    void aTabOnLineThreeIsReportedOnLineThree() {
        assertThatThrownBy(() -> Yaml.readTree("bindings:\n  - name: a\n\torganization: acme\n"))
                .isInstanceOfSatisfying(Yaml.SyntaxError.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.column()).isEqualTo(1);
                    assertThat(e.getMessage())
                            .isEqualTo("line 3, column 1: a tab where YAML expects spaces (YAML does not allow tabs"
                                    + " for indentation)");
                });
    }

    @Test
    void otherSyntaxErrorsKeepTheParsersReasonAndPlace() {
        assertThatThrownBy(() -> Yaml.readTree("a: 1\nb: \"open\nc: 2\n"))
                .isInstanceOfSatisfying(Yaml.SyntaxError.class, e -> {
                    assertThat(e.line()).isGreaterThanOrEqualTo(2);
                    assertThat(e.reason()).isNotBlank().doesNotContain("Exception");
                });
    }

    @Test
    void jsonIsYaml() throws Exception {
        assertThat(Yaml.readTree("{\"a\": [1, 2]}").get("a").size()).isEqualTo(2);
    }
}
