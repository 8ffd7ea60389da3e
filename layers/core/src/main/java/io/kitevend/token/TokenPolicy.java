package io.kitevend.token;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What a token must be to be accepted, and how the issuer's keys are fetched and cached.
 *
 * @param organizationIds organizations pinned to their Buildkite id ({@code organization_id}), by
 *     slug: a token of such an organization must carry that id
 * @param jwksCacheTtl how long fetched keys are used before they are fetched again
 * @param jwksMinRefreshInterval at most two fetches per interval, however many unknown key ids arrive
 * @param jwksOutageTolerance how long the last good keys keep being used while the JWKS endpoint fails
 */
public record TokenPolicy(
        String issuer,
        URI jwksUrl,
        String audience,
        Set<String> organizations,
        Map<String, String> organizationIds,
        Set<JWSAlgorithm> algorithms,
        Duration clockSkew,
        Duration maxAge,
        Duration jwksCacheTtl,
        Duration jwksMinRefreshInterval,
        Duration jwksOutageTolerance,
        Duration jwksTimeout) {

    public static final int MAX_TOKEN_BYTES = 8 * 1024;

    /** A policy that pins no organization to its id. */
    public TokenPolicy(
            String issuer,
            URI jwksUrl,
            String audience,
            Set<String> organizations,
            Set<JWSAlgorithm> algorithms,
            Duration clockSkew,
            Duration maxAge,
            Duration jwksCacheTtl,
            Duration jwksMinRefreshInterval,
            Duration jwksOutageTolerance,
            Duration jwksTimeout) {
        this(
                issuer,
                jwksUrl,
                audience,
                organizations,
                Map.of(),
                algorithms,
                clockSkew,
                maxAge,
                jwksCacheTtl,
                jwksMinRefreshInterval,
                jwksOutageTolerance,
                jwksTimeout);
    }

    public static final Set<JWSAlgorithm> SUPPORTED_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    public TokenPolicy {
        organizations = Set.copyOf(organizations);
        organizationIds = Map.copyOf(organizationIds);
        algorithms = Set.copyOf(algorithms);
        if (organizations.isEmpty()) {
            throw new IllegalArgumentException("at least one organization must be allowed");
        }
        if (!organizations.containsAll(organizationIds.keySet())) {
            throw new IllegalArgumentException("only an allowed organization can be pinned to its id");
        }
        if (!SUPPORTED_ALGORITHMS.containsAll(algorithms) || algorithms.isEmpty()) {
            throw new IllegalArgumentException("algorithms must be a non-empty subset of RS256, ES256");
        }
        if (jwksMinRefreshInterval.compareTo(jwksCacheTtl) >= 0) {
            throw new IllegalArgumentException("the JWKS refresh interval must be shorter than the JWKS cache time");
        }
    }
}
