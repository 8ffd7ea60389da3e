package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Route keys and path templates, matched as an API Gateway HTTP API matches them. */
class RoutesTest {
    static final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> NOTHING = (e, c) -> null;

    Routes routes;

    @BeforeEach
    void routes() {
        routes = new Routes();
        routes.add("POST /v1/credentials", Routes.Authorization.NONE, NOTHING);
        routes.add("GET /v1/admin/bindings", Routes.Authorization.AWS_IAM, NOTHING);
        routes.add("GET /v1/admin/bindings/{organization}/{name}", Routes.Authorization.AWS_IAM, NOTHING);
        routes.add("PUT /v1/admin/bindings/{organization}/{name}", Routes.Authorization.AWS_IAM, NOTHING);
        routes.add("GET /v1/admin/bindings/acme/special", Routes.Authorization.AWS_IAM, NOTHING);
        routes.add("ANY /v1/files/{path+}", Routes.Authorization.NONE, NOTHING);
        routes.add("GET /v1/files/{path+}", Routes.Authorization.NONE, NOTHING);
        routes.add("GET /v1/files/{name}", Routes.Authorization.NONE, NOTHING);
    }

    static Stream<Arguments> matches() {
        return Stream.of(
                match("an exact route", "POST", "/v1/credentials", "POST /v1/credentials", Map.of()),
                match(
                        "path parameters",
                        "PUT",
                        "/v1/admin/bindings/acme/deploy-main",
                        "PUT /v1/admin/bindings/{organization}/{name}",
                        Map.of("organization", "acme", "name", "deploy-main")),
                match(
                        "percent-decoded parameters",
                        "GET",
                        "/v1/admin/bindings/acme/deploy%20main%2Fx",
                        "GET /v1/admin/bindings/{organization}/{name}",
                        Map.of("organization", "acme", "name", "deploy main/x")),
                match(
                        "a literal route before a parameter route",
                        "GET",
                        "/v1/admin/bindings/acme/special",
                        "GET /v1/admin/bindings/acme/special",
                        Map.of()),
                match(
                        "the same template for another method",
                        "GET",
                        "/v1/admin/bindings/acme/other",
                        "GET /v1/admin/bindings/{organization}/{name}",
                        Map.of("organization", "acme", "name", "other")),
                match(
                        "a parameter before a greedy parameter",
                        "GET",
                        "/v1/files/a.txt",
                        "GET /v1/files/{name}",
                        Map.of("name", "a.txt")),
                match(
                        "a named method before ANY",
                        "GET",
                        "/v1/files/a/b/c",
                        "GET /v1/files/{path+}",
                        Map.of("path", "a/b/c")),
                match(
                        "ANY for other methods",
                        "DELETE",
                        "/v1/files/a/b",
                        "ANY /v1/files/{path+}",
                        Map.of("path", "a/b")));
    }

    private static Arguments match(
            String name, String method, String path, String routeKey, Map<String, String> params) {
        return Arguments.of(Named.of(name, method + " " + path), routeKey, params);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matches")
    void matchesTheMostSpecificRoute(String request, String routeKey, Map<String, String> params) {
        String[] mp = request.split(" ", 2);
        var m = routes.match(mp[0], mp[1]).orElseThrow();
        assertThat(m.route().routeKey()).isEqualTo(routeKey);
        assertThat(m.pathParameters()).isEqualTo(params);
    }

    @Test
    void missesAreMissesAndKnownPathsAreKnown() {
        assertThat(routes.match("GET", "/v1/admin/bindings/acme")).isEmpty();
        assertThat(routes.match("GET", "/v1/admin/bindings/acme/x/y")).isEmpty();
        assertThat(routes.match("GET", "/v1/admin/bindings/acme/"))
                .as("a parameter is never empty")
                .isEmpty();
        assertThat(routes.match("GET", "/v1/admin/bindings/%zz/x"))
                .as("a broken escape")
                .isEmpty();
        assertThat(routes.match("GET", "/v1/credentials")).isEmpty();
        assertThat(routes.match("GET", "/v1/files"))
                .as("a greedy parameter needs a segment")
                .isEmpty();
        assertThat(routes.pathKnown("/v1/credentials")).isTrue();
        assertThat(routes.pathKnown("/v1/admin/bindings/acme/x")).isTrue();
        assertThat(routes.pathKnown("/v1/admin/nothing")).isFalse();
        assertThat(routes.match("DELETE", "/v1/admin/bindings/acme/x")).isEmpty();
    }

    @Test
    void badRouteKeysAreRefused() {
        for (String bad :
                new String[] {"GET", "FETCH /x", "GET x", "GET /a/{p+}/b", "GET /a/{p}/{p}", "GET /a/{}", "GET /a b"}) {
            assertThatThrownBy(() -> routes.add(bad, Routes.Authorization.NONE, NOTHING))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> routes.add("GET /v1/admin/bindings", Routes.Authorization.NONE, NOTHING))
                .hasMessageContaining("already mounted");
    }
}
