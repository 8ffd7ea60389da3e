package io.kitevend.http;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request as kitevend's use cases see it, whatever carried it (API Gateway, the local
 * runner). Header names are lower case. {@code body} is the decoded text, or null when empty.
 */
public record HttpRequest(
        String requestId,
        Instant receivedAt,
        String method,
        String path,
        Map<String, String> headers,
        String body,
        String sourceIp,
        String userAgent) {

    /** Set by the carrier on a request whose base64 body could not be decoded; the use case answers 400. */
    public static final String UNDECODABLE_BODY = "x-kitevend-undecodable-body";

    public HttpRequest {
        Map<String, String> lower = new TreeMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        }
        headers = Map.copyOf(lower);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
