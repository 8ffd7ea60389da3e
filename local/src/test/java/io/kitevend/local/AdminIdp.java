package io.kitevend.local;

import io.kitevend.testing.JwksServer;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A corporate identity provider for the admin JWT API: a loopback issuer with OpenID discovery
 * and its RSA key, and tokens of a user of it for the runner's audience.
 */
final class AdminIdp implements AutoCloseable {
    static final String AUDIENCE = "kitevend-admin";

    final JwksServer server;
    final TokenMinter minter;

    AdminIdp() {
        var key = TestKeys.rsa();
        server = new JwksServer(key);
        minter = new TokenMinter(key, server.issuer(), AUDIENCE);
    }

    String issuer() {
        return server.issuer();
    }

    /** A valid claim set: iss, sub, aud, iat, exp. */
    Map<String, Object> claims() {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer());
        c.put("sub", "alice@example.com");
        c.put("aud", AUDIENCE);
        c.put("iat", now);
        c.put("exp", now + 300);
        return c;
    }

    /** A signed token of {@link #claims()} as {@code change} leaves them. */
    String token(Consumer<Map<String, Object>> change) {
        Map<String, Object> c = claims();
        change.accept(c);
        return minter.sign(c);
    }

    @Override
    public void close() {
        server.close();
    }
}
