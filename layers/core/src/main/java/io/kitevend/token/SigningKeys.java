package io.kitevend.token;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
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
import java.util.List;

/**
 * The issuer's public keys, fetched from its JWKS URL through Nimbus's {@link JWKSourceBuilder}:
 * cached, refreshed once on an unknown key id (rate limited), retried once, and the last good
 * set kept through an outage. No refresh-ahead: it would start a thread that Lambda freezes.
 *
 * <p>It also remembers whether the last real fetch failed, so that an unknown key id during an
 * outage is reported as "keys unavailable" (503) rather than "bad token" (401).
 */
public final class SigningKeys {
    /** The JWKS document of an issuer is small; a larger answer is refused. */
    public static final int MAX_JWKS_BYTES = 64 * 1024;

    private final JWKSource<SecurityContext> source;
    private final FetchHealth health;

    private SigningKeys(JWKSource<SecurityContext> source, FetchHealth health) {
        this.source = source;
        this.health = health;
    }

    public static SigningKeys fromUrl(TokenPolicy policy) {
        int timeout = (int) policy.jwksTimeout().toMillis();
        var retriever = new DefaultResourceRetriever(timeout, timeout, MAX_JWKS_BYTES);
        URLBasedJWKSetSource<SecurityContext> url;
        try {
            url = new URLBasedJWKSetSource<>(policy.jwksUrl().toURL(), retriever);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWKS URL is not a URL: " + policy.jwksUrl(), e);
        }
        return over(url, policy);
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
                policy);
    }

    private static SigningKeys over(JWKSetSource<SecurityContext> origin, TokenPolicy policy) {
        int timeout = (int) policy.jwksTimeout().toMillis();
        FetchHealth health = new FetchHealth(origin);
        JWKSource<SecurityContext> source = JWKSourceBuilder.create(health)
                .cache(policy.jwksCacheTtl().toMillis(), timeout)
                .refreshAheadCache(false)
                .rateLimited(policy.jwksMinRefreshInterval().toMillis())
                .retrying(true)
                .outageTolerant(policy.jwksOutageTolerance().toMillis())
                .build();
        return new SigningKeys(source, health);
    }

    /**
     * The keys that fit the selector. An empty list means the issuer does not have such a key.
     *
     * @throws SigningKeysUnavailableException when the keys cannot be had and the last fetch failed
     */
    public List<JWK> select(JWKSelector selector) throws SigningKeysUnavailableException {
        try {
            List<JWK> keys = source.get(selector, null);
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
