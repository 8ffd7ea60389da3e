package io.kitevend.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.binding.Glob;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of principal patterns over generated names: a wildcard never crosses a separator
 * ({@code :} or {@code /}), literal segments match exactly, and within a segment a pattern matches
 * as the same glob does.
 */
class PrincipalPatternPropertiesTest {
    private static final String ROLES = "arn:aws:sts::123456789012:assumed-role/";
    private static final String IAM = "arn:aws:iam::123456789012:";

    /** Characters IAM allows in role names and STS in session names: no separator among them. */
    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-")
                .ofMinLength(1)
                .ofMaxLength(24);
    }

    /** Names and globs over a small alphabet, so that matches and misses are both frequent. */
    @Provide
    Arbitrary<String> small() {
        return Arbitraries.strings().withChars("ab").ofMinLength(1).ofMaxLength(6);
    }

    @Provide
    Arbitrary<String> globs() {
        return Arbitraries.strings().withChars("ab*?").ofMinLength(1).ofMaxLength(6);
    }

    @Provide
    Arbitrary<Character> separators() {
        return Arbitraries.of(':', '/');
    }

    @Property
    void aRolePrefixPatternAdmitsEverySessionOfEveryRoleWithThatPrefix(
            @ForAll("names") String prefix, @ForAll("names") String rest, @ForAll("names") String session) {
        PrincipalPattern p = PrincipalPattern.compile(ROLES + prefix + "*/*");

        assertThat(p.matches(ROLES + prefix + rest + "/" + session)).isTrue();
        assertThat(p.matches(ROLES + prefix + "/" + session)).isTrue();
    }

    @Property
    void aWildcardNeverCrossesASeparator(
            @ForAll("names") String prefix,
            @ForAll("names") String before,
            @ForAll("separators") char separator,
            @ForAll("names") String after,
            @ForAll("names") String session) {
        PrincipalPattern roleSessions = PrincipalPattern.compile(ROLES + prefix + "*/*");
        PrincipalPattern roles = PrincipalPattern.compile(IAM + "role/" + prefix + "*");

        assertThat(roleSessions.matches(ROLES + prefix + before + separator + after + "/" + session))
                .isFalse();
        assertThat(roleSessions.matches(ROLES + prefix + before + "/" + session + separator + after))
                .isFalse();
        assertThat(roles.matches(IAM + "role/" + prefix + before + separator + after))
                .isFalse();
        assertThat(roles.matches(IAM + "role/" + before + separator + prefix + after))
                .isFalse();
    }

    @Property
    void literalSegmentsMatchExactly(@ForAll("names") String name, @ForAll("names") String other) {
        PrincipalPattern user = PrincipalPattern.compile(IAM + "user/" + name);
        PrincipalPattern roleSessions = PrincipalPattern.compile(ROLES + name + "/*");

        assertThat(user.matches(IAM + "user/" + other)).isEqualTo(name.equals(other));
        assertThat(roleSessions.matches(ROLES + other + "/session")).isEqualTo(name.equals(other));
        assertThat(user.matches(IAM + "user/" + name)).isTrue();
        assertThat(user.matches(IAM + "role/" + name)).isFalse();
        assertThat(user.matches("arn:aws:iam::210987654321:user/" + name)).isFalse();
    }

    @Property
    void withinOneSegmentAPatternMatchesAsItsGlob(@ForAll("globs") String glob, @ForAll("small") String name) {
        Assume.that(!glob.matches("[*?]+"));
        PrincipalPattern p = PrincipalPattern.compile(IAM + "role/" + glob);

        assertThat(p.matches(IAM + "role/" + name)).isEqualTo(Glob.compile(glob).matches(name));
    }

    @Property
    void aPatternNeverMatchesAnArnWithMoreOrFewerSegments(
            @ForAll("globs") String glob, @ForAll("small") String path, @ForAll("small") String name) {
        Assume.that(!glob.matches("[*?]+"));
        PrincipalPattern p = PrincipalPattern.compile(IAM + "role/" + glob);

        assertThat(p.matches(IAM + "role/" + path + "/" + name)).isFalse();
        assertThat(p.matches(IAM + "role")).isFalse();
    }
}
