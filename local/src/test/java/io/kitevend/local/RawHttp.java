package io.kitevend.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** HTTP/1.1 written by hand, like curl: exactly the request line, headers and body given, nothing added but Content-Length. */
final class RawHttp {
    record Response(int status, Map<String, String> headers, String body) {}

    private RawHttp() {}

    static Response send(URI server, String method, String target, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        try (Socket s = new Socket(server.getHost(), server.getPort())) {
            s.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
            boolean host = false;
            for (var h : headers.entrySet()) {
                host |= h.getKey().equalsIgnoreCase("host");
                for (String v : h.getValue()) {
                    head.append(h.getKey()).append(": ").append(v).append("\r\n");
                }
            }
            if (!host) {
                head.append("Host: ")
                        .append(server.getHost())
                        .append(':')
                        .append(server.getPort())
                        .append("\r\n");
            }
            head.append("Content-Length: ")
                    .append(body == null ? 0 : body.length)
                    .append("\r\n");
            head.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(s.getInputStream());
        }
    }

    static Response send(SignedRequest r, URI server) throws IOException {
        return send(
                server,
                r.method(),
                r.rawPath() + (r.rawQuery() == null ? "" : "?" + r.rawQuery()),
                r.headers(),
                r.body());
    }

    private static Response read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n", -1);
        int status = Integer.parseInt(lines[0].split(" ", -1)[1]);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip());
        }
        byte[] body = new byte[all.length - end - 4];
        System.arraycopy(all, end + 4, body, 0, body.length);
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }
}
