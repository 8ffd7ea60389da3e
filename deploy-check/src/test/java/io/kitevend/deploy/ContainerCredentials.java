package io.kitevend.deploy;

import com.sun.net.httpserver.HttpServer;
import io.kitevend.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The container credentials endpoint Lambda gives a SnapStart function instead of credentials in
 * its environment ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} with
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}), on loopback. It serves a new access key id per
 * "environment" ({@link #rotate}, called at a restore) and records every fetch with the key id it
 * handed out and whether the token was right.
 */
final class ContainerCredentials implements AutoCloseable {
    /** One fetch: the access key id served (null if refused). */
    record Fetch(String accessKeyId, boolean authorized) {}

    private final HttpServer server;
    private final String token = UUID.randomUUID().toString();
    private final List<Fetch> fetches = new CopyOnWriteArrayList<>();
    private volatile String accessKeyId = newKeyId();

    ContainerCredentials() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/2018-06-01/credentials", exchange -> {
            try (exchange) {
                boolean authorized = token.equals(exchange.getRequestHeaders().getFirst("Authorization"));
                String key = accessKeyId;
                fetches.add(new Fetch(authorized ? key : null, authorized));
                byte[] body;
                if (authorized) {
                    Map<String, String> credentials = new LinkedHashMap<>();
                    credentials.put("AccessKeyId", key);
                    credentials.put("SecretAccessKey", "test");
                    credentials.put("Token", "container-session-" + key);
                    credentials.put(
                            "Expiration",
                            Instant.now()
                                    .plus(6, ChronoUnit.HOURS)
                                    .truncatedTo(ChronoUnit.SECONDS)
                                    .toString());
                    body = Json.write(credentials).getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                } else {
                    body = "{\"message\":\"bad token\"}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(403, body.length);
                }
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    private static String newKeyId() {
        return "ASIACONTAINER"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 7).toUpperCase(Locale.ROOT);
    }

    /** The environment variables Lambda sets for it. */
    Map<String, String> environment() {
        return Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/2018-06-01/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                token);
    }

    /** A new environment's credentials from now on; returns the new key id. */
    String rotate() {
        accessKeyId = newKeyId();
        return accessKeyId;
    }

    String currentKeyId() {
        return accessKeyId;
    }

    List<Fetch> fetches() {
        return List.copyOf(fetches);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
