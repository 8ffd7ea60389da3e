package io.kitevend.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
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
import io.kitevend.json.Json;
import io.kitevend.text.Text;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies a Buildkite job token and returns its typed claims. The header is inspected before any
 * key is looked up: only the configured algorithms, no key references ({@code jku}, {@code x5u},
 * {@code jwk}, {@code x5c}) and no {@code crit}. Keys come only from the pinned issuer's JWKS.
 */
public final class TokenVerifier {
    /** The longest claim value kept; Buildkite's are far shorter. */
    public static final int MAX_CLAIM_CHARS = 1024;
    /** The longest requestable claim name ({@code agent_tag:NAME}): STS's limit on a session tag key. */
    public static final int MAX_CLAIM_NAME_CHARS = 128;

    private static final List<String> SEGMENT_NAMES = List.of("header", "payload", "signature");
    private static final Base64.Encoder BASE64URL_ENCODER =
            Base64.getUrlEncoder().withoutPadding();
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
        String[] segments = canonicalSegments(token);
        JsonNode header = jsonObject(segments[0], "header");
        JWSAlgorithm alg = checkHeader(header);
        String kid = header.get("kid").asText();

        JWSObject jws;
        try {
            jws = JWSObject.parse(token);
        } catch (ParseException e) {
            throw reject(TokenRejection.TOKEN_MALFORMED, "not a signed JWT");
        }
        JWSVerifier verifier = verifierFor(kid, alg);
        try {
            if (!jws.verify(verifier)) {
                throw reject(TokenRejection.SIGNATURE_INVALID, "signature does not verify with key " + printable(kid));
            }
        } catch (JOSEException e) {
            throw reject(TokenRejection.SIGNATURE_INVALID, "signature check failed: " + printable(e.getMessage()));
        }
        // The claims are read from the signed bytes as written, with their JSON types: never
        // through a conversion that could turn a number or a string into something else.
        JsonNode claims = jsonObject(segments[1], "payload");
        checkStandardClaims(claims);
        return typedClaims(claims);
    }

    /**
     * The three parts of a compact JWS, each canonical base64url: only the URL-safe alphabet, no
     * padding, no length that base64 cannot produce, and unused trailing bits zero. So exactly one
     * text stands for each token, and the token hash in the audit record is the issued token's.
     */
    private static String[] canonicalSegments(String token) throws TokenRejectedException {
        String[] segments = token.split("\\.", -1);
        if (segments.length != 3 || segments[0].isEmpty() || segments[1].isEmpty()) {
            throw reject(TokenRejection.TOKEN_MALFORMED, "not three dot-separated parts");
        }
        for (int i = 0; i < segments.length; i++) {
            if (!isCanonicalBase64Url(segments[i])) {
                throw reject(
                        TokenRejection.TOKEN_MALFORMED,
                        "the " + SEGMENT_NAMES.get(i) + " is not canonical base64url (unpadded, URL-safe alphabet)");
            }
        }
        return segments;
    }

    static boolean isCanonicalBase64Url(String segment) {
        if (segment.length() % 4 == 1) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            boolean inAlphabet =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!inAlphabet) {
                return false;
            }
        }
        // Decoding ignores the unused low bits of the last character; encoding again sets them to zero.
        String again = BASE64URL_ENCODER.encodeToString(Base64.getUrlDecoder().decode(segment));
        return again.equals(segment);
    }

    /** A segment's bytes as a JSON object: strict UTF-8, no duplicate member names, nothing after it. */
    private static JsonNode jsonObject(String segment, String what) throws TokenRejectedException {
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(segment);
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            JsonNode node = Json.readTree(text);
            if (node == null || !node.isObject()) {
                throw reject(TokenRejection.TOKEN_MALFORMED, "the " + what + " is not a JSON object");
            }
            return node;
        } catch (CharacterCodingException e) {
            throw reject(TokenRejection.TOKEN_MALFORMED, "the " + what + " is not UTF-8");
        } catch (IOException e) {
            throw reject(TokenRejection.TOKEN_MALFORMED, "the " + what + " is not JSON");
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

    private void checkStandardClaims(JsonNode claims) throws TokenRejectedException {
        Instant now = clock.instant();
        long skew = policy.clockSkew().toSeconds();
        JsonNode iss = claims.get("iss");
        if (iss == null || !iss.isTextual() || !policy.issuer().equals(iss.asText())) {
            throw reject(TokenRejection.ISSUER_MISMATCH, "issuer " + printable(String.valueOf(iss)));
        }
        if (!policy.audience().equals(singleAudience(claims.get("aud")))) {
            throw reject(TokenRejection.AUDIENCE_MISMATCH, "audience " + printable(String.valueOf(claims.get("aud"))));
        }
        Instant exp = numericDate(claims, "exp", true);
        Instant nbf = numericDate(claims, "nbf", false);
        Instant iat = numericDate(claims, "iat", true);
        if (!now.isBefore(exp.plusSeconds(skew))) {
            throw reject(TokenRejection.EXPIRED, "expired at " + exp);
        }
        if (nbf != null && now.plusSeconds(skew).isBefore(nbf)) {
            throw reject(TokenRejection.NOT_YET_VALID, "not valid before " + nbf);
        }
        if (now.plusSeconds(skew).isBefore(iat)) {
            throw reject(TokenRejection.NOT_YET_VALID, "issued in the future at " + iat);
        }
        if (iat.plus(policy.maxAge()).plusSeconds(skew).isBefore(now)) {
            throw reject(
                    TokenRejection.TOO_OLD,
                    "issued at " + iat + ", older than " + policy.maxAge().toSeconds() + "s");
        }
    }

    /** {@code aud} as a string, or an array of exactly one string; null for anything else. */
    private static String singleAudience(JsonNode aud) {
        if (aud != null && aud.isArray() && aud.size() == 1) {
            aud = aud.get(0);
        }
        return aud != null && aud.isTextual() ? aud.asText() : null;
    }

    /**
     * A time claim: a JSON integer number of seconds since the epoch, from 0 to 2^53-1 (the
     * integers every JSON reader holds exactly). Fractions, exponents, strings and anything larger are refused: Buildkite writes
     * whole seconds, and a huge value must never wrap into a plausible time.
     */
    private static Instant numericDate(JsonNode claims, String name, boolean required) throws TokenRejectedException {
        JsonNode v = claims.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw reject(TokenRejection.CLAIM_MISSING, "claim '" + name + "' is missing");
            }
            return null;
        }
        return Instant.ofEpochSecond(wholeNumber(v, name, "a whole number of seconds"));
    }

    /** A JSON integer from 0 to 2^53-1, or a refusal naming the claim. */
    private static long wholeNumber(JsonNode v, String name, String what) throws TokenRejectedException {
        if (!v.isIntegralNumber()
                || v.bigIntegerValue().signum() < 0
                || v.bigIntegerValue().bitLength() > 53) {
            throw reject(
                    TokenRejection.CLAIM_INVALID,
                    "claim '" + name + "' is not " + what + " from 0 to 2^53-1: " + printable(v.toString()));
        }
        return v.longValue();
    }

    private BuildkiteClaims typedClaims(JsonNode claims) throws TokenRejectedException {
        String org = requiredString(claims, "organization_slug");
        String pipeline = requiredString(claims, "pipeline_slug");
        String sub = requiredString(claims, "sub");
        String jti = requiredString(claims, "jti");
        String jobId = requiredString(claims, "job_id");
        JsonNode buildNumber = claims.get("build_number");
        if (buildNumber == null || buildNumber.isNull()) {
            throw reject(TokenRejection.CLAIM_MISSING, "claim 'build_number' is missing");
        }
        long build = wholeNumber(buildNumber, "build_number", "a whole number");
        Map<String, String> optional = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = claims.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (BuildkiteClaims.isRequestable(name)) {
                checkedName(name);
                String value = optionalString(claims, name);
                if (value != null) {
                    optional.put(name, value);
                }
            }
        }
        BuildkiteClaims typed = new BuildkiteClaims(
                requiredString(claims, "iss"),
                sub,
                jti,
                numericDate(claims, "iat", true),
                numericDate(claims, "exp", true),
                org,
                pipeline,
                build,
                optionalString(claims, "build_branch"),
                optionalString(claims, "build_tag"),
                optionalString(claims, "build_commit"),
                optionalString(claims, "step_key"),
                jobId,
                optionalString(claims, "agent_id"),
                optionalString(claims, "build_source"),
                optionalString(claims, "runner_environment"),
                optional);
        checkOrganization(typed);
        return typed;
    }

    /** The organization must be allowed and, when the deployment pins its id, carry that id. */
    private void checkOrganization(BuildkiteClaims claims) throws TokenRejectedException {
        String org = claims.organizationSlug();
        if (!policy.organizations().contains(org)) {
            throw reject(
                    TokenRejection.ORGANIZATION_NOT_ALLOWED, "organization '" + printable(org) + "' is not allowed");
        }
        String pinned = policy.organizationIds().get(org);
        if (pinned == null) {
            return;
        }
        String id = claims.value("organization_id");
        if (id == null) {
            throw reject(
                    TokenRejection.CLAIM_MISSING,
                    "claim 'organization_id' is missing; organization '" + org + "' is pinned to its id, "
                            + "so its jobs must request the claim (--claim organization_id)");
        }
        if (!pinned.equals(id)) {
            throw reject(
                    TokenRejection.ORGANIZATION_NOT_ALLOWED,
                    "organization '" + org + "' has organization_id " + printable(id) + ", not the pinned " + pinned);
        }
    }

    private static String requiredString(JsonNode claims, String name) throws TokenRejectedException {
        String value = optionalString(claims, name);
        if (value == null || value.isEmpty()) {
            throw reject(TokenRejection.CLAIM_MISSING, "claim '" + name + "' is missing");
        }
        return value;
    }

    /** A string claim, or null when it is absent or null; any other JSON type is refused. */
    private static String optionalString(JsonNode claims, String name) throws TokenRejectedException {
        JsonNode value = claims.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw reject(
                    TokenRejection.CLAIM_INVALID,
                    "claim '" + printable(name) + "' is not a string but "
                            + value.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return checked(name, value.asText());
    }

    /** A value kitevend keeps: bounded, no control characters, and valid UTF-16 (so it can be stored). */
    private static String checked(String name, String value) throws TokenRejectedException {
        if (value.length() > MAX_CLAIM_CHARS) {
            throw reject(
                    TokenRejection.CLAIM_INVALID,
                    "claim '" + printable(name) + "' is longer than " + MAX_CLAIM_CHARS + " characters");
        }
        if (Text.hasControls(value)) {
            throw reject(TokenRejection.CLAIM_INVALID, "claim '" + printable(name) + "' contains control characters");
        }
        if (!Text.isWellFormed(value)) {
            throw reject(
                    TokenRejection.CLAIM_INVALID, "claim '" + printable(name) + "' contains an unpaired surrogate");
        }
        return value;
    }

    /** An agent tag's claim name becomes a condition key and a session tag key: the same rules, and STS's length. */
    private static void checkedName(String name) throws TokenRejectedException {
        checked(name, name);
        if (name.length() > MAX_CLAIM_NAME_CHARS) {
            throw reject(
                    TokenRejection.CLAIM_INVALID,
                    "claim name '" + printable(name) + "' is longer than " + MAX_CLAIM_NAME_CHARS + " characters");
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
