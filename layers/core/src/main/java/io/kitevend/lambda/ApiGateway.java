package io.kitevend.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** Converts API Gateway HTTP API (payload 2.0) events to {@link HttpRequest} and back. */
public final class ApiGateway {
    private ApiGateway() {}

    /** One event through a route: the event as a request, the route's answer as the event's response. */
    public static APIGatewayV2HTTPResponse handle(
            APIGatewayV2HTTPEvent event, Clock clock, Function<HttpRequest, HttpResponse> route) {
        return response(route.apply(request(event == null ? new APIGatewayV2HTTPEvent() : event, clock)));
    }

    public static HttpRequest request(APIGatewayV2HTTPEvent event, Clock clock) {
        var ctx = event.getRequestContext();
        var http = ctx == null ? null : ctx.getHttp();
        String requestId = ctx != null && ctx.getRequestId() != null
                ? ctx.getRequestId()
                : UUID.randomUUID().toString();
        Instant received =
                ctx != null && ctx.getTimeEpoch() > 0 ? Instant.ofEpochMilli(ctx.getTimeEpoch()) : clock.instant();
        String method = http != null && http.getMethod() != null ? http.getMethod() : "POST";
        String path = http != null && http.getPath() != null ? http.getPath() : event.getRawPath();
        Map<String, String> headers = event.getHeaders() == null ? Map.of() : event.getHeaders();
        String body = event.getBody();
        if (body != null && event.getIsBase64Encoded()) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                body = null;
                headers = new HashMap<>(headers);
                headers.put(HttpRequest.UNDECODABLE_BODY, "true");
            }
        }
        if (body != null && body.isEmpty()) {
            body = null;
        }
        return new HttpRequest(
                requestId,
                received,
                method,
                path,
                headers,
                body,
                http == null ? null : http.getSourceIp(),
                http == null ? null : http.getUserAgent());
    }

    public static APIGatewayV2HTTPResponse response(HttpResponse response) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(response.headers())
                .withBody(response.body())
                .withIsBase64Encoded(false)
                .build();
    }
}
