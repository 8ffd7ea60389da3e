package io.kitevend.vend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.util.RawValue;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import io.kitevend.http.HttpResponse;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.VendFixture;
import io.kitevend.text.Text;
import io.kitevend.token.TokenPolicy;
import io.kitevend.token.TokenRejection;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a token can be bad, sent through the vend use case: the caller always gets the same
 * generic 401, while the audit record names the precise cause. Nothing ever echoes the token.
 */
class VendTokenRefusalTest {

    private static VendFixture fixture;
    /** A key the issuer never published. */
    private static RSAKey attackerKey;
    /** The attacker's own JWKS endpoint, for jku / x5u: it must never be fetched. */
    private static JwksServer attackerJwks;
    /** The generic 401 body with the request id taken out, from a plainly malformed token. */
    private static byte[] referenceBody;

    private static Map<String, String> referenceHeaders;

    @BeforeAll
    static void start() {
        fixture = new VendFixture();
        attackerKey = TestKeys.rsa();
        attackerJwks = new JwksServer(attackerKey);
        VendResult reference = fixture.service.vend(VendFixture.bearer("not-a-jwt"));
        assertThat(reference).isInstanceOf(VendResult.Refused.class);
        assertThat(fixture.lastAudit()).containsEntry("reason", TokenRejection.TOKEN_MALFORMED.code());
        HttpResponse http = VendResponses.toHttp(reference);
        referenceBody = withoutRequestId(http.body(), reference.requestId());
        referenceHeaders = http.headers();
    }

