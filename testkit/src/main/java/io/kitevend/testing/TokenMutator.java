package io.kitevend.testing;

import com.nimbusds.jose.JWSHeader;
import io.kitevend.json.Json;
import io.kitevend.text.Text;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Mutated Buildkite job tokens from one seed, each with what it must come to. A mutation of a
 * signed token's text (a byte flipped, inserted or dropped, padding, another base64 alphabet, stray
 * trailing bits, parts swapped or cut) is never re-signed, so it must be refused. A mutation of the
 * claims (a type changed, a huge or fractional number, odd Unicode, a claim dropped or added, the
 * JSON written another way, a duplicate or broken payload, a header parameter) is signed with the
 * issuer's real key, and must be refused or accepted as the rules of docs/api.md's "Claims kitevend
 * reads" say: {@link #verdict} is that oracle, written from the rules, not from the verifier.
 *
 * <p>Valid claims are those of {@link TokenMinter#claims()} (acme/deploy on main) with a fresh
 * {@code jti} each, so that a valid mutant is never refused as a replay. Times are chosen far
 * (a minute or more) from every limit, so the clock moving while a run goes on changes no verdict.
 */
public final class TokenMutator {
    /** What a mutant must come to: refused as a token (401), or verified (then judged by the bindings). */
    public enum Verdict {
        REFUSED,
        VERIFIED
    }

    /** One mutated token: the token, its verdict, and what was done (for a failure's message). */
    public record Mutant(String token, Verdict verdict, String mutation) {}

    /** How the verifier must read a claim, from the table of docs/api.md. */
    private enum Kind {
        ISSUER,
        AUDIENCE,
        TIME_REQUIRED,
        TIME_OPTIONAL,
        WHOLE_NUMBER,
        ORGANIZATION,
        REQUIRED_STRING,
        STRING
    }

    private static final Map<String, Kind> CLAIMS = claimKinds();
    private static final BigInteger TWO_53 = BigInteger.TWO.pow(53);
    private static final int MAX_CLAIM_CHARS = 1024;
    private static final int MAX_CLAIM_NAME_CHARS = 128;
    private static final long SKEW = 30;
    private static final long MAX_AGE = 900;
    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    /** Characters a text mutation puts in a token: the alphabet's own, and those that are not in it. */
    private static final String TEXT_BYTES = BASE64URL + "=+/. \t%\u00e9\u0000\n\u00ff\u20ac";

    private static final List<byte[]> INVALID_UTF8 = List.of(
            new byte[] {(byte) 0xC3, 0x28},
            new byte[] {(byte) 0x80},
            new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xC0, (byte) 0xAF},
            new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80});

    private final TokenMinter minter;
    private final SplittableRandom random;
    private String base;
    private int baseUses;

    /** Mutants for tokens of {@code minter} (whose audience and issuer the verifier expects), organization acme. */
    public TokenMutator(TokenMinter minter, long seed) {
        this.minter = minter;
        this.random = new SplittableRandom(seed);
    }

    public Mutant next() {
        int dice = random.nextInt(100);
        if (dice < 40) {
            return textMutant();
        }
        if (dice < 50) {
            return timeMutant();
        }
        if (dice < 56) {
            return buildNumberMutant();
        }
        if (dice < 70) {
            return claimValueMutant();
        }
        if (dice < 76) {
            return droppedClaimMutant();
        }
        if (dice < 84) {
            return addedClaimMutant();
        }
        if (dice < 91) {
            return rewrittenPayloadMutant();
        }
        return headerMutant();
    }

    // ------------------------------------------------------------------ text of a signed token

    private Mutant textMutant() {
        if (base == null || baseUses++ >= 16) {
            base = minter.sign(validClaims());
            baseUses = 0;
        }
        for (; ; ) {
            String[] parts = base.split("\\.", -1);
            int part = random.nextInt(3);
            String mutation;
            String token;
            switch (random.nextInt(10)) {
                case 0, 1 -> {
                    int at = random.nextInt(base.length());
                    char c = pick(TEXT_BYTES);
                    token = base.substring(0, at) + c + base.substring(at + 1);
                    mutation = "byte " + at + " set to " + describe(c);
                }
                case 2, 3 -> {
                    int at = random.nextInt(base.length() + 1);
                    char c = pick(TEXT_BYTES);
                    token = base.substring(0, at) + c + base.substring(at);
                    mutation = describe(c) + " inserted at " + at;
                }
                case 4 -> {
                    int at = random.nextInt(base.length());
                    token = base.substring(0, at) + base.substring(at + 1);
                    mutation = "byte " + at + " dropped";
                }
                case 5 -> {
                    parts[part] = parts[part] + "=".repeat(1 + random.nextInt(2));
                    token = String.join(".", parts);
                    mutation = "padding after part " + part;
                }
                case 6 -> {
                    parts[part] = parts[part].replace('-', '+').replace('_', '/');
                    token = String.join(".", parts);
                    mutation = "part " + part + " in the standard base64 alphabet";
                }
                case 7 -> {
                    String p = parts[part];
                    int spare = p.length() % 4;
                    if (spare != 2 && spare != 3) {
                        continue;
                    }
                    int last = BASE64URL.indexOf(p.charAt(p.length() - 1));
                    int bit = 1 << random.nextInt(spare == 2 ? 4 : 2);
                    parts[part] = p.substring(0, p.length() - 1) + BASE64URL.charAt(last ^ bit);
                    token = String.join(".", parts);
                    mutation = "unused trailing bits set in part " + part;
                }
                case 8 -> {
                    int at = 1 + random.nextInt(base.length() - 1);
                    token = base.substring(0, at);
                    mutation = "cut at " + at;
                }
                default -> {
                    switch (random.nextInt(4)) {
                        case 0 -> {
                            token = parts[0] + "." + parts[1] + ".";
                            mutation = "signature dropped";
                        }
                        case 1 -> {
                            token = parts[1] + "." + parts[0] + "." + parts[2];
                            mutation = "header and payload swapped";
                        }
                        case 2 -> {
                            token = base + "." + parts[2];
                            mutation = "a fourth part";
                        }
                        default -> {
                            token = parts[0] + parts[1] + "." + parts[2];
                            mutation = "a dot dropped";
                        }
                    }
                }
            }
            if (!token.strip().equals(base)) {
                return new Mutant(token, Verdict.REFUSED, "text: " + mutation);
            }
        }
    }

    // ------------------------------------------------------------------ claims, re-signed

    private Mutant timeMutant() {
        String claim = pick(List.of("exp", "iat", "nbf"));
        Value value = random.nextInt(3) == 0 ? plausibleTime(claim) : oddNumber();
        return signed("time", claim, value);
    }

    private Mutant buildNumberMutant() {
        Value value = random.nextInt(4) == 0
                ? Value.integer(BigInteger.valueOf(random.nextLong(0, 1_000_000_000L)))
                : oddNumber();
        return signed("build_number", "build_number", value);
    }

    private Mutant claimValueMutant() {
        String claim = pick(List.copyOf(CLAIMS.keySet()));
        Value value = random.nextInt(3) == 0 ? otherType() : Value.string(oddText());
        if (claim.equals("jti") && value.text() != null) {
            // A jti must stay unique, or a valid mutant would be refused as a replay.
            value = Value.string(UUID.randomUUID() + value.text());
        }
        return signed("value", claim, value);
    }

    private Mutant droppedClaimMutant() {
        String claim = pick(List.copyOf(CLAIMS.keySet()));
        Map<String, Object> claims = validClaims();
        claims.remove(claim);
        Verdict verdict = verdict(claim, Value.ABSENT);
        return new Mutant(minter.signJson(claims), verdict, "dropped " + claim);
    }

    private Mutant addedClaimMutant() {
        Map<String, Object> claims = validClaims();
        String mutation;
        Verdict verdict;
        switch (random.nextInt(3)) {
            case 0 -> {
                // A claim kitevend does not read is ignored, whatever it holds.
                String name = "x-" + oddText();
                Value value = random.nextBoolean() ? otherType() : Value.string(oddText());
                claims.put(name, value.json());
                mutation = "unread claim added";
                verdict = Verdict.VERIFIED;
            }
            case 1 -> {
                String name = "agent_tag:" + oddText();
                Value value = random.nextInt(4) == 0 ? otherType() : Value.string(oddText());
                String payload = Json.write(withPlaceholder(claims, value))
                        .replace(
                                "\"agent_tag:NAME\"",
                                RawJson.string(name).rawValue().toString());
                boolean nameKept = name.length() > "agent_tag:".length();
                boolean nameValid = name.length() <= MAX_CLAIM_NAME_CHARS && keepable(name);
                verdict = !nameKept ? Verdict.VERIFIED : nameValid ? verdict("agent_tag:", value) : Verdict.REFUSED;
                return new Mutant(
                        minter.signPayload(payload.getBytes(StandardCharsets.UTF_8)),
                        verdict,
                        "agent tag " + RawJson.string(name).rawValue() + " = " + value);
            }
            default -> {
                String claim = pick(List.of(
                        "organization_id",
                        "pipeline_id",
                        "build_id",
                        "cluster_id",
                        "cluster_name",
                        "queue_id",
                        "queue_key"));
                Value value = random.nextInt(3) == 0 ? otherType() : Value.string(oddText());
                claims.put(claim, value.json());
                mutation = "optional claim " + claim + " = " + value;
                verdict = verdict(claim, value);
            }
        }
        return new Mutant(minter.signJson(claims), verdict, mutation);
    }

    private static Map<String, Object> withPlaceholder(Map<String, Object> claims, Value value) {
        claims.put("agent_tag:NAME", value.json());
        return claims;
    }

    /** The same valid claims written another way, or a payload that is not one JSON object. */
    private Mutant rewrittenPayloadMutant() {
        Map<String, Object> claims = validClaims();
        String json = Json.write(claims);
        switch (random.nextInt(6)) {
            case 0 -> {
                return payload(
                        outsideStrings(json, c -> c == ',' || c == ':' ? " " + c + "\n\t " : "" + c),
                        Verdict.VERIFIED,
                        "whitespace");
            }
            case 1 -> {
                List<String> keys = new ArrayList<>(claims.keySet());
                Collections.shuffle(keys, new Random(random.nextLong()));
                Map<String, Object> shuffled = new LinkedHashMap<>();
                keys.forEach(k -> shuffled.put(k, claims.get(k)));
                return payload(Json.write(shuffled), Verdict.VERIFIED, "members in another order");
            }
            case 2 -> {
                // Every letter of the names and values escaped: the same strings.
                return payload(
                        insideStrings(json, c -> Character.isLetter(c) ? String.format("\\u%04x", (int) c) : "" + c),
                        Verdict.VERIFIED,
                        "letters escaped");
            }
            case 3 -> {
                String duplicate = json.substring(0, json.length() - 1) + ",\"organization_slug\":\"acme\"}";
                return payload(duplicate, Verdict.REFUSED, "a member twice");
            }
            case 4 -> {
                String broken = pick(List.of(
                        json + "x", json.substring(0, json.length() - 1), "[" + json + "]", "null", "", json + json));
                return payload(broken, Verdict.REFUSED, "not one JSON object");
            }
            default -> {
                // An invalid UTF-8 sequence inside the last string value: a byte that is not a
                // continuation, a lone continuation, an overlong form, an encoded surrogate.
                byte[] invalid = pick(INVALID_UTF8);
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                byte[] bad = new byte[bytes.length + invalid.length];
                System.arraycopy(bytes, 0, bad, 0, bytes.length - 2);
                System.arraycopy(invalid, 0, bad, bytes.length - 2, invalid.length);
                System.arraycopy(bytes, bytes.length - 2, bad, bytes.length - 2 + invalid.length, 2);
                return new Mutant(minter.signPayload(bad), Verdict.REFUSED, "payload not UTF-8");
            }
        }
    }

    /** {@code json} with each character outside its strings replaced by what {@code change} makes of it. */
    private static String outsideStrings(String json, Function<Character, String> change) {
        return rewrite(json, change, false);
    }

    /** {@code json} with each character inside its strings (not the quotes) replaced by what {@code change} makes of it. */
    private static String insideStrings(String json, Function<Character, String> change) {
        return rewrite(json, change, true);
    }

    private static String rewrite(String json, Function<Character, String> change, boolean inside) {
        StringBuilder out = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\\' && inString) {
                out.append(c).append(json.charAt(++i));
                continue;
            }
            if (c == '"') {
                inString = !inString;
                out.append(c);
                continue;
            }
            out.append(inString == inside ? change.apply(c) : "" + c);
        }
        return out.toString();
    }

    private Mutant payload(String json, Verdict verdict, String mutation) {
        return new Mutant(minter.signPayload(json.getBytes(StandardCharsets.UTF_8)), verdict, "payload: " + mutation);
    }

    private Mutant headerMutant() {
        Map<String, Object> claims = validClaims();
        Consumer<JWSHeader.Builder> change;
        Verdict verdict;
        String mutation;
        switch (random.nextInt(6)) {
            case 0 -> {
                String kid = TestKeys.randomKid();
                change = h -> h.keyID(kid);
                verdict = Verdict.REFUSED;
                mutation = "unknown kid";
            }
            case 1 -> {
                change = h -> h.jwkURL(URI.create("https://attacker.example/jwks"));
                verdict = Verdict.REFUSED;
                mutation = "jku";
            }
            case 2 -> {
                change = h -> h.criticalParams(Set.of("x-critical")).customParam("x-critical", 1);
                verdict = Verdict.REFUSED;
                mutation = "crit";
            }
            case 3 -> {
                change = h -> h.type(new com.nimbusds.jose.JOSEObjectType(oddText()));
                verdict = Verdict.VERIFIED;
                mutation = "another typ";
            }
            case 4 -> {
                change = h -> h.customParam("x-" + random.nextInt(1000), oddText());
                verdict = Verdict.VERIFIED;
                mutation = "an unread header parameter";
            }
            default -> {
                change = h -> h.keyID("");
                verdict = Verdict.REFUSED;
                mutation = "empty kid";
            }
        }
        return new Mutant(minter.sign(claims, change), verdict, "header: " + mutation);
    }

    private Mutant signed(String family, String claim, Value value) {
        Map<String, Object> claims = validClaims();
        claims.put(claim, value.json());
        return new Mutant(minter.signJson(claims), verdict(claim, value), family + ": " + claim + " = " + value);
    }

    // ------------------------------------------------------------------ values

    /** A value as written in the payload, and what it is: absent or null, a string, an integer, or anything else. */
    private record Value(Object json, String text, BigInteger integer, boolean absent) {
        static final Value ABSENT = new Value(null, null, null, true);
        private static final java.util.regex.Pattern INTEGER_LITERAL =
                java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)");

        static Value string(String s) {
            return new Value(RawJson.string(s), s, null, false);
        }

        static Value integer(BigInteger n) {
            return new Value(RawJson.of(n.toString()), null, n, false);
        }

        /**
         * A value written as {@code json}: an integer literal is an integer ({@code -0} too), and
         * {@code null} is written out, a claim present as null (which counts as absent).
         */
        static Value other(String json) {
            if (json.equals("null")) {
                return new Value(RawJson.of(json), null, null, true);
            }
            BigInteger integer = INTEGER_LITERAL.matcher(json).matches() ? new BigInteger(json) : null;
            return new Value(RawJson.of(json), null, integer, false);
        }

        @Override
        public String toString() {
            return absent
                    ? "null"
                    : text != null ? RawJson.string(text).rawValue().toString() : json.toString();
        }
    }

    private Value oddNumber() {
        long now = Instant.now().getEpochSecond();
        BigInteger wrap =
                BigInteger.TWO.pow(64).add(BigInteger.valueOf(now * 1000)).divide(BigInteger.valueOf(1000));
        return switch (random.nextInt(12)) {
            case 0 -> Value.other("1e19");
            case 1 -> Value.integer(BigInteger.valueOf(Long.MAX_VALUE));
            case 2 -> Value.integer(wrap.add(BigInteger.valueOf(random.nextInt(600))));
            case 3 -> Value.integer(TWO_53.add(BigInteger.valueOf(random.nextInt(3) - 1)));
            case 4 -> Value.integer(BigInteger.TWO.pow(63 + random.nextInt(3)));
            case 5 -> Value.integer(BigInteger.valueOf(-1 - random.nextInt(1000)));
            case 6 -> Value.other(now + "." + random.nextInt(1000));
            case 7 -> Value.other(random.nextInt(1, 10) + "e" + random.nextInt(20));
            case 8 -> Value.string(Long.toString(now));
            case 9 -> Value.other(pick(List.of("true", "false", "null", "[]", "{}", "[" + now + "]")));
            case 10 -> Value.other("-0");
            default -> Value.integer(new BigInteger(70, new java.util.Random(random.nextLong())));
        };
    }

    /** A time that is valid or not by the clock alone, at least a minute away from every limit. */
    private Value plausibleTime(String claim) {
        long now = Instant.now().getEpochSecond();
        long offset = pick(List.of(-86_400L, -5_000L, -120L, 120L, 5_000L, 86_400L));
        if (claim.equals("exp") && offset == -120L) {
            offset = -600L; // the skew is 30 s: keep well clear of it
        }
        return Value.integer(BigInteger.valueOf(now + offset));
    }

    private Value otherType() {
        return Value.other(pick(List.of(
                "0",
                "42",
                "-7",
                "1.5",
                "1e3",
                "18446744073709551616",
                "true",
                "false",
                "null",
                "[]",
                "[\"main\"]",
                "{}",
                "{\"a\":\"b\"}")));
    }

    /** Text of every kind: plain, control characters, unpaired surrogates, astral letters, long. */
    private String oddText() {
        return switch (random.nextInt(10)) {
            case 0 -> "main";
            case 1 -> "feature/" + random.nextInt(1000);
            case 2 -> "\u00e9t\u00e9 \uD83D\uDE80 \u4e2d";
            case 3 -> "a\u0000b";
            case 4 -> "x" + (char) (0xD800 + random.nextInt(0x800));
            case 5 -> (char) (0xDC00 + random.nextInt(0x400)) + "y";
            case 6 -> "\u202Eevil\uFEFF";
            case 7 -> "b".repeat(MAX_CLAIM_CHARS - 1 + random.nextInt(3));
            case 8 -> "tab\there";
            default -> {
                StringBuilder s = new StringBuilder();
                int n = random.nextInt(12);
                for (int i = 0; i < n; i++) {
                    s.append((char) random.nextInt(0x10000));
                }
                yield s.toString();
            }
        };
    }

    // ------------------------------------------------------------------ the oracle

    /** Whether this claim with this value lets the token through, by the rules of docs/api.md. */
    private static Verdict verdict(String claim, Value v) {
        Kind kind = CLAIMS.getOrDefault(claim, Kind.STRING);
        boolean ok = switch (kind) {
            case ISSUER, AUDIENCE -> false; // only ever changed to something else
            case ORGANIZATION -> "acme".equals(v.text());
            case TIME_REQUIRED, TIME_OPTIONAL -> {
                if (v.absent()) {
                    yield kind == Kind.TIME_OPTIONAL;
                }
                yield inRange(v.integer())
                        && judgedByTheClock(claim, v.integer().longValueExact());
            }
            case WHOLE_NUMBER -> inRange(v.integer());
            case REQUIRED_STRING -> v.text() != null && !v.text().isEmpty() && keepable(v.text());
            case STRING -> v.absent() || (v.text() != null && keepable(v.text()));
        };
        return ok ? Verdict.VERIFIED : Verdict.REFUSED;
    }

    /**
     * A time claim replaced on its own (the others keep their valid values), judged as the verifier
     * must: {@code exp} not passed, {@code nbf} and {@code iat} not in the future, {@code iat} not
     * older than the maximum age, each with the skew. {@link #plausibleTime} keeps a minute away from
     * each limit, so that this is exact whenever the verifier looks.
     */
    private static boolean judgedByTheClock(String claim, long seconds) {
        long now = Instant.now().getEpochSecond();
        return switch (claim) {
            case "exp" -> seconds + SKEW > now;
            case "nbf" -> seconds <= now + SKEW;
            default -> seconds <= now + SKEW && seconds + MAX_AGE + SKEW >= now;
        };
    }

    private static boolean inRange(BigInteger n) {
        return n != null && n.signum() >= 0 && n.compareTo(TWO_53) < 0;
    }

    private static boolean keepable(String s) {
        return s.length() <= MAX_CLAIM_CHARS && !Text.hasControls(s) && Text.isWellFormed(s);
    }

    private Map<String, Object> validClaims() {
        Map<String, Object> c = minter.claims();
        c.put("jti", UUID.randomUUID().toString());
        return c;
    }

    private static Map<String, Kind> claimKinds() {
        Map<String, Kind> m = new LinkedHashMap<>();
        m.put("iss", Kind.ISSUER);
        m.put("aud", Kind.AUDIENCE);
        m.put("exp", Kind.TIME_REQUIRED);
        m.put("iat", Kind.TIME_REQUIRED);
        m.put("nbf", Kind.TIME_OPTIONAL);
        m.put("sub", Kind.REQUIRED_STRING);
        m.put("jti", Kind.REQUIRED_STRING);
        m.put("job_id", Kind.REQUIRED_STRING);
        m.put("pipeline_slug", Kind.REQUIRED_STRING);
        m.put("organization_slug", Kind.ORGANIZATION);
        m.put("build_number", Kind.WHOLE_NUMBER);
        for (String s : List.of(
                "build_branch",
                "build_tag",
                "build_commit",
                "step_key",
                "agent_id",
                "build_source",
                "runner_environment",
                "organization_id",
                "pipeline_id",
                "cluster_name",
                "queue_key",
                "agent_tag:queue")) {
            m.put(s, Kind.STRING);
        }
        // In this order always, so that one seed gives one sequence of mutants.
        return java.util.Collections.unmodifiableMap(m);
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private char pick(String chars) {
        return chars.charAt(random.nextInt(chars.length()));
    }

    private static String describe(char c) {
        return c >= 0x21 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
