package io.kitevend.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Calls the admin API the way API Gateway's IAM authorization expects: every request signed with
 * SigV4 for service {@code execute-api} by the AWS SDK's signer, with credentials from the given
 * provider (the CLI uses the SDK's default chain), and sent over the JDK's URL connection.
 */
final class AdminClient {
    /** An answer: status, headers (case-insensitive names) and the body as text. */
    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        String contentType() {
            return header("content-type");
        }
    }

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final URI base;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;

    AdminClient(URI base, String region, AwsCredentialsProvider credentials, Clock clock) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.region = region;
        this.credentials = credentials;
        this.clock = clock;
    }

    URI base() {
        return base;
    }

    /**
     * Sends one signed request.
     *
     * @param segments the path, one element per segment, not yet encoded (e.g. "v1", "admin", "bindings", ORG, NAME)
     * @param query parameters in order; null values are left out
     * @param headers extra headers to sign and send (content-type, if-match)
     */
    Response send(
            String method, List<String> segments, Map<String, String> query, Map<String, String> headers, byte[] body)
            throws IOException {
        URI uri = uri(segments, query);
        SdkHttpRequest signed = sign(method, uri, headers, body);
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(5_000);
        c.setReadTimeout(60_000);
        c.setUseCaches(false);
        signed.forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("host")) { // the connection sends the same Host itself
                c.setRequestProperty(name, String.join(",", values));
            }
        });
        if (body != null) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        int status = c.getResponseCode();
        Map<String, List<String>> responseHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        c.getHeaderFields().forEach((k, v) -> {
            if (k != null) {
                responseHeaders.put(k, v);
            }
        });
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (in != null) {
            in.close();
        }
        return new Response(status, responseHeaders, text);
    }

    Response get(List<String> segments, Map<String, String> query) throws IOException {
        return send("GET", segments, query, Map.of(), null);
    }

    /** The request's URL: the base, then each segment percent-encoded, then the encoded query. */
    URI uri(List<String> segments, Map<String, String> query) {
        StringBuilder sb = new StringBuilder(base.toString());
        for (String s : segments) {
            sb.append('/').append(SdkHttpUtils.urlEncode(s));
        }
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        if (query != null) {
            query.forEach((k, v) -> {
                if (v != null) {
                    q.add(SdkHttpUtils.urlEncode(k) + "=" + SdkHttpUtils.urlEncode(v));
                }
            });
        }
        return URI.create(sb.append(q).toString());
    }

    /** The request with its SigV4 headers (Authorization, X-Amz-Date, x-amz-content-sha256, X-Amz-Security-Token). */
    SdkHttpRequest sign(String method, URI uri, Map<String, String> headers, byte[] body) {
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(uri);
        headers.forEach(request::putHeader);
        var identity = credentials.resolveCredentials();
        return SIGNER.sign(r -> r.identity(identity)
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(body == null ? new byte[0] : body))
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, IamAuthorizer.SERVICE)
                        .putProperty(HttpSigner.SIGNING_CLOCK, clock))
                .request();
    }

    static Map<String, String> query(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
