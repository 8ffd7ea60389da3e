package io.kitevend.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GlobTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // literal
                Arguments.of("literal equal", "main", "main", true),
                Arguments.of("literal differs", "main", "mainx", false),
                Arguments.of("literal is case sensitive", "main", "Main", false),
                // anchoring
                Arguments.of("anchored at start", "ain", "main", false),
                Arguments.of("anchored at end", "mai", "main", false),
                Arguments.of("prefix glob does not match in the middle", "infra-*", "x-infra-api", false),
                Arguments.of("suffix glob does not match a longer tail", "*-prod", "api-prod-old", false),
                // *
                Arguments.of("star matches empty run", "infra-*", "infra-", true),
                Arguments.of("star matches many characters", "infra-*", "infra-network-core", true),
                Arguments.of("star alone matches empty value", "*", "", true),
                Arguments.of("star alone matches anything", "*", "feature/x#1", true),
                Arguments.of("star matches slashes", "release/*", "release/2024/q1", true),
                Arguments.of("star in the middle", "a*z", "abcz", true),
                Arguments.of("star in the middle, empty run", "a*z", "az", true),
                Arguments.of("star in the middle, wrong end", "a*z", "abcy", false),
                Arguments.of("several stars", "*-*-*", "a-b-c", true),
                Arguments.of("several stars, too few separators", "*-*-*", "a-b", false),
                Arguments.of("star needs backtracking", "*ab", "aab", true),
                Arguments.of("consecutive stars", "a**b", "ab", true),
                // ?
                Arguments.of("question mark matches one character", "v?", "v1", true),
                Arguments.of("question mark does not match none", "v?", "v", false),
                Arguments.of("question mark does not match two", "v?", "v12", false),
                Arguments.of("question mark alone vs empty", "?", "", false),
                Arguments.of("question marks count", "???", "abc", true),
                Arguments.of("question mark and star", "v?.*", "v1.2.3", true),
                // no regular-expression semantics
                Arguments.of("dot is literal, not any character", "v1.0", "v1x0", false),
                Arguments.of("dot is literal and matches a dot", "v1.0", "v1.0", true),
                Arguments.of("plus is literal", "a+", "aa", false),
                Arguments.of("plus matches itself", "a+", "a+", true),
                Arguments.of("bracket is literal, not a class", "[ab]", "a", false),
                Arguments.of("bracket matches itself", "[ab]*", "[ab]-x", true),
                Arguments.of("backslash is literal, not an escape", "a\\*", "a*", false),
                Arguments.of("backslash matches itself before star", "a\\*", "a\\bc", true),
                Arguments.of("caret and dollar are literal", "^main$", "main", false),
                Arguments.of("dot-star is not any string", ".*", "main", false),
                Arguments.of("dot-star needs a leading dot", ".*", ".github", true));
    }

    @ParameterizedTest(name = "{0}: ''{1}'' vs ''{2}'' -> {3}")
    @MethodSource("cases")
    void matches(String name, String pattern, String value, boolean expected) {
        assertThat(Glob.compile(pattern).matches(value)).isEqualTo(expected);
    }

    @Test
    void nullValueNeverMatches() {
        assertThat(Glob.compile("*").matches(null)).isFalse();
        assertThat(Glob.compile("main").matches(null)).isFalse();
    }

    @Test
    void pathologicalPatternAgainstLongRunOfAsIsFalse() {
        String value = "a".repeat(20_000);
        assertThat(Glob.compile("*a*a*a*a*a*b").matches(value)).isFalse();
        assertThat(Glob.compile("*a*a*a*a*a*b").matches(value + "b")).isTrue();
    }

    @Test
    void literalnessIsReported() {
        assertThat(Glob.compile("main").isLiteral()).isTrue();
        assertThat(Glob.compile("release/.+[x]").isLiteral()).isTrue();
        assertThat(Glob.compile("m*").isLiteral()).isFalse();
        assertThat(Glob.compile("m?").isLiteral()).isFalse();
        assertThat(Glob.isGlob("infra-*")).isTrue();
        assertThat(Glob.isGlob("infra-api")).isFalse();
    }

    @Test
    void invalidPatternsAreRefused() {
        assertThat(Glob.problem(null)).isNotNull();
        assertThat(Glob.problem("")).isNotNull();
        assertThat(Glob.problem("a".repeat(Glob.MAX_LENGTH))).isNull();
        assertThat(Glob.problem("a".repeat(Glob.MAX_LENGTH + 1))).contains(String.valueOf(Glob.MAX_LENGTH));
        assertThat(Glob.problem("main\n")).contains("control");
        assertThatThrownBy(() -> Glob.compile("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Glob.compile("a\u0000")).isInstanceOf(IllegalArgumentException.class);
    }
}
