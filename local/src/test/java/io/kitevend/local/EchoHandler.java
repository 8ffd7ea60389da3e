package io.kitevend.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.kitevend.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in function for tests: keeps every event it is given and answers with what it saw
 * (route key, path parameters, the IAM caller API Gateway passed) unless a test scripts an
 * answer for a route key.
 */
final class EchoHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    final List<APIGatewayV2HTTPEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, List<Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>>> scripts =
            new LinkedHashMap<>();

    /** Answers the next request to this route key with this function (queued, once each). */
    synchronized EchoHandler then(String routeKey, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> answer) {
        scripts.computeIfAbsent(routeKey, k -> new CopyOnWriteArrayList<>()).add(answer);
        return this;
    }

    static APIGatewayV2HTTPResponse json(int status, String body, String... headers) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", status >= 400 ? "application/problem+json" : "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(h)
                .withBody(body)
                .build();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        events.add(event);
        Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> script = null;
        synchronized (this) {
            var queue = scripts.get(event.getRouteKey());
            if (queue != null && !queue.isEmpty()) {
                script = queue.remove(0);
            }
        }
        if (script != null) {
            return script.apply(event);
        }
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("routeKey", event.getRouteKey());
        echo.put("rawPath", event.getRawPath());
        echo.put("rawQueryString", event.getRawQueryString());
        echo.put("pathParameters", event.getPathParameters());
        var authorizer = event.getRequestContext().getAuthorizer();
        if (authorizer != null && authorizer.getIam() != null) {
            var iam = authorizer.getIam();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accessKey", iam.getAccessKey());
            m.put("accountId", iam.getAccountId());
            m.put("userArn", iam.getUserArn());
            m.put("userId", iam.getUserId());
            m.put("callerId", iam.getCallerId());
            echo.put("iam", m);
        }
        echo.put("body", event.getBody());
        return json(200, Json.write(echo));
    }

    APIGatewayV2HTTPEvent last() {
        return events.get(events.size() - 1);
    }
}
