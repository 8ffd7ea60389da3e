package io.kitevend.admin;

import io.kitevend.http.HttpRequest;
import java.util.Map;

/**
 * A request to the admin API: the HTTP request, its query parameters (repeated parameters joined
 * with commas, as API Gateway does) and the caller its authorizer established.
 */
public record AdminRequest(HttpRequest http, Map<String, String> query, Caller caller) {
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

    /** A query parameter, or null when absent or empty. */
    public String param(String name) {
        String v = query.get(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
