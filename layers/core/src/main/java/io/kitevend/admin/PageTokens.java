package io.kitevend.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The opaque {@code next_page} tokens of the admin API: the query a page belongs to and where the
 * next page starts, as base64url JSON. A token is only accepted for the query it was made for.
 */
final class PageTokens {
    private static final int MAX_TOKEN = 2048;

    private PageTokens() {}

    /** Encodes the query's parameters and the position to continue after. */
    static String encode(String kind, Map<String, String> query, String after) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("k", kind);
        ObjectNode q = n.putObject("q");
        query.forEach((k, v) -> {
            if (v != null) {
                q.put(k, v);
            }
        });
        n.put("a", after);
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Json.write(n).getBytes(StandardCharsets.UTF_8));
    }

    /** A decoded token: the query it belongs to and the position to continue after. */
    record Decoded(Map<String, String> query, String after) {
        /** The query's value of a parameter, or null. */
        String get(String name) {
            return query.get(name);
        }

        /** True when the request repeats the token's value for {@code name}, or leaves it out. */
        boolean agrees(String name, String requestValue) {
            return requestValue == null || Objects.equals(requestValue, query.get(name));
        }
    }

    /**
     * Decodes a token of {@code kind} whose position is one {@code position} accepts (a token is
     * opaque to callers, so anything else in it was not made here).
     */
    static Decoded decode(String kind, String token, Predicate<String> position) throws AdminProblem {
        if (token.length() > MAX_TOKEN) {
            throw AdminProblem.malformed("'page' is not a page token of this query");
        }
        try {
            JsonNode n = Json.readTree(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            if (n == null
                    || !n.isObject()
                    || !kind.equals(n.path("k").asText())
                    || !n.path("a").isTextual()
                    || !position.test(n.path("a").asText())
                    || !n.path("q").isObject()) {
                throw AdminProblem.malformed("'page' is not a page token of this query");
            }
            Map<String, String> query = new HashMap<>();
            n.get("q")
                    .fields()
                    .forEachRemaining(e -> query.put(e.getKey(), e.getValue().asText()));
            return new Decoded(query, n.get("a").asText());
        } catch (AdminProblem e) {
            throw e;
        } catch (Exception e) {
            throw AdminProblem.malformed("'page' is not a page token of this query");
        }
    }
}
