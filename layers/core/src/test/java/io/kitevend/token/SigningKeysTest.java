package io.kitevend.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import io.kitevend.http.HttpResponse;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.VendFixture;
import io.kitevend.vend.VendResponses;
import io.kitevend.vend.VendResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The verifier with real keys from a loopback JWKS: typed claims, key rotation, outages (cached
 * keys keep working; an unknown key id during an outage is "unavailable", not "bad token") and
 * the algorithm allowlist.
 */
class SigningKeysTest {
    private static final Set<JWSAlgorithm> RS256 = Set.of(JWSAlgorithm.RS256);
    private static final Set<JWSAlgorithm> ES256 = Set.of(JWSAlgorithm.ES256);
    private static final Set<JWSAlgorithm> BOTH = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private RSAKey key;
    private JwksServer jwks;
    private TokenMinter minter;

    @BeforeEach
    void start() {
        key = TestKeys.rsa();
        jwks = new JwksServer(key);
        minter = minter(key);
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    @Test
    void validTokenGivesTypedClaims() throws Exception {
        Map<String, Object> c = minter.claims();
        c.put("build_number", 3_000_000_000L);
        c.put("cluster_id", "0191e2a5-1b8c-4f1e-9c54-2b5f6a7d8e90");
        c.put("agent_tag:queue", "deploy");
        c.put("queue_key", "deploy");
        c.put("not_a_buildkite_claim", "ignored");

        BuildkiteClaims claims = verifier(policy(RS256)).verify(minter.sign(c));

        assertThat(claims.issuer()).isEqualTo(jwks.issuer());
        assertThat(claims.subject()).isEqualTo(c.get("sub"));
        assertThat(claims.jti()).isEqualTo(c.get("jti"));
        assertThat(claims.issuedAt()).isEqualTo(Instant.ofEpochSecond((Long) c.get("iat")));
        assertThat(claims.expiresAt()).isEqualTo(Instant.ofEpochSecond((Long) c.get("exp")));
        assertThat(claims.organizationSlug()).isEqualTo("acme");
        assertThat(claims.pipelineSlug()).isEqualTo("deploy");
        assertThat(claims.buildNumber()).isEqualTo(3_000_000_000L);
        assertThat(claims.value("build_number")).isEqualTo("3000000000");
        assertThat(claims.buildBranch()).isEqualTo("main");
        assertThat(claims.buildTag()).isNull();
        assertThat(claims.buildCommit()).isEqualTo(c.get("build_commit"));
        assertThat(claims.stepKey()).isEqualTo("build");
        assertThat(claims.jobId()).isEqualTo(c.get("job_id"));
        assertThat(claims.agentId()).isEqualTo(c.get("agent_id"));
        assertThat(claims.buildSource()).isEqualTo("ui");
        assertThat(claims.runnerEnvironment()).isEqualTo("self-hosted");
        assertThat(claims.optional())
                .isEqualTo(Map.of(
                        "cluster_id", "0191e2a5-1b8c-4f1e-9c54-2b5f6a7d8e90",
                        "agent_tag:queue", "deploy",
                        "queue_key", "deploy"));
        assertThat(claims.value("agent_tag:queue")).isEqualTo("deploy");
    }

    @Test
    void tokenOfARotatedInKeyIsAcceptedAfterExactlyOneMoreFetch() throws Exception {
        TokenVerifier verifier = verifier(policy(RS256));
        assertThat(verifier.verify(minter.sign()).jobId()).isNotNull();
        int before = jwks.fetches();
        assertThat(before).isEqualTo(1);

        RSAKey next = TestKeys.rsa();
        jwks.serve(next);
        BuildkiteClaims claims = verifier.verify(minter(next).sign());

        assertThat(claims.organizationSlug()).isEqualTo("acme");
        assertThat(jwks.fetches()).isEqualTo(before + 1);
        verifier.verify(minter(next).sign());
        assertThat(jwks.fetches()).as("the new key is cached").isEqualTo(before + 1);
    }

    @Test
    void cachedKeysKeepWorkingWhileTheJwksEndpointIsDown() throws Exception {
        TokenVerifier verifier = verifier(policy(RS256, Duration.ofSeconds(2), Duration.ofSeconds(1)));
        verifier.verify(minter.sign());
        int before = jwks.fetches();

        jwks.down(true);
        // Verify until the expired cache has made the verifier try (and fail) to fetch the keys:
        // every token meanwhile, and the one after the failed fetch, must be accepted.
        Instant giveUp = Instant.now().plusSeconds(20);
        while (jwks.fetches() == before && Instant.now().isBefore(giveUp)) {
            Thread.sleep(200);
            assertThat(verifier.verify(minter.sign()).pipelineSlug()).isEqualTo("deploy");
        }
        assertThat(jwks.fetches())
                .as("the cache expired and the endpoint was tried")
                .isGreaterThan(before);

        assertThat(verifier.verify(minter.sign()).pipelineSlug()).isEqualTo("deploy");
    }

    @Test
    void unknownKidWhileTheEndpointIsDownIsUnavailableNotRejected() throws Exception {
        TokenVerifier verifier = verifier(policy(RS256));
        verifier.verify(minter.sign());
        jwks.down(true);

        String fromNewKey = minter(TestKeys.rsa()).sign();

        assertThatThrownBy(() -> verifier.verify(fromNewKey)).isInstanceOf(SigningKeysUnavailableException.class);
        assertThat(verifier.verify(minter.sign()).jobId())
                .as("the known key still works")
                .isNotNull();
    }

    @Test
    void unknownKidWhileTheEndpointIsUpIsRejected() throws Exception {
        TokenVerifier verifier = verifier(policy(RS256));
        verifier.verify(minter.sign());

        assertThatThrownBy(() -> verifier.verify(minter(TestKeys.rsa()).sign()))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(TokenRejection.KEY_UNKNOWN));
    }

