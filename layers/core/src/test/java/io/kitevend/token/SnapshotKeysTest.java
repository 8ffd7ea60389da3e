package io.kitevend.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.MutableClock;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.VendFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The issuer's keys loaded before a SnapStart snapshot ({@link TokenVerifier#loadKeys}) serve a
 * restored environment under the warm cache's rules, every age counted from the fetch on the
 * verifier's clock (the policy of {@link VendFixture#policy}: keys cached 5 minutes, refreshed at
 * most twice per 30 seconds, kept 4 hours through an outage). The clock moving on stands for the
 * time between the snapshot and the restore.
 */
class SnapshotKeysTest {
    private final MutableClock clock = new MutableClock(Instant.now());
    private final RSAKey key = TestKeys.rsa();
    private final JwksServer jwks = new JwksServer(key);
    private final TokenPolicy policy = VendFixture.policy(jwks);
    private final TokenVerifier verifier = new TokenVerifier(policy, SigningKeys.fromUrl(policy, clock), clock);

    @AfterEach
    void stop() {
        jwks.close();
    }

    /** A token of the key, issued now by the test's clock. */
    private String token(RSAKey signer) {
        TokenMinter minter = new TokenMinter(signer, jwks.issuer(), VendFixture.AUDIENCE);
        Map<String, Object> claims = minter.claims();
        long now = clock.instant().getEpochSecond();
        claims.put("iat", now);
        claims.put("nbf", now);
        claims.put("exp", now + 300);
        return minter.sign(claims);
    }

    @Test
    void keysLoadedForTheSnapshotServeARestoreWithinTheCacheTimeWithoutAFetch() throws Exception {
        verifier.loadKeys();
        assertThat(jwks.fetches()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(4));

        assertThat(verifier.verify(token(key)).pipelineSlug()).isEqualTo("deploy");
        assertThat(jwks.fetches()).as("no fetch on the first request").isEqualTo(1);
    }

    @Test
    void aRestoreLaterThanTheCacheTimeFetchesTheKeysOnceOnFirstUse() throws Exception {
        verifier.loadKeys();

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));

        assertThat(verifier.verify(token(key)).pipelineSlug()).isEqualTo("deploy");
        assertThat(jwks.fetches()).as("the stale keys were fetched again").isEqualTo(2);
        verifier.verify(token(key));
        assertThat(jwks.fetches()).as("and are fresh from then on").isEqualTo(2);
    }

    @Test
    void aKeyUnknownToTheSnapshotTriggersOneRefresh() throws Exception {
        verifier.loadKeys();
        RSAKey rotated = TestKeys.rsa();
        jwks.serve(key, rotated);

        clock.advance(Duration.ofMinutes(1));

        assertThat(verifier.verify(token(rotated)).pipelineSlug()).isEqualTo("deploy");
        assertThat(jwks.fetches()).isEqualTo(2);
    }

    @Test
    void throughAnOutageTheSnapshotsKeysServeOnlyWithinTheOutageTolerance() throws Exception {
        verifier.loadKeys();
        jwks.down(true);

        clock.advance(Duration.ofHours(1));
        assertThat(verifier.verify(token(key)).pipelineSlug())
                .as("stale, the endpoint failing: the last good keys")
                .isEqualTo("deploy");
        assertThat(jwks.fetches()).as("the endpoint was tried").isGreaterThan(1);

        clock.advance(Duration.ofHours(3).plusMinutes(1));
        assertThatThrownBy(() -> verifier.verify(token(key))).isInstanceOf(SigningKeysUnavailableException.class);
    }
}
