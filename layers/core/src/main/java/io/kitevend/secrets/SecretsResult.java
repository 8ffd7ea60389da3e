package io.kitevend.secrets;

import io.kitevend.http.HttpResponse;
import io.kitevend.http.Problem;
import io.kitevend.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a secrets request ended with: the granted values, or a problem. */
public sealed interface SecretsResult {
    String requestId();

    /** {@link #toString()} never shows the values. */
    record Granted(String requestId, String binding, Map<String, String> secrets, String source)
            implements SecretsResult {
        @Override
        public String toString() {
            return "Granted[" + requestId + ", binding=" + binding + ", names=" + secrets.keySet() + "]";
        }
    }

    record Refused(String requestId, Problem problem) implements SecretsResult {}

    static HttpResponse toHttp(SecretsResult result) {
        return switch (result) {
            case Refused r -> r.problem().toResponse(r.requestId());
            case Granted g -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("secrets", g.secrets());
                body.put("binding", g.binding());
                body.put("source", g.source());
                body.put("request_id", g.requestId());
                yield new HttpResponse(
                        200, Map.of("content-type", "application/json", "cache-control", "no-store"), Json.write(body));
            }
        };
    }
}