    @Test
    void burstOfUnknownKidsFetchesTheJwksOnlyOnceMore() throws Exception {
        TokenVerifier verifier = verifier(policy(RS256));
        verifier.verify(minter.sign());
        int before = jwks.fetches();
        RSAKey outsider = TestKeys.rsa();

        for (int i = 0; i < 10; i++) {
            String token = minter(new RSAKey.Builder(outsider)
                            .keyID(TestKeys.randomKid())
                            .build())
                    .sign();
            assertThatThrownBy(() -> verifier.verify(token))
                    .isInstanceOfSatisfying(
                            TokenRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(TokenRejection.KEY_UNKNOWN));
        }
        assertThat(jwks.fetches()).as("refresh is rate limited").isEqualTo(before + 1);
    }

    static Stream<Arguments> outages() {
        return Stream.of(
                Arguments.of("endpoint answers 503", (Consumer<JwksServer>) s -> s.down(true)),
                Arguments.of("nothing listens on the port", (Consumer<JwksServer>) JwksServer::close));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outages")
    void jwksUnreachableWithNothingCachedIsUnavailable(String name, Consumer<JwksServer> outage) {
        TokenVerifier verifier = verifier(policy(RS256));
        outage.accept(jwks);

        assertThatThrownBy(() -> verifier.verify(minter.sign())).isInstanceOf(SigningKeysUnavailableException.class);
    }

    @Test
    void throughTheVendUseCaseUnknownKidDuringAnOutageIs503WithRetryAfter() {
        try (var f = new VendFixture()) {
            assertThat(f.service.vend(VendFixture.bearer(f.minter.sign()))).isInstanceOf(VendResult.Issued.class);
            f.jwks.down(true);
            String token = new TokenMinter(TestKeys.rsa(), f.jwks.issuer(), VendFixture.AUDIENCE).sign();

            assertUnavailable(f, f.service.vend(VendFixture.bearer(token)));
        }
    }

    @Test
    void throughTheVendUseCaseJwksUnreachableWithNothingCachedIs503() {
        try (var f = new VendFixture()) {
            f.jwks.down(true);

            assertUnavailable(f, f.service.vend(VendFixture.bearer(f.minter.sign())));
        }
    }

    private static void assertUnavailable(VendFixture f, VendResult result) {
        assertThat(result).isInstanceOf(VendResult.Refused.class);
        HttpResponse http = VendResponses.toHttp(result);
        assertThat(http.status()).isEqualTo(503);
        assertThat(http.headers()).containsKey("retry-after");
        assertThat(Long.parseLong(http.headers().get("retry-after"))).isPositive();
        assertThat(http.body()).contains("\"code\":\"dependency_unavailable\"");
        assertThat(f.lastAudit())
                .containsEntry("request_id", result.requestId())
                .containsEntry("decision", "error")
                .containsEntry("reason", "jwks_unavailable")
                .containsEntry("status", 503);
    }

    static Stream<Arguments> algorithms() {
        return Stream.of(
                Arguments.of("ES256 token, policy RS256 only", RS256, "ec", null, TokenRejection.ALGORITHM_NOT_ALLOWED),
                Arguments.of("ES256 token, policy RS256 and ES256", BOTH, "ec", null, null),
                Arguments.of("RS256 token, policy RS256 and ES256", BOTH, "rsa", null, null),
                Arguments.of(
                        "RS256 token, policy ES256 only", ES256, "rsa", null, TokenRejection.ALGORITHM_NOT_ALLOWED),
                Arguments.of("ES256 token naming the RSA key's kid", BOTH, "ec", "rsa", TokenRejection.KEY_UNKNOWN));
    }

    /**
     * @param signer which published key signs: "rsa" or "ec"
     * @param kidOf whose key id the header names (null: the signer's own)
     * @param expected the rejection, or null when the token must be accepted
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("algorithms")
    void onlyAllowedAlgorithmsAreAccepted(
            String name, Set<JWSAlgorithm> allowed, String signer, String kidOf, TokenRejection expected)
            throws Exception {
        ECKey ec = TestKeys.ec();
        jwks.serve(key, ec);
        JWK signing = signer.equals("ec") ? ec : key;
        if (kidOf != null) {
            String kid = (kidOf.equals("ec") ? ec : key).getKeyID();
            signing = new ECKey.Builder(ec).keyID(kid).build();
        }
        String token = minter(signing).sign();
        TokenVerifier verifier = verifier(policy(allowed));

        if (expected == null) {
            assertThat(verifier.verify(token).organizationSlug()).isEqualTo("acme");
        } else {
            assertThatThrownBy(() -> verifier.verify(token))
                    .isInstanceOfSatisfying(
                            TokenRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(expected));
        }
    }

    static Stream<Arguments> controlCharacters() {
        return Stream.of(
                Arguments.of("NUL in build_branch", "build_branch", "main\u0000"),
                Arguments.of("newline in build_branch", "build_branch", "main\nforged: line"),
                Arguments.of("ANSI escape in build_branch", "build_branch", "\u001b[31mmain"),
                Arguments.of("DEL in build_branch", "build_branch", "ma\u007fin"),
                Arguments.of("newline in an agent tag", "agent_tag:queue", "deploy\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controlCharacters")
    void controlCharacterInAClaimIsRejected(String name, String claim, String value) {
        Map<String, Object> c = minter.claims();
        c.put(claim, value);
        String token = minter.sign(c);
        TokenVerifier verifier = verifier(policy(RS256));

        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.reason()).isEqualTo(TokenRejection.CLAIM_INVALID);
            assertThat(e.getMessage()).contains("'" + claim + "'");
        });
    }

    private TokenMinter minter(JWK signingKey) {
        return new TokenMinter(signingKey, jwks.issuer(), VendFixture.AUDIENCE);
    }

    private TokenPolicy policy(Set<JWSAlgorithm> algorithms) {
        return policy(algorithms, Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    private TokenPolicy policy(Set<JWSAlgorithm> algorithms, Duration cacheTtl, Duration minRefresh) {
        TokenPolicy base = VendFixture.policy(jwks);
        return new TokenPolicy(
                base.issuer(),
                base.jwksUrl(),
                base.audience(),
                base.organizations(),
                algorithms,
                base.clockSkew(),
                base.maxAge(),
                cacheTtl,
                minRefresh,
                base.jwksOutageTolerance(),
                base.jwksTimeout());
    }

    private static TokenVerifier verifier(TokenPolicy policy) {
        return new TokenVerifier(policy, SigningKeys.fromUrl(policy, Clock.systemUTC()), Clock.systemUTC());
    }
}
