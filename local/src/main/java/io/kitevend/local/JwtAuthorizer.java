package io.kitevend.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.kitevend.json.Json;
import io.kitevend.lambda.ApiGatewayJwt;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * API Gateway's JWT authorizer, imitated for the local runner's admin JWT API (the template's
 * {@code AdminJwtApi}), in the order API Gateway checks: a token in the Authorization header
 * (with or without {@code Bearer }); a signature by an RSA key of the issuer's JWKS, found
 * through the issuer's OpenID discovery document and the token's {@code kid}; {@code iss} equal
 * to the issuer; {@code aud} (or {@code client_id} when there is no {@code aud}) one of the
 * audiences; {@code exp} in the future, {@code nbf} and {@code iat} not. Whatever the reason for a
 * refusal, the caller sees API Gateway's 401 {@code {"message":"Unauthorized"}}; the reason is
 * only for the runner's log.
 *
 * <p>An accepted token's claims reach the function as API Gateway passes them: every value a
 * string, a list as {@code [a b c]}, an object as {@code map[k:v]}; and its scopes ({@code scope}
 * or {@code scp}) as a list.
 *
 * <p>Limit of the imitation: routes have no authorization scopes (the template sets none).
 */
public final class JwtAuthorizer {
    /** API Gateway's answer to a request its JWT authorizer does not accept. */
    public static final String UNAUTHORIZED_BODY = "{\"message\":\"Unauthorized\"}";

    /** API Gateway verifies RSA signatures only. */
    private static final Set<JWSAlgorithm> RSA = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512);

    /** The outcome of one check. */
    public sealed interface Result permits Allowed, Denied {}

    /** Accepted: {@code requestContext.authorizer.jwt} as API Gateway fills it. */
    public record Allowed(Map<String, String> claims, List<String> scopes) implements Result {
        APIGatewayV2HTTPEvent.RequestContext.Authorizer toAuthorizer() {
            return APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT
                            .builder()
                            .withClaims(claims)
                            .withScopes(scopes)
                            .build())
                    .build();
        }
    }

    /** Refused; {@code reason} is for the runner's request log, never shown to the caller. */
    public record Denied(String reason) implements Result {}

    private final String issuer;
    private final List<String> audiences;
    private final Clock clock;
    private volatile DefaultJWTProcessor<SecurityContext> processor;

    public JwtAuthorizer(String issuer, Collection<String> audiences, Clock clock) {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("a JWT authorizer needs an issuer");
        }
        if (audiences.isEmpty() || audiences.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("a JWT authorizer needs at least one audience");
        }
        this.issuer = issuer;
        this.audiences = List.copyOf(audiences);
        this.clock = clock;
    }

    public String issuer() {
        return issuer;
    }

    public List<String> audiences() {
        return audiences;
    }

    /** Checks the request's Authorization header. */
    public Result authorize(Map<String, List<String>> headers) {
        String token = null;
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase("authorization") && !h.getValue().isEmpty()) {
                token = h.getValue().get(0).strip();
            }
        }
        if (token != null && token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).strip();
        } else if (token != null && token.equalsIgnoreCase("Bearer")) {
            token = "";
        }
        if (token == null || token.isEmpty()) {
            return new Denied("no token");
        }
        JWTClaimsSet claims;
        try {
            claims = processor().process(token, null);
        } catch (java.text.ParseException e) {
            return new Denied("not a JWT");
        } catch (com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException e) {
            return new Denied("signature: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            return new Denied("keys: " + e.getMessage());
        }
        Instant now = clock.instant();
        if (!issuer.equals(claims.getIssuer())) {
            return new Denied("iss");
        }
        List<String> aud = claims.getAudience();
        if (aud.isEmpty()) {
            Object clientId = claims.getClaim("client_id");
            aud = clientId == null ? List.of() : List.of(clientId.toString());
        }
        if (aud.stream().noneMatch(audiences::contains)) {
            return new Denied("aud");
        }
        if (claims.getExpirationTime() == null
                || !claims.getExpirationTime().toInstant().isAfter(now)) {
            return new Denied("exp");
        }
        if (claims.getNotBeforeTime() != null
                && claims.getNotBeforeTime().toInstant().isAfter(now)) {
            return new Denied("nbf");
        }
        if (claims.getIssueTime() != null && claims.getIssueTime().toInstant().isAfter(now)) {
            return new Denied("iat");
        }
        Map<String, String> passed = new LinkedHashMap<>();
        claims.toJSONObject().forEach((name, value) -> {
            if (value != null) {
                passed.put(name, ApiGatewayJwt.flatten(value));
            }
        });
        return new Allowed(passed, scopes(claims));
    }

    private static List<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        if (scope == null) {
            scope = claims.getClaim("scp");
        }
        if (scope instanceof String s && !s.isBlank()) {
            return Arrays.asList(s.strip().split("\\s+"));
        }
        if (scope instanceof Collection<?> list && !list.isEmpty()) {
            return list.stream().map(Object::toString).toList();
        }
        return null;
    }

    /** Built on first use: the keys come from the issuer's discovery document, as API Gateway finds them. */
    private DefaultJWTProcessor<SecurityContext> processor() throws IOException {
        DefaultJWTProcessor<SecurityContext> p = processor;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (processor == null) {
                String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
                var discovery = LocalHttp.get(URI.create(base + "/.well-known/openid-configuration"));
                JsonNode doc = discovery.status() == 200 ? Json.readTree(discovery.body()) : null;
                if (doc == null || !doc.path("jwks_uri").isTextual()) {
                    throw new IOException(
                            "no jwks_uri in the issuer's discovery document (HTTP " + discovery.status() + ")");
                }
                JWKSource<SecurityContext> keys = JWKSourceBuilder.create(
                                URI.create(doc.get("jwks_uri").asText()).toURL())
                        .retrying(false)
                        .build();
                DefaultJWTProcessor<SecurityContext> built = new DefaultJWTProcessor<>();
                built.setJWSKeySelector(new JWSVerificationKeySelector<>(RSA, keys));
                built.setJWSTypeVerifier((type, context) -> {}); // API Gateway does not look at typ
                built.setJWTClaimsSetVerifier((claims, context) -> {}); // checked above, in API Gateway's order
                processor = built;
            }
            return processor;
        }
    }
}
