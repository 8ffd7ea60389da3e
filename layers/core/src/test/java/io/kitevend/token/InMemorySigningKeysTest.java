package io.kitevend.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link SigningKeys#fromJwkSet}: keys held in memory, behind the same handling as the URL source. */
class InMemorySigningKeysTest {
    private static final String ISSUER = "https://agent.buildkite.com";
    private static final String AUDIENCE = "https://kitevend.test";
    private static final TokenPolicy POLICY = new TokenPolicy(
            ISSUER,
            // Never fetched: the keys are in memory.
            URI.create("http://127.0.0.1:9/.well-known/jwks"),
            AUDIENCE,
            Set.of("acme"),
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
            Duration.ofSeconds(30),
            Duration.ofMinutes(15),
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            Duration.ofHours(4),
            Duration.ofSeconds(2));

    private static JWKSelector byKid(String kid) {
        return new JWKSelector(new JWKMatcher.Builder().keyID(kid).build());
    }

    @Test
    void selectsOnlyThePublicHalfOfAKeyItWasGivenWithItsPrivateHalf() throws Exception {
        RSAKey key = TestKeys.rsa();
        SigningKeys keys = SigningKeys.fromJwkSet(new JWKSet(key), POLICY);

        List<JWK> found = keys.select(byKid(key.getKeyID()));

        assertThat(found).hasSize(1);
        assertThat(found.get(0).isPrivate()).isFalse();
        assertThat(found.get(0).toRSAKey().getModulus()).isEqualTo(key.getModulus());
    }

    @Test
    void anUnknownKeyIdIsNoKeyNotAnOutage() throws Exception {
        SigningKeys keys = SigningKeys.fromJwkSet(new JWKSet(TestKeys.rsa()), POLICY);

        assertThat(keys.select(byKid(TestKeys.randomKid()))).isEmpty();
    }

    @Test
    void aVerifierOverItAcceptsATokenOfItsKeysAndRefusesAnotherKeys() throws Exception {
        var rsa = TestKeys.rsa();
        var ec = TestKeys.ec();
        TokenVerifier verifier = new TokenVerifier(
                POLICY, SigningKeys.fromJwkSet(new JWKSet(List.of(rsa, ec)), POLICY), Clock.systemUTC());

        assertThat(verifier.verify(new TokenMinter(rsa, ISSUER, AUDIENCE).sign())
                        .pipelineSlug())
                .isEqualTo("deploy");
        assertThat(verifier.verify(new TokenMinter(ec, ISSUER, AUDIENCE).sign()).organizationSlug())
                .isEqualTo("acme");
        assertThatThrownBy(() -> verifier.verify(new TokenMinter(TestKeys.rsa(), ISSUER, AUDIENCE).sign()))
                .isInstanceOfSatisfying(
                        TokenRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(TokenRejection.KEY_UNKNOWN));
    }
}
