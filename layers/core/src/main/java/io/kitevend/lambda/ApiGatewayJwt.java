package io.kitevend.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.admin.Caller;
import io.kitevend.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What API Gateway's JWT authorizer hands the function: the verified token's claims with every
 * value flattened to a string ({@link #flatten}), and the request's Authorization header, which
 * holds that token. Flattening loses structure (a group named {@code a b} and the groups {@code a}
 * and {@code b} both arrive as {@code [a b]}), so the caller's claims are read from the token
 * itself, once it is shown to be the one the authorizer verified: its {@code iss}, {@code sub},
 * {@code aud}, {@code exp} and {@code iat} equal the authorizer's. The function does not verify
 * the signature again; API Gateway did, on this same header.
 */
public final class ApiGatewayJwt {
    /** The claims that tie the token in the header to the authorizer's context. */
    static final List<String> CROSS_CHECKED = List.of("iss", "sub", "aud", "exp", "iat");

    private static final int MAX_TOKEN = 16 * 1024;

    private ApiGatewayJwt() {}

    /**
     * A claim's value as API Gateway passes it to the function: always a string; a whole number
     * as digits, a list as {@code [a b c]}, an object as {@code map[k:v]}.
     */
    public static String flatten(Object value) {
        return switch (value) {
            case String s -> s;
            case Double d when d == Math.rint(d) && !d.isInfinite() -> Long.toString(d.longValue());
            case Float f when f == Math.rint(f) && !f.isInfinite() -> Long.toString(f.longValue());
            case Collection<?> list ->
                "[" + String.join(" ", list.stream().map(ApiGatewayJwt::flatten).toList()) + "]";
            case Map<?, ?> map -> {
                List<String> entries = new ArrayList<>();
                new TreeMap<>(map).forEach((k, v) -> entries.add(k + ":" + flatten(v)));
                yield "map[" + String.join(" ", entries) + "]";
            }
            default -> value.toString();
        };
    }

    /**
     * The caller of a request the JWT authorizer let through: the claims of the token in {@code
     * authorization} (with or without {@code Bearer }) when it is the token the authorizer's
     * {@code claims} come from, else no caller, saying why.
     */
    static Caller caller(Map<String, String> claims, String authorization) {
        Map<String, Object> token = payload(authorization);
        if (token == null) {
            return new Caller.None("the Authorization header holds no JWT, though a JWT authorizer context is present");
        }
        for (String name : CROSS_CHECKED) {
            if (!agrees(name, claims.get(name), token.get(name))) {
                return new Caller.None("the JWT in the Authorization header is not the one the authorizer verified ("
                        + name + " differs)");
            }
        }
        return new Caller.Jwt(token);
    }

    /** The authorizer's string for a claim against the token's value; one audience may be a string or a list of one. */
    private static boolean agrees(String name, String passed, Object value) {
        if (value == null) {
            return passed == null;
        }
        if (passed == null) {
            return false;
        }
        if (name.equals("aud")
                && value instanceof List<?> list
                && list.size() == 1
                && passed.equals(flatten(list.getFirst()))) {
            return true;
        }
        if (name.equals("aud") && value instanceof String s && passed.equals("[" + s + "]")) {
            return true;
        }
        return passed.equals(flatten(value));
    }

    /** The claims of a compact JWS's payload as JSON values, or null when it is not one. */
    private static Map<String, Object> payload(String authorization) {
        if (authorization == null) {
            return null;
        }
        String token = authorization.strip();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).strip();
        }
        String[] parts = token.split("\\.", -1);
        if (token.length() > MAX_TOKEN || parts.length != 3 || parts[1].isEmpty()) {
            return null;
        }
        try {
            JsonNode json = Json.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            if (json == null || !json.isObject()) {
                return null;
            }
            Map<String, Object> claims =
                    Json.mapper().convertValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
            claims.values().removeIf(Objects::isNull);
            return claims;
        } catch (IllegalArgumentException | JsonProcessingException notAJwt) {
            return null;
        }
    }
}
