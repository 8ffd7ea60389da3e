package io.kitevend.snapstart;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The HTTP client of priming's own SDK clients: it answers DynamoDB's {@code PutItem} and STS's
 * {@code AssumeRole} in process, as the services answer a success, so that priming runs the vend
 * path's writes through the SDK (request building, marshalling, signing, unmarshalling, the
 * adapters' own code) without sending anything anywhere. It opens no connection; any other call
 * gets a 400, which fails the priming step that made it.
 */
final class PrimingHttp implements SdkHttpClient {
    /** Where priming's clients point; never resolved or connected to. */
    static final URI ENDPOINT = URI.create("https://kitevend-priming.invalid");

    static final String PUT_ITEM = "DynamoDB_20120810.PutItem";

    private final Clock clock;
    private final AtomicInteger putItems = new AtomicInteger();
    private final AtomicInteger assumeRoles = new AtomicInteger();

    PrimingHttp(Clock clock) {
        this.clock = clock;
    }

    /** PutItem calls answered so far. */
    int putItems() {
        return putItems.get();
    }

    /** AssumeRole calls answered so far. */
    int assumeRoles() {
        return assumeRoles.get();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                return answer(request);
            }

            @Override
            public void abort() {
                // answered in process: nothing in flight to abort
            }
        };
    }

    private HttpExecuteResponse answer(HttpExecuteRequest request) throws IOException {
        if (request.httpRequest()
                .firstMatchingHeader("X-Amz-Target")
                .filter(PUT_ITEM::equals)
                .isPresent()) {
            putItems.incrementAndGet();
            return response(200, "application/x-amz-json-1.0", "{}");
        }
        Map<String, String> form = form(body(request));
        if ("AssumeRole".equals(form.get("Action"))) {
            assumeRoles.incrementAndGet();
            return response(200, "text/xml", assumeRole(form));
        }
        return response(
                400,
                "application/x-amz-json-1.0",
                "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ValidationException\","
                        + "\"message\":\"priming answers only PutItem and AssumeRole\"}");
    }

    /** AssumeRole's answer as STS writes it (query protocol, XML), for the role and session asked. */
    private String assumeRole(Map<String, String> form) {
        String roleArn = form.getOrDefault("RoleArn", "");
        String session = form.getOrDefault("RoleSessionName", "");
        String[] arn = roleArn.split(":", 6);
        String account = arn.length == 6 ? arn[4] : "000000000000";
        String role = arn.length == 6 ? arn[5].substring(arn[5].lastIndexOf('/') + 1) : "role";
        long seconds = Long.parseLong(form.getOrDefault("DurationSeconds", "3600"));
        Instant expiration = clock.instant().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS);
        StringBuilder xml = new StringBuilder()
                .append("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>");
        if (form.containsKey("SourceIdentity")) {
            xml.append("<SourceIdentity>")
                    .append(escape(form.get("SourceIdentity")))
                    .append("</SourceIdentity>");
        }
        return xml.append("<AssumedRoleUser><Arn>arn:aws:sts::")
                .append(escape(account))
                .append(":assumed-role/")
                .append(escape(role))
                .append('/')
                .append(escape(session))
                .append("</Arn><AssumedRoleId>AROAKITEVENDPRIMING0:")
                .append(escape(session))
                .append("</AssumedRoleId></AssumedRoleUser><Credentials>")
                .append("<AccessKeyId>ASIAKITEVENDPRIMING0</AccessKeyId>")
                .append("<SecretAccessKey>")
                .append(VendPriming.SLUG)
                .append("</SecretAccessKey><SessionToken>")
                .append(VendPriming.SLUG)
                .append("</SessionToken><Expiration>")
                .append(expiration)
                .append("</Expiration></Credentials><PackedPolicySize>1</PackedPolicySize>")
                .append("</AssumeRoleResult><ResponseMetadata><RequestId>")
                .append(VendPriming.SLUG)
                .append("</RequestId></ResponseMetadata></AssumeRoleResponse>")
                .toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String body(HttpExecuteRequest request) {
        return request.contentStreamProvider()
                .map(provider -> {
                    try (InputStream in = provider.newStream()) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .orElse("");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static HttpExecuteResponse response(int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder()
                        .statusCode(status)
                        .putHeader("Content-Type", contentType)
                        .putHeader("Content-Length", Integer.toString(bytes.length))
                        .putHeader("x-amzn-RequestId", VendPriming.SLUG)
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                .build();
    }

    @Override
    public String clientName() {
        return "kitevend-priming";
    }

    @Override
    public void close() {
        // nothing held
    }
}
