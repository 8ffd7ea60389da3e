package io.kitevend.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.kitevend.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Mints Buildkite-shaped job tokens signed with a test key. Start from {@link #claims()} (every
 * claim Buildkite always sends), change what the test is about, then {@link #sign}.
 */
public final class TokenMinter {
    private final JWK key;
    private final String issuer;
    private final String audience;

    public TokenMinter(JWK key, String issuer, String audience) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
    }

    public JWK key() {
        return key;
    }

    /** A valid claim set for org {@code acme}, pipeline {@code deploy}, branch {@code main}. */
    public Map<String, Object> claims() {
        return claims("acme", "deploy", "main");
    }

    public Map<String, Object> claims(String org, String pipeline, String branch) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer);
        c.put(
                "sub",
                "organization:" + org + ":pipeline:" + pipeline + ":ref:refs/heads/" + branch
                        + ":commit:9f3182061f1e2cca4702c368cbc039b7dc9d4485:step:build");
        c.put("aud", audience);
        c.put("iat", now);
        c.put("nbf", now);
        c.put("exp", now + 300);
        c.put("jti", UUID.randomUUID().toString());
        c.put("organization_slug", org);
        c.put("pipeline_slug", pipeline);
        c.put("build_number", 42);
        c.put("build_branch", branch);
        c.put("build_tag", null);
        c.put("build_commit", "9f3182061f1e2cca4702c368cbc039b7dc9d4485");
        c.put("step_key", "build");
        c.put("job_id", "0184990a-477b-4fa8-9968-496074483cee");
        c.put("agent_id", "0184990a-4782-42b5-afc1-16715b10b8ff");
        c.put("build_source", "ui");
        c.put("runner_environment", "self-hosted");
        return c;
    }

    public String sign(Map<String, Object> claims) {
        return sign(claims, header -> {});
    }

    /**
     * Signs the claims as Jackson writes them, byte for byte, without a claim-set builder in
     * between: a value may be any JSON Jackson can write (a {@code BigInteger}, a {@code
     * com.fasterxml.jackson.databind.util.RawValue} such as {@code 1e19} or {@code "\ud800"}).
     */
    public String signJson(Map<String, Object> claims) {
        return signPayload(Json.write(claims).getBytes(StandardCharsets.UTF_8));
    }

    /** Signs these exact payload bytes (which need not be JSON, nor UTF-8). */
    public String signPayload(byte[] payload) {
        try {
            JWSObject jws = new JWSObject(header(h -> {}), new Payload(payload));
            jws.sign(signer());
            return jws.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs with the minter's key; {@code headerChanges} may add header parameters. */
    public String sign(Map<String, Object> claims, Consumer<JWSHeader.Builder> headerChanges) {
        try {
            SignedJWT jwt = new SignedJWT(header(headerChanges), toClaimsSet(claims));
            jwt.sign(signer());
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private JWSHeader header(Consumer<JWSHeader.Builder> changes) {
        JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
        JWSHeader.Builder header =
                new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT);
        changes.accept(header);
        return header.build();
    }

    private JWSSigner signer() throws JOSEException {
        return key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
    }

    public String sign() {
        return sign(claims());
    }

    public static JWTClaimsSet toClaimsSet(Map<String, Object> claims) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
        claims.forEach((k, v) -> {
            if (v instanceof Long || v instanceof Integer) {
                if (k.equals("iat") || k.equals("nbf") || k.equals("exp")) {
                    b.claim(k, ((Number) v).longValue());
                    return;
                }
            }
            b.claim(k, v);
        });
        return b.build();
    }
}
