package io.kitevend.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.ProblemType;
import io.kitevend.json.Json;
import io.kitevend.text.Text;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request to the admin API: the HTTP request, its query parameters (repeated parameters joined
 * with commas, as API Gateway does) and the caller its authorizer established; and how its parts
 * are read, each failing with the problem the caller gets.
 */
public record AdminRequest(HttpRequest http, Map<String, String> query, Caller caller) {
    /**
     * Every query parameter an admin route reads, and the only ones {@link #param} reads: the local
     * runner's conformance test checks that each reaches the function as API Gateway passes it.
     */
    public static final Set<String> QUERY_PARAMETERS =
            Set.of("organization", "pipeline", "decision", "from", "to", "limit", "page", "dry_run", "prune");

    private static final Pattern VERSION = Pattern.compile("\"?([0-9]{1,18})\"?");
    private static final Pattern LIMIT = Pattern.compile("[0-9]{1,4}");
    private static final Pattern JSON_TYPE = Pattern.compile("application/json\\s*(;.*)?");
    private static final Pattern DOCUMENT_TYPE =
            Pattern.compile("(application/json|application/yaml|text/yaml)\\s*(;.*)?");

    public AdminRequest {
        query = query == null ? Map.of() : Map.copyOf(query);
    }

    public String requestId() {
        return http.requestId();
    }

    public String method() {
        return http.method();
    }

    public String header(String name) {
        return http.header(name);
    }

    public String body() {
        return http.body();
    }

    /**
     * A query parameter, or null when absent or empty.
     *
     * @throws IllegalArgumentException for a name not in {@link #QUERY_PARAMETERS}
     */
    public String param(String name) {
        if (!QUERY_PARAMETERS.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is not one of AdminRequest.QUERY_PARAMETERS");
        }
        String v = query.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /** The version in If-Match ({@code "3"}, as the ETag gives it, or {@code 3}); null when absent. */
    Long ifMatch() throws AdminProblem {
        String raw = header("if-match");
        if (raw == null) {
            return null;
        }
        var m = VERSION.matcher(raw.strip());
        if (!m.matches()) {
            throw AdminProblem.malformed(
                    "If-Match must be the binding's ETag, such as \"3\" (one version; no * or lists)");
        }
        return Long.parseLong(m.group(1));
    }

    /** A true/false query parameter; false when absent. */
    boolean flag(String name) throws AdminProblem {
        String v = param(name);
        if (v == null) {
            return false;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw AdminProblem.malformed("'" + name + "' must be true or false");
        };
    }

    /** The {@code limit} parameter: a whole number from 1 to {@code max}; {@code fallback} when absent. */
    int limit(int fallback, int max) throws AdminProblem {
        String raw = param("limit");
        if (raw == null) {
            return fallback;
        }
        if (!LIMIT.matcher(raw).matches() || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > max) {
            throw AdminProblem.malformed("'limit' must be a whole number from 1 to " + max);
        }
        return Integer.parseInt(raw);
    }

    /** A JSON object body of at most {@code max} bytes, sent as application/json. */
    JsonNode jsonBody(int max) throws AdminProblem {
        String text = body(max, JSON_TYPE, "application/json");
        JsonNode node;
        try {
            node = Json.readTree(text);
        } catch (JsonProcessingException e) {
            throw AdminProblem.malformed("The body " + Text.printableAscii(Json.problem(e, "JSON"), 200) + ".");
        }
        if (node == null || !node.isObject()) {
            throw AdminProblem.malformed("The body must be a JSON object.");
        }
        return node;
    }

    /** A bindings document of at most {@code max} bytes, sent as YAML or JSON. */
    String documentBody(int max) throws AdminProblem {
        return body(max, DOCUMENT_TYPE, "application/yaml, text/yaml or application/json");
    }

    private String body(int max, Pattern types, String accepted) throws AdminProblem {
        String body = body();
        if (body == null || body.isBlank()) {
            throw AdminProblem.malformed("The request needs a body (" + accepted + ").");
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > max) {
            throw AdminProblem.of(ProblemType.PAYLOAD_TOO_LARGE, "The body must be at most " + max + " bytes.");
        }
        String type = header("content-type");
        if (type == null
                || !types.matcher(type.toLowerCase(Locale.ROOT).strip()).matches()) {
            throw AdminProblem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as " + accepted + ".");
        }
        return body;
    }
}
