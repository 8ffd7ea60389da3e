package io.kitevend.local;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * A request as a client signed it (with the SDK's SigV4 signer, independently of the code under
 * test) and as the server would receive it, with copy-and-change methods to tamper with it.
 */
record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

    static SignedRequest sign(
            String method,
            String url,
            Map<String, String> headers,
            String body,
            AwsCredentialsIdentity credentials,
            String region,
            String service,
            Instant at) {
        URI uri = URI.create(url);
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(uri);
        headers.forEach(b::putHeader);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        var signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(credentials)
                        .request(b.build())
                        .payload(ContentStreamProvider.fromByteArray(bytes))
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
                .request();
        Map<String, List<String>> received = new LinkedHashMap<>();
        signed.forEachHeader((k, v) -> received.put(k, List.copyOf(v)));
        return new SignedRequest(method, uri.getRawPath(), uri.getRawQuery(), received, bytes);
    }

    String header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0))
                .findFirst()
                .orElse(null);
    }

    SignedRequest withHeader(String name, String... values) {
        Map<String, List<String>> h = new LinkedHashMap<>(headers);
        h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        h.put(name, List.of(values));
        return new SignedRequest(method, rawPath, rawQuery, h, body);
    }

    SignedRequest withAddedHeader(String name, String value) {
        Map<String, List<String>> h = new LinkedHashMap<>(headers);
        String key = h.keySet().stream()
                .filter(k -> k.equalsIgnoreCase(name))
                .findFirst()
                .orElse(name);
        List<String> values = new ArrayList<>(h.getOrDefault(key, List.of()));
        values.add(value);
        h.put(key, values);
        return new SignedRequest(method, rawPath, rawQuery, h, body);
    }

    SignedRequest withoutHeader(String name) {
        Map<String, List<String>> h = new LinkedHashMap<>(headers);
        h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        return new SignedRequest(method, rawPath, rawQuery, h, body);
    }

    /** The Authorization header with one substring replaced. */
    SignedRequest withAuthorizationEdited(String from, String to) {
        String auth = header("authorization");
        if (!auth.contains(from)) {
            throw new IllegalArgumentException("no '" + from + "' in " + auth);
        }
        return withHeader("Authorization", auth.replace(from, to));
    }

    SignedRequest withBody(String text) {
        return new SignedRequest(method, rawPath, rawQuery, headers, text.getBytes(StandardCharsets.UTF_8));
    }

    SignedRequest withPath(String path) {
        return new SignedRequest(method, path, rawQuery, headers, body);
    }

    SignedRequest withQuery(String query) {
        return new SignedRequest(method, rawPath, query, headers, body);
    }

    SignedRequest withMethod(String m) {
        return new SignedRequest(m, rawPath, rawQuery, headers, body);
    }

    IamAuthorizer.Result checkWith(IamAuthorizer authorizer) {
        return authorizer.authorize(method, rawPath, rawQuery, headers, body);
    }
}
