package io.kitevend.local;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kitevend.json.Json;
import io.kitevend.token.AssumedClaims;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A stand-in for Buildkite's OIDC issuer, for local runs only: an RSA key made at start (never
 * stored), a discovery document and JWKS, and tokens with every claim Buildkite sends.
 */
public final class DevIssuer {
    public static final int MAX_LIFETIME_SECONDS = 7200;

    private final RSAKey key;
    private final String issuer;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public DevIssuer(String issuer, Clock clock) {
        this.issuer = issuer;
        this.clock = clock;
        byte[] kid = new byte[32];
        random.nextBytes(kid);
        try {
            this.key = new RSAKeyGenerator(2048)
                    .keyID(HexFormat.of().formatHex(kid))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make the dev issuer's key", e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public String jwksJson() {
        return new JWKSet(key.toPublicJWK()).toString(true);
    }

    public String discoveryJson() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("issuer", issuer);
        d.put("jwks_uri", issuer + "/.well-known/jwks");
        d.put("response_types_supported", List.of("id_token"));
        d.put("subject_types_supported", List.of("public"));
        d.put("id_token_signing_alg_values_supported", List.of("RS256"));
        d.put(
                "claims_supported",
                List.of(
                        "sub",
                        "aud",
                        "exp",
                        "iat",
                        "iss",
                        "nbf",
                        "jti",
                        "organization_slug",
                        "pipeline_slug",
                        "build_number",
                        "build_branch",
                        "build_tag",
                        "build_commit",
                        "step_key",
                        "job_id",
                        "agent_id",
                        "build_source",
                        "runner_environment"));
        return Json.write(d);
    }

    /** What a job asks for; null fields take the values explain assumes too ({@link AssumedClaims}). */
    public record TokenRequest(
            String organization,
            String pipeline,
            String audience,
            String branch,
            String tag,
            String stepKey,
            String buildSource,
            Long buildNumber,
            Integer lifetimeSeconds,
            Map<String, String> extraClaims) {}

    public String mint(TokenRequest r) {
        if (r.organization() == null || r.pipeline() == null || r.audience() == null) {
            throw new IllegalArgumentException("organization, pipeline and audience are required");
        }
        int lifetime = r.lifetimeSeconds() == null ? 300 : r.lifetimeSeconds();
        if (lifetime < 1 || lifetime > MAX_LIFETIME_SECONDS) {
            throw new IllegalArgumentException(
                    "lifetime must be 1 to " + MAX_LIFETIME_SECONDS + " seconds, as Buildkite allows");
        }
        Instant now = clock.instant();
        String branch = r.branch() == null ? AssumedClaims.BUILD_BRANCH : r.branch();
        String commit = HexFormat.of().formatHex(randomBytes(20));
        String stepKey = r.stepKey();
        long build = r.buildNumber() == null ? 1 + random.nextInt(9999) : r.buildNumber();
        String ref = r.tag() != null ? "refs/tags/" + r.tag() : "refs/heads/" + branch;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put(
                "sub",
                "organization:" + r.organization() + ":pipeline:" + r.pipeline() + ":ref:" + ref + ":commit:" + commit
                        + ":step:" + (stepKey == null ? "" : stepKey));
        claims.put("jti", uuidV7(now).toString());
        claims.put("organization_slug", r.organization());
        claims.put("pipeline_slug", r.pipeline());
        claims.put("build_number", build);
        claims.put("build_branch", branch);
        claims.put("build_tag", r.tag());
        claims.put("build_commit", commit);
        claims.put("step_key", stepKey);
        claims.put("job_id", UUID.randomUUID().toString());
        claims.put("agent_id", UUID.randomUUID().toString());
        claims.put("build_source", r.buildSource() == null ? AssumedClaims.BUILD_SOURCE : r.buildSource());
        claims.put("runner_environment", AssumedClaims.RUNNER_ENVIRONMENT);
        if (r.extraClaims() != null) {
            r.extraClaims().forEach((k, v) -> claims.put(k, k.equals("build_number") ? Long.parseLong(v) : v));
        }
        JWTClaimsSet.Builder set = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(r.audience())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(lifetime)));
        claims.forEach(set::claim);
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                set.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A version 7 UUID (time-ordered), as Buildkite's {@code jti}. */
    private UUID uuidV7(Instant now) {
        long millis = now.toEpochMilli();
        byte[] r = randomBytes(10);
        long msb = (millis << 16) | 0x7000L | ((r[0] & 0x0FL) << 8) | (r[1] & 0xFFL);
        long lsb = 0x8000000000000000L | ((r[2] & 0x3FL) << 56);
        for (int i = 3; i < 10; i++) {
            lsb |= (r[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(msb, lsb);
    }
}
