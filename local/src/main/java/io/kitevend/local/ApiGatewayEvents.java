package io.kitevend.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one mapping from an HTTP request to the API Gateway HTTP API (payload format 2.0) event
 * Lambda receives, and from the function's answer back to HTTP, filling every field API Gateway
 * fills for the routes of {@code template.yaml} (no stage variables, no mutual TLS):
 *
 * <ul>
 *   <li>{@code rawPath} and {@code requestContext.http.path} percent-decoded (HTTP APIs hand the
 *       function the decoded path), {@code rawQueryString} exactly as sent;</li>
 *   <li>{@code queryStringParameters} decoded as a form ({@code +} is a space), repeated names
 *       joined with commas, absent when there is no query;</li>
 *   <li>{@code pathParameters} of the matched route, decoded, absent when the route has none;</li>
 *   <li>{@code headers} with lower-case names, repeated headers joined with commas, plus the
 *       {@code x-forwarded-*} and {@code x-amzn-trace-id} headers API Gateway adds; {@code Cookie}
 *       headers become the {@code cookies} array, one entry per cookie;</li>
 *   <li>the body as text for text content types ({@code text/*}, JSON, XML, JavaScript),
 *       otherwise base64 with {@code isBase64Encoded} (also without a content type);</li>
 *   <li>{@code requestContext}: account, API id, domain name and prefix, {@code http} (method,
 *       path, protocol, source IP, user agent), request id, route key, stage, time and epoch time,
 *       and the authorizer's context ({@code iam} or {@code jwt}) when the route has one.</li>
 * </ul>
 */
final class ApiGatewayEvents {
    /** The account and API id of the runner's imitation of a deployed API. */
    static final String ACCOUNT_ID = "000000000000";

    static final String API_ID = "kitevendev";
    static final String STAGE = "$default";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    /** Bodies of these media types reach the function as text; every other body as base64. */
    private static final Set<String> TEXT_TYPES =
            Set.of("application/json", "application/xml", "application/javascript");

    private ApiGatewayEvents() {}

    /**
     * An HTTP request as it reached the gateway.
     *
     * @param rawPath the path as sent, still percent-encoded
     * @param rawQuery the query as sent (without {@code ?}), or null when there is none
     * @param headers the headers as sent, names in any case, each with its values in order
     */
    record Received(
            String method,
            String rawPath,
            String rawQuery,
            String protocol,
            Map<String, List<String>> headers,
            byte[] body,
            String sourceIp,
            int port) {

        static Received from(HttpExchange exchange, byte[] body) {
            return new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    exchange.getProtocol(),
                    exchange.getRequestHeaders(),
                    body,
                    exchange.getRemoteAddress().getAddress().getHostAddress(),
                    exchange.getLocalAddress().getPort());
        }
    }

    /** The event for a request that matched {@code route}; {@code authorizer} is null for a route without one. */
    static APIGatewayV2HTTPEvent toEvent(
            Received request,
            Routes.Match route,
            APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer,
            String requestId,
            Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                for (String header : values) {
                    for (String cookie : header.split(";", -1)) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.strip());
                        }
                    }
                }
            } else {
                headers.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        headers.merge("x-forwarded-for", request.sourceIp(), (sent, ip) -> sent + ", " + ip);
        headers.put("x-forwarded-port", Integer.toString(request.port()));
        headers.put("x-forwarded-proto", "http");
        headers.put("x-amzn-trace-id", traceId(now));

        String path = decodedPath(request.rawPath());
        String host = headers.getOrDefault("host", "127.0.0.1");
        String domainName = host.replaceFirst(":\\d+$", "");
        String routeKey = route.route().routeKey();
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(request.method())
                .withPath(path)
                .withProtocol(request.protocol())
                .withSourceIp(request.sourceIp())
                .withUserAgent(headers.get("user-agent"))
                .build();
        var context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withAccountId(ACCOUNT_ID)
                .withApiId(API_ID)
                .withDomainName(domainName)
                .withDomainPrefix(domainName.split("\\.", 2)[0])
                .withHttp(http)
                .withRequestId(requestId)
                .withRouteKey(routeKey)
                .withStage(STAGE)
                .withTime(TIME.format(now))
                .withTimeEpoch(now.toEpochMilli())
                .withAuthorizer(authorizer)
                .build();
        Map<String, String> query = queryParameters(request.rawQuery());
        byte[] body = request.body();
        boolean text = isText(headers.get("content-type"));
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(path)
                .withRawQueryString(request.rawQuery() == null ? "" : request.rawQuery())
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withPathParameters(
                        route.pathParameters().isEmpty() ? null : new LinkedHashMap<>(route.pathParameters()))
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withHeaders(headers)
                .withRequestContext(context)
                .withBody(
                        body.length == 0
                                ? null
                                : text
                                        ? new String(body, StandardCharsets.UTF_8)
                                        : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !text)
                .build();
    }

    /** The query's parameters, decoded as a form, repeated names joined with commas in the order sent. */
    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, String> pair : RawQuery.pairs(rawQuery)) {
            params.merge(formDecode(pair.getKey()), formDecode(pair.getValue()), (a, b) -> a + "," + b);
        }
        return params;
    }

    private static String formDecode(String raw) {
        String spaced = raw.replace('+', ' ');
        String decoded = Routes.percentDecode(spaced);
        return decoded == null ? spaced : decoded;
    }

    private static String decodedPath(String rawPath) {
        String decoded = Routes.percentDecode(rawPath);
        return decoded == null ? rawPath : decoded;
    }

    private static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || TEXT_TYPES.contains(type);
    }

    /** A request id of the shape API Gateway gives (16 characters, base64 of 11 random bytes). */
    static String newRequestId() {
        byte[] bytes = new byte[11];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** An X-Ray trace header as API Gateway adds it: {@code Root=1-<epoch seconds hex>-<96 random bits hex>}. */
    private static String traceId(Instant now) {
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        return "Root=1-" + Long.toHexString(now.getEpochSecond()) + "-"
                + HexFormat.of().formatHex(random);
    }

    /** The function's answer as API Gateway turns it into HTTP: headers, cookies, status, body (base64 decoded). */
    static void send(HttpExchange exchange, APIGatewayV2HTTPResponse response, String requestId) throws IOException {
        if (response.getHeaders() != null) {
            response.getHeaders()
                    .forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        }
        if (response.getCookies() != null) {
            response.getCookies().forEach(c -> exchange.getResponseHeaders().add("set-cookie", c));
        }
        exchange.getResponseHeaders().set("apigw-requestid", requestId);
        byte[] body = response.getBody() == null
                ? new byte[0]
                : response.getIsBase64Encoded()
                        ? Base64.getDecoder().decode(response.getBody())
                        : response.getBody().getBytes(StandardCharsets.UTF_8);
        write(exchange, response.getStatusCode(), body);
    }

    /**
     * The largest single write to a response stream. The JDK server's per-connection stream grows
     * its buffer to twice the largest write it is given and keeps it while the connection lives, so
     * one large answer (GET /dev/audit is tens of MB) on a keep-alive connection would hold that
     * much heap until the client hangs up; slices of this size keep it near the server's own buffer.
     */
    static final int WRITE_SLICE = 16 * 1024;

    static void write(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                for (int off = 0; off < body.length; off += WRITE_SLICE) {
                    out.write(body, off, Math.min(WRITE_SLICE, body.length - off));
                }
            }
        }
        exchange.close();
    }
}
