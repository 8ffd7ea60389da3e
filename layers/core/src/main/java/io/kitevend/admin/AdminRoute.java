package io.kitevend.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API's one route table: method and path template of every route, in API Gateway's
 * route-key form ({@code GET /v1/admin/bindings/{organization}/{name}}). The function routes by it,
 * the local runner mounts it, and the template test holds {@code template.yaml} to it route by
 * route, on the IAM-authorized API and on the optional JWT one.
 */
public enum AdminRoute {
    LIST_BINDINGS("GET", "/v1/admin/bindings"),
    GET_BINDING("GET", "/v1/admin/bindings/{organization}/{name}"),
    PUT_BINDING("PUT", "/v1/admin/bindings/{organization}/{name}"),
    DELETE_BINDING("DELETE", "/v1/admin/bindings/{organization}/{name}"),
    APPLY("POST", "/v1/admin/apply"),
    EXPLAIN("POST", "/v1/admin/explain"),
    QUERY_AUDIT("GET", "/v1/admin/audit"),
    /**
     * One request's audit records. A request id may hold {@code /} (API Gateway's are base64): sent
     * as {@code %2F} it stays in the one segment API Gateway matches, and the function, which sees
     * the decoded path, takes the rest of the path as the id.
     */
    GET_AUDIT_RECORD("GET", "/v1/admin/audit/{request_id}");

    public static final String PREFIX = "/v1/admin";

    private final String method;
    private final String path;
    private final List<String> segments;

    AdminRoute(String method, String path) {
        this.method = method;
        this.path = path;
        this.segments = List.of(path.substring(1).split("/"));
    }

    public String method() {
        return method;
    }

    /** The path template, parameters as {@code {name}}. */
    public String path() {
        return path;
    }

    /** {@code METHOD /path}, as API Gateway and SAM spell a route. */
    public String routeKey() {
        return method + " " + path;
    }

    /** Every route key, in table order. */
    public static List<String> routeKeys() {
        return Arrays.stream(values()).map(AdminRoute::routeKey).toList();
    }

    /**
     * Where a request goes: a route and its path parameters, or no route with the status to answer
     * (405 with the methods the path allows, 404).
     */
    public record Resolution(AdminRoute route, Map<String, String> parameters, int status, String allow) {
        public String parameter(String name) {
            return parameters.get(name);
        }
    }

    /**
     * Resolves a request by method and decoded path. The path may carry a stage before {@code
     * /v1/admin/} (as API Gateway's does on a named stage); a parameter matches one non-empty
     * segment, the last one of {@link #GET_AUDIT_RECORD} the rest of the path.
     */
    public static Resolution resolve(String method, String path) {
        String p = path == null ? "" : path;
        int at = p.indexOf(PREFIX + "/");
        if (at < 0) {
            return new Resolution(null, Map.of(), 404, null);
        }
        String[] parts = p.substring(at + 1).split("/", -1);
        List<String> allowed = new ArrayList<>();
        for (AdminRoute route : values()) {
            Map<String, String> parameters = route.bind(parts);
            if (parameters == null) {
                continue;
            }
            if (route.method.equals(method)) {
                return new Resolution(route, parameters, 200, null);
            }
            if (!allowed.contains(route.method)) {
                allowed.add(route.method);
            }
        }
        return allowed.isEmpty()
                ? new Resolution(null, Map.of(), 404, null)
                : new Resolution(null, Map.of(), 405, String.join(", ", allowed));
    }

    /** The path parameters when {@code parts} fits this route's template, else null. */
    private Map<String, String> bind(String[] parts) {
        boolean restIsLast = this == GET_AUDIT_RECORD;
        if (restIsLast ? parts.length < segments.size() : parts.length != segments.size()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String template = segments.get(i);
            String part = restIsLast && i == segments.size() - 1
                    ? String.join("/", Arrays.asList(parts).subList(i, parts.length))
                    : parts[i];
            if (template.startsWith("{")) {
                if (part.isEmpty()) {
                    return null;
                }
                parameters.put(template.substring(1, template.length() - 1), part);
            } else if (!template.equals(part)) {
                return null;
            }
        }
        return parameters;
    }
}