    @AfterAll
    static void stop() {
        if (attackerJwks != null) {
            attackerJwks.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /** What a case sent: the request's result and the token it carried (null when none). */
    record Sent(VendResult result, String token) {}

    @FunctionalInterface
    interface Scenario {
        Sent run(VendFixture f) throws Exception;
    }

    static Stream<Arguments> badTokens() {
        return Stream.of(
                refused("expired", TokenRejection.EXPIRED, f -> {
                    long now = Instant.now().getEpochSecond();
                    var c = f.minter.claims();
                    c.put("iat", now - 600);
                    c.put("nbf", now - 600);
                    c.put("exp", now - 120);
                    return send(f, f.minter.sign(c));
                }),
                refused("nbf in the future", TokenRejection.NOT_YET_VALID, f -> {
                    long now = Instant.now().getEpochSecond();
                    var c = f.minter.claims();
                    c.put("nbf", now + 600);
                    c.put("exp", now + 900);
                    return send(f, f.minter.sign(c));
                }),
                refused("issued more than 15 minutes ago, exp still in the future", TokenRejection.TOO_OLD, f -> {
                    long now = Instant.now().getEpochSecond();
                    var c = f.minter.claims();
                    c.put("iat", now - 20 * 60);
                    c.put("nbf", now - 20 * 60);
                    c.put("exp", now + 300);
                    return send(f, f.minter.sign(c));
                }),
                refused("wrong issuer", TokenRejection.ISSUER_MISMATCH, f -> {
                    var c = f.minter.claims();
                    c.put("iss", "https://agent.buildkite.com");
                    return send(f, f.minter.sign(c));
                }),
                refused("wrong audience", TokenRejection.AUDIENCE_MISMATCH, f -> {
                    var c = f.minter.claims();
                    c.put("aud", "sts.amazonaws.com");
                    return send(f, f.minter.sign(c));
                }),
                refused(
                        "organization not in the allowlist",
                        TokenRejection.ORGANIZATION_NOT_ALLOWED,
                        f -> send(f, f.minter.sign(f.minter.claims("other-org", "deploy", "main")))),
                refused("alg none", TokenRejection.ALGORITHM_NONE, "'none'", f -> {
                    String header =
                            "{\"alg\":\"none\",\"kid\":\"" + f.minter.key().getKeyID() + "\"}";
                    String token = b64(header) + "." + payloadOf(f.minter.sign()) + ".";
                    return send(f, token);
                }),
                refused(
                        "HS256 keyed with the issuer's RSA public key",
                        TokenRejection.ALGORITHM_NOT_ALLOWED,
                        "'HS256'",
                        f -> {
                            byte[] der =
                                    ((RSAKey) f.minter.key()).toRSAPublicKey().getEncoded();
                            var jwt = new SignedJWT(
                                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                                            .keyID(f.minter.key().getKeyID())
                                            .build(),
                                    TokenMinter.toClaimsSet(f.minter.claims()));
                            jwt.sign(new MACSigner(der));
                            return send(f, jwt.serialize());
                        }),
                refused("unpublished key with the issuer's kid", TokenRejection.SIGNATURE_INVALID, f -> {
                    var impostor = new RSAKey.Builder(attackerKey)
                            .keyID(f.minter.key().getKeyID())
                            .build();
                    return send(f, minter(f, impostor).sign());
                }),
                refused(
                        "unpublished key with its own kid",
                        TokenRejection.KEY_UNKNOWN,
                        f -> send(f, minter(f, attackerKey).sign())),
                refused("key embedded in the jwk header", TokenRejection.HEADER_JWK, "'jwk'", f -> {
                    var impostor = new RSAKey.Builder(attackerKey)
                            .keyID(f.minter.key().getKeyID())
                            .build();
                    return send(f, minter(f, impostor).sign(f.minter.claims(), h -> h.jwk(impostor.toPublicJWK())));
                }),
                refused(
                        "jku pointing at another JWKS",
                        TokenRejection.HEADER_JKU,
                        "'jku'",
                        f -> send(
                                f,
                                minter(f, attackerKey).sign(f.minter.claims(), h -> h.jwkURL(attackerJwks.jwksUrl())))),
                refused(
                        "x5u pointing elsewhere",
                        TokenRejection.HEADER_X5U,
                        "'x5u'",
                        f -> send(
                                f,
                                minter(f, attackerKey)
                                        .sign(f.minter.claims(), h -> h.x509CertURL(attackerJwks.jwksUrl())))),
                refused(
                        "crit header",
                        TokenRejection.CRITICAL_HEADER,
                        f -> send(
                                f,
                                f.minter.sign(
                                        f.minter.claims(),
                                        h -> h.criticalParams(Set.of("kitevend-test"))
                                                .customParam("kitevend-test", true)))),
                refused("payload tampered after signing", TokenRejection.SIGNATURE_INVALID, f -> {
                    String signed = f.minter.sign(f.minter.claims("acme", "deploy", "feature/x"));
                    String[] parts = signed.split("\\.", -1);
                    String json = new Base64URL(parts[1]).decodeToString();
                    String tampered = json.replace("\"build_branch\":\"feature/x\"", "\"build_branch\":\"main\"");
                    assertThat(tampered).isNotEqualTo(json);
                    return send(f, parts[0] + "." + b64(tampered) + "." + parts[2]);
                }),
                missing("sub"),
                missing("jti"),
                missing("organization_slug"),
                missing("pipeline_slug"),
                missing("build_number"),
                missing("job_id"),
                refused("replayed jti", TokenRejection.REPLAYED, f -> {
                    String token = f.minter.sign();
                    VendResult first = f.service.vend(VendFixture.bearer(token));
                    assertThat(first).as("first use of the token").isInstanceOf(VendResult.Issued.class);
                    assertThat(f.lastAudit()).containsEntry("decision", "allow");
                    return send(f, token);
                }),
                refused("token over 8 KiB", TokenRejection.TOKEN_TOO_LARGE, f -> {
                    var c = f.minter.claims();
                    c.put("build_commit", "f".repeat(TokenPolicy.MAX_TOKEN_BYTES));
                    String token = f.minter.sign(c);
                    assertThat(token.length()).isGreaterThan(TokenPolicy.MAX_TOKEN_BYTES);
                    return send(f, token);
                }),
                refused(
                        "no Authorization header",
                        TokenRejection.TOKEN_MISSING,
                        f -> new Sent(f.service.vend(VendFixture.post(null, null)), null)),
                // Time claims: read as written, never through a conversion that can overflow (issue 12, item 5).
                invalidClaim("nbf 1e19 (a float that overflowed to the past)", "nbf", new RawValue("1e19")),
                invalidClaim("nbf Long.MAX", "nbf", Long.MAX_VALUE),
                invalidClaim("iat that wraps to now in milliseconds", "iat", wrapsToSecondsFromNow(0)),
                invalidClaim("exp that wraps to 5 minutes from now in milliseconds", "exp", wrapsToSecondsFromNow(300)),
                invalidClaim("iat 2^53, past every plausible time", "iat", BigInteger.TWO.pow(53)),
                invalidClaim("exp with a fraction of a second", "exp", new RawValue(now(300) + ".5")),
                invalidClaim("exp written as 1.7e9", "exp", new RawValue("1.7e9")),
                invalidClaim("nbf negative", "nbf", -1),
                invalidClaim("exp as a string", "exp", Long.toString(now(300))),
                // Claims of the wrong type or odd text (item 6).
                invalidClaim("numeric sub", "sub", 12345),
                invalidClaim("build_number 2^63", "build_number", BigInteger.TWO.pow(63)),
                invalidClaim("build_number 2^53", "build_number", BigInteger.TWO.pow(53)),
                invalidClaim("build_number 42.0", "build_number", new RawValue("42.0")),
                invalidClaim("build_number -1", "build_number", -1),
                invalidClaim("build_number as a string", "build_number", "42"),
                invalidClaim("optional claim as a number", "queue_key", 5),
                invalidClaim("optional claim as a boolean", "cluster_id", true),
                invalidClaim("agent tag as a number", "agent_tag:size", 4),
                invalidClaim("optional claim as an object", "queue_id", Map.of("id", "q")),
                invalidClaim("lone high surrogate in build_branch", "build_branch", new RawValue("\"main\\ud800\"")),
                invalidClaim("lone low surrogate in sub", "sub", new RawValue("\"\\udc00\"")),
                invalidClaim("lone surrogate in an agent tag", "agent_tag:os", new RawValue("\"linux\\udbff\"")),
                invalidClaim("control character in an agent tag's name", "agent_tag:o\u0007s", "linux"),
                invalidClaim("build_source as an array", "build_source", List.of("ui")),
                // Only canonical base64url segments (item 7).
                malformed("'=' inserted into the signature", t -> insert(t, 2, 100, "=")),
                malformed("a space inserted into the signature", t -> insert(t, 2, 40, " ")),
                malformed("'+' inserted into the signature", t -> insert(t, 2, 40, "+")),
                malformed("'/' inserted into the payload", t -> insert(t, 1, 10, "/")),
                malformed("'.' doubled", t -> t.replaceFirst("\\.", "..")),
                malformed("padding after the header", t -> padded(t, 0)),
                malformed("padding after the payload", t -> padded(t, 1)),
                malformed("padding after the signature", t -> padded(t, 2)),
                malformed("signature with non-canonical trailing bits", t -> otherTrailingBits(t, 2)),
                malformed("signature one character longer, with unused bits set", t -> t + "B"));
    }

    /** A signed token whose claim {@code name} is {@code value} (as Jackson writes it): refused as invalid. */
    private static Arguments invalidClaim(String name, String claim, Object value) {
        return refused(name, TokenRejection.CLAIM_INVALID, "'" + Text.printable(claim, 100) + "'", f -> {
            var c = f.minter.claims();
            c.put(claim, value);
            return send(f, f.minter.signJson(c));
        });
    }

    /** A good token changed after signing: refused as malformed, before any key is looked up. */
    private static Arguments malformed(String name, UnaryOperator<String> change) {
        return refused(name, TokenRejection.TOKEN_MALFORMED, f -> {
            String good = f.minter.sign();
            String changed = change.apply(good);
            assertThat(changed).isNotEqualTo(good);
            return send(f, changed);
        });
    }

    private static long now(long plusSeconds) {
        return Instant.now().getEpochSecond() + plusSeconds;
    }

    /** Seconds whose value in milliseconds overflows a long to land {@code plusSeconds} from now. */
    private static BigInteger wrapsToSecondsFromNow(long plusSeconds) {
        return BigInteger.TWO
                .pow(64)
                .add(BigInteger.valueOf(now(plusSeconds) * 1000))
                .divide(BigInteger.valueOf(1000));
    }

    /** {@code text} inserted into part {@code part} of the token at {@code at}. */
    private static String insert(String token, int part, int at, String text) {
        String[] parts = token.split("\\.", -1);
        parts[part] = parts[part].substring(0, at) + text + parts[part].substring(at);
        return String.join(".", parts);
    }

    private static String padded(String token, int part) {
        String[] parts = token.split("\\.", -1);
        parts[part] = parts[part] + "=".repeat(Math.max(1, (4 - parts[part].length() % 4) % 4));
        return String.join(".", parts);
    }

    /** The same bytes, with the unused low bits of the part's last character set (it must have some). */
    private static String otherTrailingBits(String token, int part) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String[] parts = token.split("\\.", -1);
        String p = parts[part];
        assertThat(p.length() % 4).as("a last character with unused bits").isIn(2, 3);
        int last = alphabet.indexOf(p.charAt(p.length() - 1));
        parts[part] = p.substring(0, p.length() - 1) + alphabet.charAt(last ^ 1);
        assertThat(Base64.getUrlDecoder().decode(parts[part]))
                .as("the same bytes")
                .isEqualTo(Base64.getUrlDecoder().decode(p));
        return String.join(".", parts);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void refusedWithGeneric401AndPreciseAuditReason(
            String name, TokenRejection expected, String detailNames, Scenario scenario) throws Exception {
        int attackerFetches = attackerJwks.fetches();
        Sent sent = scenario.run(fixture);

        assertThat(sent.result()).isInstanceOf(VendResult.Refused.class);
        var refused = (VendResult.Refused) sent.result();
        assertThat(refused.problem().type().status()).isEqualTo(401);

        HttpResponse http = VendResponses.toHttp(refused);
        assertThat(http.status()).isEqualTo(401);
        assertThat(withoutRequestId(http.body(), refused.requestId()))
                .as("body without request_id, byte for byte")
                .isEqualTo(referenceBody);
        assertThat(http.headers()).isEqualTo(referenceHeaders).doesNotContainKey("retry-after");

        Map<String, Object> audit = fixture.lastAudit();
        assertThat(audit)
                .containsEntry("request_id", refused.requestId())
                .containsEntry("decision", "deny")
                .containsEntry("reason", expected.code())
                .containsEntry("status", 401);
        if (detailNames != null) {
            assertThat((String) audit.get("detail")).contains(detailNames);
        }
        assertThat(http.body()).doesNotContain(expected.code());
        assertThat(attackerJwks.fetches())
                .as("a key URL in the header is never followed")
                .isEqualTo(attackerFetches);

        if (sent.token() != null) {
            for (String leak : tokenPieces(sent.token())) {
                assertThat(http.body()).doesNotContain(leak);
                assertThat(String.valueOf(audit.get("detail"))).doesNotContain(leak);
                assertThat(audit.toString()).doesNotContain(leak);
                assertThat(fixture.log()).doesNotContain(leak);
            }
            if (expected != TokenRejection.TOKEN_TOO_LARGE) { // refused on size before it is hashed
                assertThat(audit).containsEntry("token_sha256", Text.sha256Hex(sent.token()));
            }
        }
    }

    private static Arguments refused(String name, TokenRejection expected, Scenario scenario) {
        return refused(name, expected, null, scenario);
    }

    /** A case whose code other causes share; its audit detail must then name what was wrong. */
    private static Arguments refused(String name, TokenRejection expected, String detailNames, Scenario scenario) {
        return Arguments.of(name, expected, detailNames, scenario);
    }

    private static Arguments missing(String claim) {
        return refused("required claim " + claim + " missing", TokenRejection.CLAIM_MISSING, "'" + claim + "'", f -> {
            var c = f.minter.claims();
            assertThat(c.remove(claim)).isNotNull();
            return send(f, f.minter.sign(c));
        });
    }

    private static Sent send(VendFixture f, String token) {
        return new Sent(f.service.vend(VendFixture.bearer(token)), token);
    }

    private static TokenMinter minter(VendFixture f, RSAKey key) {
        return new TokenMinter(key, f.jwks.issuer(), VendFixture.AUDIENCE);
    }

    private static String payloadOf(String token) {
        return token.split("\\.", -1)[1];
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The token and each of its non-trivial parts: none may be echoed anywhere. */
    private static List<String> tokenPieces(String token) {
        List<String> pieces = new ArrayList<>(List.of(token));
        Arrays.stream(token.split("\\.")).filter(p -> p.length() >= 16).forEach(pieces::add);
        return pieces;
    }

    /** The body's bytes with the {@code request_id} member taken out; it must be there exactly once. */
    private static byte[] withoutRequestId(String body, String requestId) {
        String member = "\"request_id\":\"" + requestId + "\"";
        assertThat(body.split(java.util.regex.Pattern.quote(member), -1))
                .as("request_id member in " + body)
                .hasSize(2);
        return body.replace(member, "\"request_id\":\"\"").getBytes(StandardCharsets.UTF_8);
    }
}
