package io.kitevend.admin;

import io.kitevend.http.HttpRequest;
import java.util.Map;
import java.util.Set;

/**
 * A request to the admin API: the HTTP request, its query parameters (repeated parameters joined
 * with commas, as API Gateway does) and the caller its authorizer established.
 */
public record AdminRequest(HttpRequest http, Map<String, String> query, Caller caller) {
    /**
     * Every query parameter an admin route reads, and the only ones {@link #param} reads: the local
     * runner's conformance test checks that each reaches the function as API Gateway passes it.
     */
    public static final Set<String> QUERY_PARAMETERS =
            Set.of("organization", "pipeline", "decision", "from", "to", "limit", "page", "dry_run", "prune");

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
}
