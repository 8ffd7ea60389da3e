/**
 * Buildkite OIDC job tokens: the policy a token must meet ({@link io.kitevend.token.TokenPolicy}),
 * the issuer's signing keys (JWKS, cached, refreshed, kept through outages) and the verifier that
 * turns a token into {@link io.kitevend.token.BuildkiteClaims} or a {@link
 * io.kitevend.token.TokenRejection} with its audit reason.
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it may use the other domain packages (without cycles), never
 * the AWS SDK, Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code
 * assembly} or {@code snapstart}.
 */
package io.kitevend.token;
