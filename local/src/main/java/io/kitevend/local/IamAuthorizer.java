package io.kitevend.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * API Gateway's {@code AWS_IAM} authorization, simulated for the local runner: a request to an
 * IAM-protected route must carry a SigV4 signature (service {@code execute-api}, the runner's
 * region) made with one of the configured access keys. The signature is recomputed over the
 * received request as SigV4 defines it, the signing time taken from {@code X-Amz-Date},
 * and compared in constant time. Whatever the reason for a refusal, the caller sees what API
 * Gateway answers: 403 {@code {"message":"Forbidden"}}; the reason is only for the runner's log.
 *
 * <p>Each access key stands for one principal ARN; a successful check yields the
 * {@code requestContext.authorizer.iam} block API Gateway would give the function.
 *
 * <p>Limit of the simulation: only the Authorization header form is accepted (no presigned
 * query strings).
 */
public final class IamAuthorizer {
    public static final String SERVICE = "execute-api";
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** How far X-Amz-Date may be from the runner's clock, either way. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** API Gateway's answer to a request it does not authorize. */
    public static final String FORBIDDEN_BODY = "{\"message\":\"Forbidden\"}";
    /** The principal of the key the runner makes when none is configured. */
    public static final String LOCAL_ADMIN_ARN = "arn:aws:sts::000000000000:assumed-role/kitevend-local-admin/dev";

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern AMZ_DATE_SHAPE = Pattern.compile("\\d{8}T\\d{6}Z");
    private static final Pattern SIGNATURE_SHAPE = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");
    private static final Pattern ACCESS_KEY_SHAPE = Pattern.compile("[A-Z0-9]{16,128}");
    private static final Pattern PRINCIPAL_SHAPE = Pattern.compile("arn:aws[a-z-]*:(iam|sts)::(\\d{12}):(\\S+)");

    /** One access key the runner accepts, the principal it stands for and, for temporary keys, the session token. */
    public record AccessKey(String accessKeyId, String secretAccessKey, String principalArn, String sessionToken) {
        public AccessKey {
            if (accessKeyId == null || !ACCESS_KEY_SHAPE.matcher(accessKeyId).matches()) {
                throw new IllegalArgumentException("an access key id is 16 or more upper-case letters and digits");
            }
            if (secretAccessKey == null
                    || secretAccessKey.isBlank()
                    || secretAccessKey.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(
                        "the secret access key of " + accessKeyId + " is empty or has spaces");
            }
            if (principalArn == null || !PRINCIPAL_SHAPE.matcher(principalArn).matches()) {
                throw new IllegalArgumentException("the principal of " + accessKeyId
                        + " must be an IAM or STS ARN such as arn:aws:iam::123456789012:user/alice or "
                        + "arn:aws:sts::123456789012:assumed-role/Admins/alice");
            }
            if (sessionToken != null && sessionToken.isBlank()) {
                sessionToken = null;
            }
        }

        public AccessKey(String accessKeyId, String secretAccessKey, String principalArn) {
            this(accessKeyId, secretAccessKey, principalArn, null);
        }

        /** Never shows the secret or the session token. */
        @Override
        public String toString() {
            return "AccessKey[" + accessKeyId + " -> " + principalArn + "]";
        }
    }

    /** The caller, as API Gateway describes it in {@code requestContext.authorizer.iam}. */
    public record Caller(String accessKey, String accountId, String userArn, String userId, String callerId) {
        APIGatewayV2HTTPEvent.RequestContext.IAM toIam() {
            return APIGatewayV2HTTPEvent.RequestContext.IAM
                    .builder()
                    .withAccessKey(accessKey)
                    .withAccountId(accountId)
                    .withUserArn(userArn)
                    .withUserId(userId)
                    .withCallerId(callerId)
                    .build();
        }
    }

    /** The outcome of one check. */
    public sealed interface Result permits Allowed, Denied {}

    public record Allowed(Caller caller) implements Result {}

    /** Refused; {@code reason} is a short code for the runner's request log, never shown to the caller. */
    public record Denied(String reason) implements Result {}

