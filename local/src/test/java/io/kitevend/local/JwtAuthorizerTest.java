package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The runner's imitation of API Gateway's JWT authorizer, against a loopback issuer with OpenID discovery. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwtAuthorizerTest {
    static final String AUDIENCE = AdminIdp.AUDIENCE;

    AdminIdp idp;
    JwtAuthorizer authorizer;

    @BeforeAll
    void start() {
        idp = new AdminIdp();
        authorizer = new JwtAuthorizer(idp.issuer(), List.of(AUDIENCE), Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        idp.close();
    }

    /** The identity provider's claims with a groups list. */
    Map<String, Object> claims() {
        Map<String, Object> c = idp.claims();
        c.put("groups", List.of("everyone", "kitevend-writers"));
        return c;
    }

    String token(Consumer<Map<String, Object>> change) {
        return idp.token(c -> {
            c.put("groups", List.of("everyone", "kitevend-writers"));
            change.accept(c);
        });
    }

    JwtAuthorizer.Result authorize(String authorization) {
        return authorizer.authorize(Map.of("Authorization", List.of(authorization)));
    }

    @Test
    void anAcceptedTokensClaimsArePassedAsStrings() {
        var result = authorize("Bearer "
                + token(c -> {
                    c.put("scope", "kitevend/read kitevend/write");
                    c.put("level", 3);
                    c.put("admin", true);
                    c.put("address", Map.of("country", "NZ", "city", "Wellington"));
                }));

        assertThat(result).isInstanceOf(JwtAuthorizer.Allowed.class);
        var allowed = (JwtAuthorizer.Allowed) result;
        Map<String, Object> sent = claims();
        assertThat(allowed.claims())
                .containsEntry("iss", idp.issuer())
                .containsEntry("sub", "alice@example.com")
                .containsEntry("aud", AUDIENCE)
                .containsEntry("groups", "[everyone kitevend-writers]")
                .containsEntry("level", "3")
                .containsEntry("admin", "true")
                .containsEntry("address", "map[city:Wellington country:NZ]")
                .containsEntry("scope", "kitevend/read kitevend/write");
        assertThat(Long.parseLong(allowed.claims().get("exp")))
                .isBetween((Long) sent.get("exp") - 5, (Long) sent.get("exp"));
        assertThat(allowed.scopes()).containsExactly("kitevend/read", "kitevend/write");
        var jwt = allowed.toAuthorizer().getJwt();
        assertThat(jwt.getClaims()).isEqualTo(allowed.claims());
        assertThat(jwt.getScopes()).isEqualTo(allowed.scopes());
    }

    @Test
    void theTokenMayComeWithoutBearerAndScopesFromScp() {
        var result = authorize(token(c -> c.put("scp", List.of("a", "b"))));

        assertThat(result).isInstanceOf(JwtAuthorizer.Allowed.class);
        assertThat(((JwtAuthorizer.Allowed) result).scopes()).containsExactly("a", "b");
        assertThat(((JwtAuthorizer.Allowed) authorize("Bearer " + token(c -> {}))).scopes())
                .as("no scope claim")
                .isNull();
    }

    @Test
    void withoutAudTheClientIdMustMatch() {
        assertThat(authorize("Bearer "
                        + token(c -> {
                            c.remove("aud");
                            c.put("client_id", AUDIENCE);
                        })))
                .isInstanceOf(JwtAuthorizer.Allowed.class);
        assertThat(authorize("Bearer "
                        + token(c -> {
                            c.remove("aud");
                            c.put("client_id", "someone-else");
                        })))
                .isEqualTo(new JwtAuthorizer.Denied("aud"));
    }

    static Stream<Arguments> refusals() {
        long now = Instant.now().getEpochSecond();
        return Stream.of(
                refusal("another issuer", c -> c.put("iss", "https://idp.example.com"), "iss"),
                refusal("another audience", c -> c.put("aud", "someone-else"), "aud"),
                refusal("no audience at all", c -> c.remove("aud"), "aud"),
                refusal("expired", c -> c.put("exp", now - 1), "exp"),
                refusal("no expiry", c -> c.remove("exp"), "exp"),
                refusal("not yet valid", c -> c.put("nbf", now + 120), "nbf"),
                refusal("issued in the future", c -> c.put("iat", now + 120), "iat"));
    }

    private static Arguments refusal(String name, Consumer<Map<String, Object>> change, String reason) {
        return Arguments.of(Named.of(name, change), reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void claimsAreCheckedAsApiGatewayChecksThem(Consumer<Map<String, Object>> change, String reason) {
        assertThat(authorize("Bearer " + token(change))).isEqualTo(new JwtAuthorizer.Denied(reason));
    }

    @Test
    void aTokenNotSignedByTheIssuersRsaKeysIsRefused() {
        var stranger = new TokenMinter(TestKeys.rsa(), idp.issuer(), AUDIENCE);
        assertThat(authorize("Bearer " + stranger.sign(claims())))
                .as("a key the JWKS does not hold")
                .isInstanceOf(JwtAuthorizer.Denied.class);
        var ec = new TokenMinter(TestKeys.ec(), idp.issuer(), AUDIENCE);
        assertThat(authorize("Bearer " + ec.sign(claims()))).as("not RSA").isInstanceOf(JwtAuthorizer.Denied.class);
        String good = token(c -> {});
        String tampered = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA";
        assertThat(authorize("Bearer " + tampered)).as("a bad signature").isInstanceOf(JwtAuthorizer.Denied.class);
    }

    @Test
    void noTokenOrNoJwtIsRefused() {
        assertThat(authorizer.authorize(Map.of())).isEqualTo(new JwtAuthorizer.Denied("no token"));
        assertThat(authorize("Bearer ")).isEqualTo(new JwtAuthorizer.Denied("no token"));
        assertThat(authorize("Bearer not-a-jwt")).isEqualTo(new JwtAuthorizer.Denied("not a JWT"));
    }
}
