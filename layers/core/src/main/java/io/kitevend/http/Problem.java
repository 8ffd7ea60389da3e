package io.kitevend.http;

import io.kitevend.json.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem. {@code detail} is written for the caller and must never hold a token, a
 * secret, a stack trace or another pipeline's data.
 */
public record Problem(ProblemType type, String detail, Map<String, Object> extensions, Long retryAfterSeconds) {
    public static final String CONTENT_TYPE = "application/problem+json";

    public Problem {
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type, detail, Map.of(), null);
    }

    /**
     * 503 {@code dependency_unavailable}: {@code detail} says what was (not) done; the caller is told
     * to retry after {@code retryAfter}, at least one second.
     */
    public static Problem unavailable(String detail, Duration retryAfter) {
        return unavailable(detail, retryAfter, Map.of());
    }

    /** As {@link #unavailable(String, Duration)}, with extension members for the caller. */
    public static Problem unavailable(String detail, Duration retryAfter, Map<String, Object> extensions) {
        return new Problem(ProblemType.DEPENDENCY_UNAVAILABLE, detail, extensions, Math.max(1, retryAfter.toSeconds()));
    }

    public HttpResponse toResponse(String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", detail);
        body.put("code", type.code());
        body.put("request_id", requestId);
        extensions.forEach(body::putIfAbsent);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", CONTENT_TYPE);
        headers.put("cache-control", "no-store");
        if (retryAfterSeconds != null) {
            headers.put("retry-after", Long.toString(retryAfterSeconds));
        }
        return new HttpResponse(type.status(), headers, Json.write(body));
    }
}