    private final Map<String, AccessKey> keys;
    private final String region;
    private final Clock clock;

    public IamAuthorizer(Collection<AccessKey> keys, String region, Clock clock) {
        Map<String, AccessKey> byId = new LinkedHashMap<>();
        for (AccessKey k : keys) {
            if (byId.putIfAbsent(k.accessKeyId(), k) != null) {
                throw new IllegalArgumentException("access key " + k.accessKeyId() + " is configured twice");
            }
        }
        if (byId.isEmpty()) {
            throw new IllegalArgumentException("no access keys configured");
        }
        this.keys = Map.copyOf(byId);
        this.region = region;
        this.clock = clock;
    }

    public List<AccessKey> keys() {
        return List.copyOf(keys.values());
    }

    public String region() {
        return region;
    }

    /**
     * Checks one received request.
     *
     * @param rawPath the path exactly as received (still percent-encoded)
     * @param rawQuery the query exactly as received, or null
     * @param headers the received headers (names in any case; repeated headers as several values)
     */
    public Result authorize(
            String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) ->
                h.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));

        List<String> authorizations = h.getOrDefault("authorization", List.of());
        if (authorizations.isEmpty()) {
            return new Denied("missing_authorization");
        }
        if (authorizations.size() > 1) {
            return new Denied("malformed_authorization");
        }
        ParsedAuthorization auth = ParsedAuthorization.parse(authorizations.get(0));
        if (auth == null) {
            return new Denied("malformed_authorization");
        }
        if (!auth.service().equals(SERVICE)) {
            return new Denied("wrong_service");
        }
        if (!auth.region().equals(region)) {
            return new Denied("wrong_region");
        }

        String amzDate = single(h, "x-amz-date");
        if (amzDate == null) {
            return new Denied("missing_date");
        }
        Instant signedAt;
        try {
            if (!AMZ_DATE_SHAPE.matcher(amzDate).matches()) {
                return new Denied("malformed_date");
            }
            signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            return new Denied("malformed_date");
        }
        if (!amzDate.startsWith(auth.date())) {
            return new Denied("date_not_in_scope");
        }
        Duration skew = Duration.between(signedAt, clock.instant()).abs();
        if (skew.compareTo(MAX_CLOCK_SKEW) > 0) {
            return new Denied("clock_skew");
        }

        AccessKey key = keys.get(auth.accessKeyId());
        if (key == null) {
            return new Denied("unknown_access_key");
        }

        String contentSha = single(h, "x-amz-content-sha256");
        if (contentSha != null && !contentSha.equals(sha256Hex(body))) {
            return new Denied("body_hash_mismatch");
        }

        List<String> tokens = h.getOrDefault("x-amz-security-token", List.of());
        if (tokens.size() > 1) {
            return new Denied("malformed_security_token");
        }
        String token = tokens.isEmpty() ? null : tokens.get(0);
        if (key.sessionToken() == null && token != null) {
            return new Denied("unexpected_security_token");
        }
        if (key.sessionToken() != null) {
            if (token == null) {
                return new Denied("missing_security_token");
            }
            if (!constantTimeEquals(token, key.sessionToken())) {
                return new Denied("invalid_security_token");
            }
        }

        if (!auth.signedHeaders().contains("host")) {
            return new Denied("host_not_signed");
        }
        for (String name : auth.signedHeaders()) {
            if (!h.containsKey(name)) {
                return new Denied("signed_header_missing");
            }
        }

        // A session token must be covered by the signature, or anyone who sees it could add it.
        if (token != null && !auth.signedHeaders().contains("x-amz-security-token")) {
            return new Denied("signed_headers_mismatch");
        }
        String expected = expectedSignature(key, auth, method, rawPath, rawQuery, h, body, amzDate);
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), auth.signature().getBytes(StandardCharsets.US_ASCII))) {
            return new Denied("signature_mismatch");
        }
        return new Allowed(callerOf(key));
    }

    /**
     * The signature the key would give this request, computed as SigV4 defines it for services
     * other than S3: the canonical request over the received method, path (each segment encoded once
     * more), sorted query, the headers the client chose to sign and the payload hash; then the
     * string to sign and the derived signing key. Clients that sign {@code x-amz-content-sha256}
     * (AWS SDKs) and those that do not (botocore) are both accepted, as API Gateway accepts them.
     */
    static String expectedSignature(
            AccessKey key,
            ParsedAuthorization auth,
            String method,
            String rawPath,
            String rawQuery,
            Map<String, List<String>> h,
            byte[] body,
            String amzDate) {
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : auth.signedHeaders()) {
            List<String> values = h.get(name).stream()
                    .map(v -> v.strip().replaceAll("\\s+", " "))
                    .toList();
            canonicalHeaders
                    .append(name)
                    .append(':')
                    .append(String.join(",", values))
                    .append('\n');
        }
        String contentSha = single(h, "x-amz-content-sha256");
        String canonicalRequest = method + "\n"
                + canonicalUri(rawPath) + "\n"
                + canonicalQuery(rawQuery) + "\n"
                + canonicalHeaders + "\n"
                + String.join(";", auth.signedHeaders()) + "\n"
                + (contentSha != null ? contentSha : sha256Hex(body));
        String scope = auth.date() + "/" + auth.region() + "/" + auth.service() + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
                + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        byte[] signingKey = hmac(("AWS4" + key.secretAccessKey()).getBytes(StandardCharsets.UTF_8), auth.date());
        signingKey = hmac(signingKey, auth.region());
        signingKey = hmac(signingKey, auth.service());
        signingKey = hmac(signingKey, "aws4_request");
        return HexFormat.of().formatHex(hmac(signingKey, stringToSign));
    }

    /** Each segment of the path as received (encoded once by the client) is encoded once more. */
    private static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        String[] segments = rawPath.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(uriEncode(segments[i]));
        }
        return out.toString();
    }

    /** Parameters decoded, encoded strictly, and sorted by name, then value. */
    private static String canonicalQuery(String rawQuery) {
        List<String[]> params = new ArrayList<>();
        for (Map.Entry<String, String> pair : RawQuery.pairs(rawQuery)) {
            params.add(
                    new String[] {uriEncode(percentDecode(pair.getKey())), uriEncode(percentDecode(pair.getValue()))});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder out = new StringBuilder();
        for (String[] p : params) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(p[0]).append('=').append(p[1]);
        }
        return out.toString();
    }

    /** RFC 3986 encoding: only A-Z a-z 0-9 - _ . ~ stay as they are. */
    private static String uriEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static String percentDecode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fields of a SigV4 Authorization header. */
    record ParsedAuthorization(
            String accessKeyId,
            String date,
            String region,
            String service,
            List<String> signedHeaders,
            String signature) {

        /** Null when the header is not a well-formed AWS4-HMAC-SHA256 authorization. */
        static ParsedAuthorization parse(String header) {
            if (header == null || !header.startsWith(ALGORITHM + " ")) {
                return null;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String part : header.substring(ALGORITHM.length() + 1).split(",", -1)) {
                String p = part.strip();
                int eq = p.indexOf('=');
                if (eq <= 0 || fields.put(p.substring(0, eq), p.substring(eq + 1)) != null) {
                    return null;
                }
            }
            String credential = fields.get("Credential");
            String signedHeaders = fields.get("SignedHeaders");
            String signature = fields.get("Signature");
            if (fields.size() != 3 || credential == null || signedHeaders == null || signature == null) {
                return null;
            }
            String[] scope = credential.split("/", -1);
            if (scope.length != 5
                    || scope[0].isEmpty()
                    || !scope[1].matches("\\d{8}")
                    || scope[2].isEmpty()
                    || scope[3].isEmpty()
                    || !scope[4].equals("aws4_request")) {
                return null;
            }
            if (!SIGNATURE_SHAPE.matcher(signature).matches()) {
                return null;
            }
            List<String> names = List.of(signedHeaders.split(";", -1));
            for (int i = 0; i < names.size(); i++) {
                if (!HEADER_NAME.matcher(names.get(i)).matches()
                        || (i > 0 && names.get(i - 1).compareTo(names.get(i)) >= 0)) {
                    return null; // SigV4 lists signed headers lower-case, sorted, once each
                }
            }
            return new ParsedAuthorization(scope[0], scope[1], scope[2], scope[3], names, signature);
        }
    }

    /**
     * What API Gateway reports for a principal: the account from the ARN; for an assumed role the
     * role's unique id and the session name ({@code AROA…:session}), for a user its unique id
     * ({@code AIDA…}), for the root the account. Unique ids are derived from the ARN, so they are
     * stable across runs.
     */
    static Caller callerOf(AccessKey key) {
        var m = PRINCIPAL_SHAPE.matcher(key.principalArn());
        if (!m.matches()) {
            throw new IllegalStateException("unchecked principal " + key.principalArn());
        }
        String account = m.group(2);
        String resource = m.group(3);
        String userId;
        if (resource.startsWith("assumed-role/")) {
            String[] parts = resource.split("/", -1);
            String session = parts[parts.length - 1];
            String role = resource.substring("assumed-role/".length(), resource.length() - session.length() - 1);
            userId = "AROA" + uniqueId(m.group(1) + ":" + account + ":role/" + role) + ":" + session;
        } else if (resource.equals("root")) {
            userId = account;
        } else if (resource.startsWith("user/")) {
            userId = "AIDA" + uniqueId(key.principalArn());
        } else {
            userId = account + ":" + resource.substring(resource.lastIndexOf('/') + 1);
        }
        return new Caller(key.accessKeyId(), account, key.principalArn(), userId, userId);
    }

    private static String uniqueId(String of) {
        byte[] hash = sha256(of.getBytes(StandardCharsets.UTF_8));
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            sb.append(alphabet.charAt((hash[i] & 0xff) % 32));
        }
        return sb.toString();
    }

    /** {@code AKID:SECRET:PRINCIPAL_ARN} (the ARN may itself contain colons). */
    public static AccessKey parseKey(String spec) {
        String[] parts = spec.split(":", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("--admin-key takes ACCESS_KEY_ID:SECRET_ACCESS_KEY:PRINCIPAL_ARN");
        }
        return new AccessKey(parts[0].strip(), parts[1].strip(), parts[2].strip());
    }

    /**
     * A keys file: one key a line, {@code ACCESS_KEY_ID SECRET_ACCESS_KEY PRINCIPAL_ARN [SESSION_TOKEN]},
     * separated by spaces or tabs; blank lines and lines starting with # are ignored.
     */
    public static List<AccessKey> readKeysFile(Path file) throws IOException {
        List<AccessKey> keys = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+", -1);
            if (f.length != 3 && f.length != 4) {
                throw new IllegalArgumentException(file + " line " + (i + 1)
                        + ": expected ACCESS_KEY_ID SECRET_ACCESS_KEY PRINCIPAL_ARN [SESSION_TOKEN]");
            }
            try {
                keys.add(new AccessKey(f[0], f[1], f[2], f.length == 4 ? f[3] : null));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return keys;
    }

    /** A fresh random key for {@link #LOCAL_ADMIN_ARN}, for a runner started without keys. */
    public static AccessKey generateLocalAdminKey(SecureRandom random) {
        String upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder id = new StringBuilder("AKIALOCAL");
        for (int i = 0; i < 11; i++) {
            id.append(upper.charAt(random.nextInt(upper.length())));
        }
        String secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            secret.append(secretAlphabet.charAt(random.nextInt(secretAlphabet.length())));
        }
        return new AccessKey(id.toString(), secret.toString(), LOCAL_ADMIN_ARN);
    }

    private static String single(Map<String, List<String>> h, String name) {
        List<String> v = h.get(name);
        return v == null || v.size() != 1 ? null : v.get(0).strip();
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] data) {
        return HexFormat.of().formatHex(sha256(data));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
