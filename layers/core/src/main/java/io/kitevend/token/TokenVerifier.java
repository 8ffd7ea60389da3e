package io.kitevend.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kitevend.json.Json;
import io.kitevend.text.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies a Buildkite job token and returns its typed claims. The header is inspected before any
 * key is looked up: only the configured algorithms, no key references ({@code jku}, {@code x5u},
 * {@code jwk}, {@code x5c}) and no {@code crit}. Keys come only from the pinned issuer's JWKS.
 */
public final class TokenVerifier {
    private static final Map<String, TokenRejection> KEY_REFERENCE_HEADERS = Map.of(
            "jwk", TokenRejection.HEADER_JWK,
            "jku", TokenRejection.HEADER_JKU,
            "x5u", TokenRejection.HEADER_X5U,
            "x5c", TokenRejection.HEADER_X5C,
            "x5t", TokenRejection.HEADER_X5C,
            "x5t#S256", TokenRejection.HEADER_X5C);

    private final TokenPolicy policy;
    private final SigningKeys keys;
    private final Clock clock;
    private final Map<String, CachedVerifier> verifiers = new ConcurrentHashMap<>();

    private record CachedVerifier(JWK key, JWSVerifier verifier) {}

    public TokenVerifier(TokenPolicy policy, SigningKeys keys, Clock clock) {
        this.policy = policy;
        this.keys = keys;
        this.clock = clock;
    }

    public TokenPolicy policy() {
        return policy;
    }

    /** Fetches the issuer's keys now unless fresh ones are cached ({@link SigningKeys#load}). */
    public void loadKeys() throws SigningKeysUnavailableException {
        keys.load();
    }

