package io.kitevend.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Small HTTP calls from the CLI to a runner, over the JDK's URL connection (kitevend's one HTTP client). */
final class LocalHttp {
    record Response(int status, String contentType, String body) {}

    private LocalHttp() {}

    static Response post(URI url, Map<String, String> headers, String body) throws IOException {
        return call("POST", url, headers, body);
    }

    static Response get(URI url) throws IOException {
        return call("GET", url, Map.of(), null);
    }

    static Response call(String method, URI url, Map<String, String> headers, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(5_000);
        c.setReadTimeout(30_000);
        headers.forEach(c::setRequestProperty);
        if (body != null) {
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Response(status, c.getContentType(), text);
    }
}
