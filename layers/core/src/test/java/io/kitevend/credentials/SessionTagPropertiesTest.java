package io.kitevend.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.text.Text;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A session tag value is what a role policy tests, so no two claim values may give the same one
 * ({@link SessionRequests#tagValue}): values STS takes stay exact, every other value is visibly
 * marked, and every tag value is one STS takes.
 */
class SessionTagPropertiesTest {
    private static final String TAG_TEXT = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";

    @Property(tries = 3000)
    void differentValuesNeverGiveTheSameTag(@ForAll("neighbours") Pair pair) {
        Assume.that(!pair.a().equals(pair.b()));

        assertThat(SessionRequests.tagValue(pair.a())).isNotEqualTo(SessionRequests.tagValue(pair.b()));
    }

    @Property(tries = 2000)
    void everyTagIsOneStsTakesAndTheExactOnesAreTheValueItself(@ForAll("claimValues") String value) {
        String tag = SessionRequests.tagValue(value);

        assertThat(tag).matches(TAG_TEXT);
        assertThat(tag.length()).isLessThanOrEqualTo(256);
        boolean takenAsItIs = value.length() <= 256
                && value.matches(TAG_TEXT)
                && !value.toLowerCase(java.util.Locale.ROOT).startsWith("b64:")
                && !value.toLowerCase(java.util.Locale.ROOT).startsWith("sha256:");
        if (takenAsItIs) {
            assertThat(tag).isEqualTo(value);
        } else if (tag.startsWith("b64:")) {
            assertThat(new String(Base64.getUrlDecoder().decode(tag.substring(4)), StandardCharsets.UTF_8))
                    .as("the mark is visible and the value can be read back")
                    .isEqualTo(value);
        } else {
            assertThat(tag).isEqualTo("sha256:" + Text.sha256Hex(value));
        }
    }

    @Property(tries = 1000)
    void aValueNamedLikeAnEncodingNeverMeetsThatEncoding(@ForAll("claimValues") String value) {
        String tag = SessionRequests.tagValue(value);
        Assume.that(!tag.equals(value));

        assertThat(SessionRequests.tagValue(tag)).isNotEqualTo(tag);
    }

    record Pair(String a, String b) {}

    /**
     * Pairs that a lossy cleaning would merge: the same text with one character replaced by another
     * (often one STS does not take), one text and its own encoding, and long texts that share a
     * prefix past the length limit.
     */
    @Provide
    Arbitrary<Pair> neighbours() {
        Arbitrary<String> text = claimValues();
        Arbitrary<Character> odd = Arbitraries.of('#', '!', '_', '~', '*', '?', '$', ' ', '\u00a0', '\u2028', 'é', '/');
        Arbitrary<Pair> oneCharApart = Combinators.combine(
                        text.filter(s -> !s.isEmpty()),
                        odd,
                        odd,
                        Arbitraries.integers().between(0, 10_000))
                .as((s, x, y, at) -> {
                    int i = at % s.length();
                    if (Character.isSurrogate(s.charAt(i))) {
                        return new Pair(s, s + x);
                    }
                    return new Pair(
                            s.substring(0, i) + x + s.substring(i + 1), s.substring(0, i) + y + s.substring(i + 1));
                });
        Arbitrary<Pair> withItsEncoding = text.map(s -> new Pair(s, SessionRequests.tagValue(s)));
        Arbitrary<Pair> longSharedPrefix = Combinators.combine(
                        Arbitraries.integers().between(180, 300), text, text)
                .as((n, x, y) -> new Pair("p".repeat(n) + x, "p".repeat(n) + y));
        Arbitrary<Pair> anyTwo = Combinators.combine(text, text).as(Pair::new);
        return Arbitraries.oneOf(oneCharApart, withItsEncoding, longSharedPrefix, anyTwo);
    }

    /** Claim values as the verifier lets them through: well-formed text of any kind, up to 1024 characters. */
    @Provide
    Arbitrary<String> claimValues() {
        Arbitrary<String> tagChars =
                Arbitraries.strings().withChars("abcXYZ019 _.:/=+-@").ofMaxLength(20);
        Arbitrary<String> anyText = Arbitraries.strings().all().ofMaxLength(30).filter(Text::isWellFormed);
        Arbitrary<String> marked = Combinators.combine(Arbitraries.of("b64:", "B64:", "sha256:", "Sha256:"), tagChars)
                .as(String::concat);
        Arbitrary<String> longish = Combinators.combine(Arbitraries.integers().between(170, 1024), tagChars)
                .as((n, s) -> "x".repeat(n) + s);
        return Arbitraries.oneOf(tagChars, anyText, marked, longish);
    }
}
