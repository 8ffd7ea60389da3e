package io.kitevend.testing;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A JWKS endpoint on loopback serving the public halves of the keys it is given (and an OpenID
 * discovery document that points at it). It counts
 * fetches and can be switched "down" (answers 503) to simulate an issuer outage.
 */
public final class JwksServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicReference<JWKSet> keys = new AtomicReference<>(new JWKSet());
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();

    public JwksServer(JWK... initial) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/.well-known/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body;
            int status;
            if (down.get()) {
                status = 503;
                body = "unavailable".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                body = keys.get().toString(true).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        // OpenID discovery, for verifiers that find the keys the way API Gateway's JWT authorizer does.
        server.createContext("/.well-known/openid-configuration", exchange -> {
            byte[] body = ("{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + jwksUrl() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        serve(initial);
    }

    /** Replaces the published keys (public parts only). */
    public void serve(JWK... published) {
        keys.set(new JWKSet(List.of(published)).toPublicJWKSet());
    }

    public void down(boolean isDown) {
        down.set(isDown);
    }

    public int fetches() {
        return fetches.get();
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public URI jwksUrl() {
        return URI.create(issuer() + "/.well-known/jwks");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
