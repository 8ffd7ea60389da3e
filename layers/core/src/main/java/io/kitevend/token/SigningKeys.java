package io.kitevend.token;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.io.IOException;
import java.net.MalformedURLException;
import java.time.Clock;
import java.util.List;

/**
 * The issuer's public keys, fetched from its JWKS URL through Nimbus's {@link JWKSourceBuilder}:
 * cached, refreshed once on an unknown key id (rate limited), retried once, and the last good
 * set kept through an outage. No refresh-ahead: it would start a thread that Lambda freezes.
 *
 * <p>Every age is read from the given clock and counts from the fetch: keys fetched before a
 * SnapStart snapshot ({@link #load}) are used after a restore while they are younger than the
 * cache time, and a restore later than that fetches them again on first use, as a warm instance
 * would.
 *
 * <p>It also remembers whether the last real fetch failed, so that an unknown key id during an
 * outage is reported as "keys unavailable" (503) rather than "bad token" (401).
 */
public final class SigningKeys {
    /** The JWKS document of an issuer is small; a larger answer is refused. */
    public static final int MAX_JWKS_BYTES = 64 * 1024;

    /** Every key of the set. */
    private static final JWKSelector ALL_KEYS = new JWKSelector(new JWKMatcher.Builder().build());

    private final JWKSetSource<SecurityContext> source;
    private final FetchHealth health;
    private final Clock clock;

    private SigningKeys(JWKSetSource<SecurityContext> source, FetchHealth health, Clock clock) {
        this.source = source;
        this.health = health;
        this.clock = clock;
    }

    public static SigningKeys fromUrl(TokenPolicy policy, Clock clock) {
        int timeout = (int) policy.jwksTimeout().toMillis();
        var retriever = new DefaultResourceRetriever(timeout, timeout, MAX_JWKS_BYTES);
        URLBasedJWKSetSource<SecurityContext> url;
        try {
            url = new URLBasedJWKSetSource<>(policy.jwksUrl().toURL(), retriever);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWKS URL is not a URL: " + policy.jwksUrl(), e);
        }
        return over(url, policy, clock);
    }

    /**
     * Keys held in memory, behind the same cache, rate limit, retry and outage handling as
     * {@link #fromUrl}; nothing is fetched. The SnapStart priming verifies a token signed with a
     * throw-away key through it, so that the real classes are loaded and compiled.
     */
    public static SigningKeys fromJwkSet(JWKSet keys, TokenPolicy policy) {
        JWKSet published = keys.toPublicJWKSet();
        return over(
                new JWKSetSource<>() {
                    @Override
                    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long now, SecurityContext context) {
                        return published;
                    }

                    @Override
                    public void close() {
                        // nothing held
                    }
                },
                policy,
                Clock.systemUTC());
    }

    private static SigningKeys over(JWKSetSource<SecurityContext> origin, TokenPolicy policy, Clock clock) {
        int timeout = (int) policy.jwksTimeout().toMillis();
        FetchHealth health = new FetchHealth(origin);
        JWKSource<SecurityContext> built = JWKSourceBuilder.create(health)
                .cache(policy.jwksCacheTtl().toMillis(), timeout)
                .refreshAheadCache(false)
                .rateLimited(policy.jwksMinRefreshInterval().toMillis())
                .retrying(true)
                .outageTolerant(policy.jwksOutageTolerance().toMillis())
                .build();
        // The chain of caches is asked directly (below), so that every age is read from our clock.
        if (!(built instanceof JWKSetBasedJWKSource<SecurityContext> based)) {
            throw new IllegalStateException(
                    "unexpected JWK source " + built.getClass().getName());
        }
        return new SigningKeys(based.getJWKSetSource(), health, clock);
    }

    /**
     * Fetches the issuer's keys into the cache, unless it holds keys younger than the cache time.
     * The SnapStart priming calls it, so that a snapshot carries the (public) keys.
     *
     * @throws SigningKeysUnavailableException when the keys cannot be had
     */
    public void load() throws SigningKeysUnavailableException {
        select(ALL_KEYS);
    }

    /**
     * The keys that fit the selector. An empty list means the issuer does not have such a key.
     *
     * @throws SigningKeysUnavailableException when the keys cannot be had and the last fetch failed
     */
    public List<JWK> select(JWKSelector selector) throws SigningKeysUnavailableException {
        try {
            List<JWK> keys = cachedOrRefreshed(selector);
            if (keys.isEmpty() && health.lastFetchFailed()) {
                throw new SigningKeysUnavailableException(
                        "key id not in the cached keys and the JWKS endpoint is failing", null);
            }
            return keys;
        } catch (RateLimitReachedException e) {
            // The keys were fetched moments ago; an unknown key id is then the token's problem,
            // unless those fetches failed.
            if (health.lastFetchFailed()) {
                throw new SigningKeysUnavailableException("JWKS endpoint failing and refresh rate limited", e);
            }
            return List.of();
        } catch (KeySourceException e) {
            throw new SigningKeysUnavailableException("JWKS endpoint unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * What Nimbus's {@link JWKSetBasedJWKSource} does, with the time from our clock: the cached
     * set, and once more when it has no such key (an unknown key id triggers one refresh).
     */
    private List<JWK> cachedOrRefreshed(JWKSelector selector) throws KeySourceException {
        long now = clock.millis();
        JWKSet cached = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, null);
        List<JWK> keys = selector.select(cached);
        if (!keys.isEmpty()) {
            return keys;
        }
        JWKSet refreshed = source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached), now, null);
        return selector.select(refreshed);
    }

    /** Records whether the latest fetch from the URL worked. */
    private static final class FetchHealth implements JWKSetSource<SecurityContext> {
        private final JWKSetSource<SecurityContext> delegate;
        private volatile boolean lastFetchFailed;

        FetchHealth(JWKSetSource<SecurityContext> delegate) {
            this.delegate = delegate;
        }

        boolean lastFetchFailed() {
            return lastFetchFailed;
        }

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long now, SecurityContext context)
                throws KeySourceException {
            try {
                JWKSet set = delegate.getJWKSet(refresh, now, context);
                lastFetchFailed = false;
                return set;
            } catch (KeySourceException | RuntimeException e) {
                lastFetchFailed = true;
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