    public BuildkiteClaims verify(String token) throws TokenRejectedException, SigningKeysUnavailableException {
        if (token == null || token.isEmpty()) {
            throw reject(TokenRejection.TOKEN_MISSING, "no token");
        }
        if (token.length() > TokenPolicy.MAX_TOKEN_BYTES) {
            throw reject(TokenRejection.TOKEN_TOO_LARGE, "token is " + token.length() + " bytes");
        }
        JsonNode header = decodeHeader(token);
        JWSAlgorithm alg = checkHeader(header);
        String kid = header.get("kid").asText();

        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw reject(TokenRejection.TOKEN_MALFORMED, "not a signed JWT");
        }
        JWSVerifier verifier = verifierFor(kid, alg);
        try {
            if (!jwt.verify(verifier)) {
                throw reject(TokenRejection.SIGNATURE_INVALID, "signature does not verify with key " + kid);
            }
        } catch (JOSEException e) {
            throw reject(TokenRejection.SIGNATURE_INVALID, "signature check failed: " + e.getMessage());
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw reject(TokenRejection.TOKEN_MALFORMED, "payload is not a JSON claims set");
        }
        checkStandardClaims(claims);
        return typedClaims(claims);
    }

    private static JsonNode decodeHeader(String token) throws TokenRejectedException {
        int dot = token.indexOf('.');
        if (dot <= 0 || token.chars().filter(c -> c == '.').count() != 2) {
            throw reject(TokenRejection.TOKEN_MALFORMED, "not three dot-separated parts");
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(token.substring(0, dot));
            JsonNode header = Json.readTree(new String(bytes, StandardCharsets.UTF_8));
            if (header == null || !header.isObject()) {
                throw reject(TokenRejection.TOKEN_MALFORMED, "header is not a JSON object");
            }
            return header;
        } catch (IllegalArgumentException | IOException e) {
            throw reject(TokenRejection.TOKEN_MALFORMED, "header is not base64url JSON");
        }
    }

    private JWSAlgorithm checkHeader(JsonNode header) throws TokenRejectedException {
        JsonNode algNode = header.get("alg");
        String alg = algNode != null && algNode.isTextual() ? algNode.asText() : "";
        JWSAlgorithm algorithm = JWSAlgorithm.parse(alg);
        if (!policy.algorithms().contains(algorithm)) {
            throw reject(
                    alg.equalsIgnoreCase("none") ? TokenRejection.ALGORITHM_NONE : TokenRejection.ALGORITHM_NOT_ALLOWED,
                    "algorithm '" + printable(alg) + "' is not allowed");
        }
        // Keys come only from the pinned issuer's JWKS; a token naming or carrying its own key is refused.
        for (var reference : KEY_REFERENCE_HEADERS.entrySet()) {
            if (header.has(reference.getKey())) {
                throw reject(reference.getValue(), "header parameter '" + reference.getKey() + "' is not accepted");
            }
        }
        if (header.has("crit")) {
            throw reject(TokenRejection.CRITICAL_HEADER, "header parameter 'crit' is not accepted");
        }
        JsonNode kid = header.get("kid");
        if (kid == null
                || !kid.isTextual()
                || kid.asText().isEmpty()
                || kid.asText().length() > 256) {
            throw reject(TokenRejection.TOKEN_MALFORMED, "header has no usable 'kid'");
        }
        return algorithm;
    }

    private JWSVerifier verifierFor(String kid, JWSAlgorithm alg)
            throws TokenRejectedException, SigningKeysUnavailableException {
        KeyType type = JWSAlgorithm.Family.EC.contains(alg) ? KeyType.EC : KeyType.RSA;
        JWKMatcher matcher = new JWKMatcher.Builder()
                .keyID(kid)
                .keyType(type)
                .keyUses(KeyUse.SIGNATURE, null)
                .algorithms(alg, null)
                .publicOnly(true)
                .build();
        List<JWK> found = keys.select(new JWKSelector(matcher));
        if (found.isEmpty()) {
            throw reject(
                    TokenRejection.KEY_UNKNOWN,
                    "no " + type + " key with id " + printable(kid) + " in the issuer's JWKS");
        }
        JWK key = found.get(0);
        CachedVerifier cached = verifiers.get(kid);
        // Value equality: a refreshed JWKS holds new JWK objects; the verifier stays valid while the key material is
        // the same, and a key rotated under the same kid gets a new one.
        if (cached != null && cached.key().equals(key)) {
            return cached.verifier();
        }
        try {
            JWSVerifier verifier = key instanceof ECKey ec
                    ? new ECDSAVerifier(ec.toECPublicKey())
                    : new RSASSAVerifier(((RSAKey) key).toRSAPublicKey());
            verifiers.put(kid, new CachedVerifier(key, verifier));
            return verifier;
        } catch (JOSEException e) {
            throw reject(TokenRejection.KEY_UNKNOWN, "issuer key " + printable(kid) + " is unusable");
        }
    }

    private void checkStandardClaims(JWTClaimsSet claims) throws TokenRejectedException {
        Instant now = clock.instant();
        long skew = policy.clockSkew().toSeconds();
        if (!policy.issuer().equals(claims.getIssuer())) {
            throw reject(TokenRejection.ISSUER_MISMATCH, "issuer '" + printable(claims.getIssuer()) + "'");
        }
        List<String> audience = claims.getAudience();
        if (audience.size() != 1 || !policy.audience().equals(audience.get(0))) {
            throw reject(TokenRejection.AUDIENCE_MISMATCH, "audience " + printable(String.valueOf(audience)));
        }
        Instant exp = instant(claims, "exp");
        if (!now.isBefore(exp.plusSeconds(skew))) {
            throw reject(TokenRejection.EXPIRED, "expired at " + exp);
        }
        Instant nbf = optionalInstant(claims, "nbf");
        if (nbf != null && now.plusSeconds(skew).isBefore(nbf)) {
            throw reject(TokenRejection.NOT_YET_VALID, "not valid before " + nbf);
        }
        Instant iat = instant(claims, "iat");
        if (now.plusSeconds(skew).isBefore(iat)) {
            throw reject(TokenRejection.NOT_YET_VALID, "issued in the future at " + iat);
        }
        if (iat.plus(policy.maxAge()).plusSeconds(skew).isBefore(now)) {
            throw reject(
                    TokenRejection.TOO_OLD,
                    "issued at " + iat + ", older than " + policy.maxAge().toSeconds() + "s");
        }
    }

    private BuildkiteClaims typedClaims(JWTClaimsSet claims) throws TokenRejectedException {
        String org = requiredString(claims, "organization_slug");
        String pipeline = requiredString(claims, "pipeline_slug");
        String sub = requiredString(claims, "sub");
        String jti = requiredString(claims, "jti");
        String jobId = requiredString(claims, "job_id");
        Object buildNumber = claims.getClaim("build_number");
        if (buildNumber == null) {
            throw reject(TokenRejection.CLAIM_MISSING, "claim 'build_number' is missing");
        }
        if (!(buildNumber instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
            throw reject(TokenRejection.CLAIM_INVALID, "claim 'build_number' is not a whole number");
        }
        if (!policy.organizations().contains(org)) {
            throw reject(
                    TokenRejection.ORGANIZATION_NOT_ALLOWED, "organization '" + printable(org) + "' is not allowed");
        }
        Map<String, String> optional = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : claims.getClaims().entrySet()) {
            String name = e.getKey();
            if (BuildkiteClaims.isRequestable(name) && e.getValue() != null) {
                optional.put(name, scalar(name, e.getValue()));
            }
        }
        return new BuildkiteClaims(
                claims.getIssuer(),
                sub,
                jti,
                instant(claims, "iat"),
                instant(claims, "exp"),
                org,
                pipeline,
                ((Number) buildNumber).longValue(),
                optionalString(claims, "build_branch"),
                optionalString(claims, "build_tag"),
                optionalString(claims, "build_commit"),
                optionalString(claims, "step_key"),
                jobId,
                optionalString(claims, "agent_id"),
                optionalString(claims, "build_source"),
                optionalString(claims, "runner_environment"),
                optional);
    }

    private static String scalar(String name, Object value) throws TokenRejectedException {
        if (value instanceof String s) {
            return checked(name, s);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw reject(TokenRejection.CLAIM_INVALID, "claim '" + name + "' is not a string");
    }

    private static String requiredString(JWTClaimsSet claims, String name) throws TokenRejectedException {
        String value = optionalString(claims, name);
        if (value == null || value.isEmpty()) {
            throw reject(TokenRejection.CLAIM_MISSING, "claim '" + name + "' is missing");
        }
        return value;
    }

    private static String optionalString(JWTClaimsSet claims, String name) throws TokenRejectedException {
        Object value = claims.getClaim(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw reject(TokenRejection.CLAIM_INVALID, "claim '" + name + "' is not a string");
        }
        return checked(name, s);
    }

    private static String checked(String name, String value) throws TokenRejectedException {
        if (value.length() > 1024) {
            throw reject(TokenRejection.CLAIM_INVALID, "claim '" + name + "' is longer than 1024 characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw reject(TokenRejection.CLAIM_INVALID, "claim '" + name + "' contains control characters");
            }
        }
        return value;
    }

    private static Instant instant(JWTClaimsSet claims, String name) throws TokenRejectedException {
        Instant value = optionalInstant(claims, name);
        if (value == null) {
            throw reject(TokenRejection.CLAIM_MISSING, "claim '" + name + "' is missing");
        }
        return value;
    }

    private static Instant optionalInstant(JWTClaimsSet claims, String name) throws TokenRejectedException {
        try {
            Date date = claims.getDateClaim(name);
            return date == null ? null : date.toInstant();
        } catch (ParseException e) {
            throw reject(TokenRejection.CLAIM_INVALID, "claim '" + name + "' is not a time");
        }
    }

    private static TokenRejectedException reject(TokenRejection reason, String detail) {
        return new TokenRejectedException(reason, detail);
    }

    /** A value from the token, for an audit detail. */
    private static String printable(String s) {
        return Text.printable(s, 100);
    }
}
