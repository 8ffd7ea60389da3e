package io.kitevend.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.kitevend.json.Json;
import io.kitevend.testing.RawJson;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.text.Text;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the claims a token may carry, each checked against an oracle written from the
 * rules (docs/api.md, "Claims kitevend reads"), with tokens signed by the issuer's own key: a time claim
 * or {@code build_number} is accepted only as a JSON integer from 0 to 2^53-1 (and then judged by
 * the clock), a string claim only as a bounded string without control characters or unpaired
 * surrogates, and an accepted value is kept exactly as written.
 */
class ClaimValuePropertiesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final long SKEW = 30;
    private static final Duration MAX_AGE = Duration.ofMinutes(15);
    private static final BigInteger TWO_53 = BigInteger.TWO.pow(53);
    private static final String ISSUER = "https://issuer.kitevend.test";
    private static final String AUDIENCE = "kitevend-test";

    private static final RSAKey KEY = TestKeys.rsa();
    private static final TokenMinter MINTER = new TokenMinter(KEY, ISSUER, AUDIENCE);
    private static final TokenVerifier VERIFIER = verifier();

    /** The claims a string value may be given to, required and optional ones. */
    private static final List<String> STRING_CLAIMS = List.of(
            "sub",
            "jti",
            "job_id",
            "build_branch",
            "build_tag",
            "build_commit",
            "step_key",
            "agent_id",
            "build_source",
            "runner_environment",
            "organization_id",
            "pipeline_id",
            "build_id",
            "cluster_id",
            "cluster_name",
            "queue_id",
            "queue_key",
            "agent_tag:queue",
            "agent_tag:aws:instance-type");

    private static final Set<String> REQUIRED = Set.of("sub", "jti", "job_id");

    private static TokenVerifier verifier() {
        TokenPolicy policy = new TokenPolicy(
                ISSUER,
                URI.create(ISSUER + "/.well-known/jwks"),
                AUDIENCE,
                Set.of("acme"),
                Set.of(JWSAlgorithm.RS256),
                Duration.ofSeconds(SKEW),
                MAX_AGE,
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                Duration.ofHours(4),
                Duration.ofSeconds(2));
        return new TokenVerifier(
                policy, SigningKeys.fromJwkSet(new JWKSet(KEY), policy), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** Valid claims at {@link #NOW}. */
    private static Map<String, Object> claims() {
        Map<String, Object> c = MINTER.claims();
        c.put("iat", NOW.getEpochSecond());
        c.put("nbf", NOW.getEpochSecond());
        c.put("exp", NOW.getEpochSecond() + 300);
        return c;
    }

    /** What verifying this token came to: the claims, or the rejection. */
    private record Outcome(BuildkiteClaims claims, TokenRejection rejection) {}

    private static Outcome verify(Map<String, Object> claims) {
        String token = MINTER.signJson(claims);
        try {
            return new Outcome(VERIFIER.verify(token), null);
        } catch (TokenRejectedException e) {
            return new Outcome(null, e.reason());
        } catch (SigningKeysUnavailableException e) {
            throw new AssertionError("the keys are in memory", e);
        }
    }

    // ------------------------------------------------------------------ time claims

    @Property(tries = 250)
    void notBeforeIsAWholeNumberInRangeThenJudgedByTheClock(@ForAll("jsonNumbers") String nbf) {
        Map<String, Object> c = claims();
        c.put("nbf", RawJson.of(nbf));
        BigInteger value = integerOrNull(nbf);

        Outcome outcome = verify(c);

        if (!inRange(value)) {
            assertThat(outcome.rejection()).isEqualTo(TokenRejection.CLAIM_INVALID);
        } else if (value.longValueExact() > NOW.getEpochSecond() + SKEW) {
            assertThat(outcome.rejection()).isEqualTo(TokenRejection.NOT_YET_VALID);
        } else {
            assertThat(outcome.rejection()).isNull();
        }
    }

    @Property(tries = 250)
    void issuedAtIsAWholeNumberInRangeThenJudgedByTheClock(@ForAll("jsonNumbers") String iat) {
        Map<String, Object> c = claims();
        c.put("iat", RawJson.of(iat));
        BigInteger value = integerOrNull(iat);

        Outcome outcome = verify(c);

        if (!inRange(value)) {
            assertThat(outcome.rejection()).isEqualTo(TokenRejection.CLAIM_INVALID);
        } else if (value.longValueExact() > NOW.getEpochSecond() + SKEW) {
            assertThat(outcome.rejection()).isEqualTo(TokenRejection.NOT_YET_VALID);
        } else if (value.longValueExact() + MAX_AGE.toSeconds() + SKEW < NOW.getEpochSecond()) {
            assertThat(outcome.rejection()).isEqualTo(TokenRejection.TOO_OLD);
        } else {
            assertThat(outcome.rejection()).isNull();
            assertThat(outcome.claims().issuedAt().getEpochSecond()).isEqualTo(value.longValueExact());
        }
    }

    @Property(tries = 250)
    void expiryIsAWholeNumberInRangeThenJudgedByTheClock(@ForAll("jsonNumbers") String exp) {
        Map<String, Object> c = claims();
        c.put("exp", RawJson.of(exp));
        BigInteger value = integerOrNull(exp);

        Outcome outcome = verify(c);

        if (!inRange(value)) {
            assertThat(outcome.rejection()).isEqualTo(TokenRejection.CLAIM_INVALID);
        } else if (value.longValueExact() + SKEW <= NOW.getEpochSecond()) {
            assertThat(outcome.rejection()).isEqualTo(TokenRejection.EXPIRED);
        } else {
            assertThat(outcome.rejection()).isNull();
            assertThat(outcome.claims().expiresAt().getEpochSecond()).isEqualTo(value.longValueExact());
        }
    }

    @Property(tries = 200)
    void buildNumberIsAWholeNumberInRange(@ForAll("jsonNumbers") String buildNumber) {
        Map<String, Object> c = claims();
        c.put("build_number", RawJson.of(buildNumber));
        BigInteger value = integerOrNull(buildNumber);

        Outcome outcome = verify(c);

        if (inRange(value)) {
            assertThat(outcome.rejection()).isNull();
            assertThat(outcome.claims().buildNumber()).isEqualTo(value.longValueExact());
        } else {
            assertThat(outcome.rejection()).isEqualTo(TokenRejection.CLAIM_INVALID);
        }
    }

    /**
     * JSON numbers as text, and a few things that are not numbers: integers of every size (around
     * now, around 2^53, 2^63 and 2^64, negative), fractions, exponents, strings and literals.
     */
    @Provide
    Arbitrary<String> jsonNumbers() {
        long now = NOW.getEpochSecond();
        Arbitrary<BigInteger> edges = Arbitraries.of(
                        BigInteger.ZERO,
                        BigInteger.valueOf(now),
                        TWO_53.subtract(BigInteger.ONE),
                        TWO_53,
                        BigInteger.TWO.pow(63).subtract(BigInteger.ONE),
                        BigInteger.TWO.pow(63),
                        BigInteger.TWO.pow(64),
                        // Values that wrap to about now when multiplied by 1000 in a long.
                        BigInteger.TWO
                                .pow(64)
                                .add(BigInteger.valueOf(now * 1000))
                                .divide(BigInteger.valueOf(1000)))
                .flatMap(edge -> Arbitraries.bigIntegers()
                        .between(BigInteger.valueOf(-1000), BigInteger.valueOf(1000))
                        .map(edge::add));
        Arbitrary<BigInteger> nearNow = Arbitraries.longs()
                .between(now - 2 * MAX_AGE.toSeconds(), now + 600)
                .map(BigInteger::valueOf);
        Arbitrary<BigInteger> anySize =
                Arbitraries.bigIntegers().between(BigInteger.TWO.pow(80).negate(), BigInteger.TWO.pow(80));
        Arbitrary<String> integers = Arbitraries.oneOf(edges, nearNow, anySize).map(BigInteger::toString);
        Arbitrary<String> fractions = Combinators.combine(
                        nearNow, Arbitraries.integers().between(0, 999))
                .as((whole, fraction) -> whole + "." + fraction);
        Arbitrary<String> exponents = Combinators.combine(
                        Arbitraries.integers().between(1, 9),
                        Arbitraries.integers().between(0, 25))
                .as((digit, exponent) -> digit + "e" + exponent);
        Arbitrary<String> notNumbers = Arbitraries.oneOf(
                nearNow.map(n -> "\"" + n + "\""), Arbitraries.of("true", "false", "[1]", "{}", "\"\""));
        return Arbitraries.frequencyOf(
                Tuple.of(6, integers), Tuple.of(1, fractions), Tuple.of(1, exponents), Tuple.of(1, notNumbers));
    }

    /** The value of a JSON integer literal, or null for any other JSON text. */
    private static BigInteger integerOrNull(String json) {
        return json.matches("-?(0|[1-9][0-9]*)") ? new BigInteger(json) : null;
    }

    private static boolean inRange(BigInteger value) {
        return value != null && value.signum() >= 0 && value.compareTo(TWO_53) < 0;
    }

    // ------------------------------------------------------------------ string claims

    @Property(tries = 400)
    void aStringClaimIsKeptExactlyOrRefused(
            @ForAll("stringClaims") String claim, @ForAll("claimValues") ClaimValue value) {
        Map<String, Object> c = claims();
        c.put(claim, value.json());

        Outcome outcome = verify(c);

        boolean keepable = value.text() != null
                && value.text().length() <= TokenVerifier.MAX_CLAIM_CHARS
                && !Text.hasControls(value.text())
                && Text.isWellFormed(value.text());
        if (!keepable) {
            assertThat(outcome.rejection()).isEqualTo(TokenRejection.CLAIM_INVALID);
        } else if (REQUIRED.contains(claim) && value.text().isEmpty()) {
            assertThat(outcome.rejection()).isEqualTo(TokenRejection.CLAIM_MISSING);
        } else {
            assertThat(outcome.rejection()).isNull();
            assertThat(outcome.claims().value(claim)).isEqualTo(value.text());
        }
    }

    @Property(tries = 200)
    void anAgentTagNameIsKeptExactlyOrRefused(@ForAll("oddText") String name) {
        String claim = BuildkiteClaims.AGENT_TAG_PREFIX + name;
        Map<String, Object> c = claims();
        c.put("agent_tag:NAME", "value");
        // The name reaches the verifier escaped, as the issuer's JSON writer may have written it.
        String payload = Json.write(c)
                .replace("\"agent_tag:NAME\"", RawJson.string(claim).rawValue().toString());
        String token = MINTER.signPayload(payload.getBytes(StandardCharsets.UTF_8));

        TokenRejectedException refused =
                catchThrowableOfType(TokenRejectedException.class, () -> VERIFIER.verify(token));

        boolean keepable = claim.length() <= TokenVerifier.MAX_CLAIM_NAME_CHARS
                && !Text.hasControls(claim)
                && Text.isWellFormed(claim);
        if (name.isEmpty()) {
            assertThat(refused).as("'agent_tag:' alone names no tag: ignored").isNull();
        } else if (keepable) {
            assertThat(refused).isNull();
        } else {
            assertThat(refused).isNotNull();
            assertThat(refused.reason()).isEqualTo(TokenRejection.CLAIM_INVALID);
        }
    }

    /** A claim value: its JSON, and the string it stands for (null when it is not a string). */
    record ClaimValue(Object json, String text) {
        @Override
        public String toString() {
            return text != null ? "string " + RawJson.string(text).rawValue() : "json " + json;
        }
    }

    @Provide
    Arbitrary<String> stringClaims() {
        return Arbitraries.of(STRING_CLAIMS);
    }

    @Provide
    Arbitrary<ClaimValue> claimValues() {
        Arbitrary<ClaimValue> strings = oddText().map(s -> new ClaimValue(RawJson.string(s), s));
        Arbitrary<ClaimValue> others = Arbitraries.of(
                        "0",
                        "42",
                        "-1",
                        "1.5",
                        "1e3",
                        "18446744073709551616",
                        "true",
                        "false",
                        "[]",
                        "[\"main\"]",
                        "{}",
                        "{\"a\":\"b\"}")
                .map(json -> new ClaimValue(RawJson.of(json), null));
        return Arbitraries.frequencyOf(Tuple.of(5, strings), Tuple.of(1, others));
    }

    /**
     * Text of every kind: plain, any UTF-16 character (unpaired surrogates and controls included),
     * letters outside the BMP, and lengths around the limit.
     */
    @Provide
    Arbitrary<String> oddText() {
        Arbitrary<String> plain =
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(0).ofMaxLength(20);
        Arbitrary<String> anyChar = Arbitraries.strings().all().ofMaxLength(12);
        Arbitrary<String> surrogates = Arbitraries.strings()
                .withCharRange('\uD800', '\uDFFF')
                .withCharRange('a', 'c')
                .ofMaxLength(6);
        Arbitrary<String> astral =
                Arbitraries.of("\uD83D\uDE80", "ma\uD834\uDD1Ein", "\u202Eevil", "\uFEFF", "\u00e9t\u00e9");
        Arbitrary<String> long_ = Arbitraries.integers()
                .between(TokenVerifier.MAX_CLAIM_CHARS - 2, TokenVerifier.MAX_CLAIM_CHARS + 2)
                .map("b"::repeat);
        return Arbitraries.oneOf(plain, anyChar, surrogates, astral, long_);
    }
}
