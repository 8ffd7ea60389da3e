package io.kitevend.function.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingPage;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may call which admin route, through the handler from the API Gateway event: a reader, a
 * writer, an unknown principal, no authorizer context at all, a Buildkite job token (as a JWT
 * authorizer context and as a plain Bearer header), and the corporate identity provider's reader
 * and writer groups, against every route. Refused requests change nothing and leave an audit
 * record (deny, forbidden); allowed reads leave one too (allow, admin_read).
 */
class AuthorizationMatrixTest {
    private static final String DOCUMENT = """
            bindings:
              - {name: deploy-main, organization: acme, pipeline: deploy, conditions: {build_branch: [main]},
                 role_arn: "arn:aws:iam::123456789012:role/kitevend/deployer", description: applied}
            """;
    private static final String BINDING = """
            {"pipeline":"deploy","role_arn":"arn:aws:iam::123456789012:role/kitevend/deployer"}""";

    /** A route: method, path, query, headers, body, and what a permitted caller gets. */
    record Route(
            String method,
            String path,
            Map<String, String> query,
            Map<String, String> headers,
            String body,
            int success,
            boolean changes) {}

    private static Route route(
            String method,
            String path,
            Map<String, String> query,
            Map<String, String> headers,
            String body,
            int success,
            boolean changes) {
        return new Route(method, path, query, headers, body, success, changes);
    }

    static final Map<String, Route> ROUTES = new LinkedHashMap<>();

    static {
        ROUTES.put(
                "list bindings",
                route("GET", "/v1/admin/bindings", Map.of("organization", "acme"), Map.of(), null, 200, false));
        ROUTES.put(
                "get binding",
                route("GET", "/v1/admin/bindings/acme/deploy-main", Map.of(), Map.of(), null, 200, false));
        ROUTES.put(
                "create binding",
                route(
                        "PUT",
                        "/v1/admin/bindings/acme/deploy-new",
                        Map.of(),
                        Map.of("content-type", "application/json"),
                        BINDING,
                        201,
                        true));
        ROUTES.put(
                "replace binding",
                route(
                        "PUT",
                        "/v1/admin/bindings/acme/deploy-main",
                        Map.of(),
                        Map.of("content-type", "application/json", "if-match", "\"1\""),
                        BINDING,
                        200,
                        true));
        ROUTES.put(
                "delete binding",
                route(
                        "DELETE",
                        "/v1/admin/bindings/acme/deploy-main",
                        Map.of(),
                        Map.of("if-match", "\"1\""),
                        null,
                        204,
                        true));
        ROUTES.put(
                "apply",
                route(
                        "POST",
                        "/v1/admin/apply",
                        Map.of("prune", "true"),
                        Map.of("content-type", "application/yaml"),
                        DOCUMENT,
                        200,
                        true));
        ROUTES.put(
                "apply dry run",
                route(
                        "POST",
                        "/v1/admin/apply",
                        Map.of("dry_run", "true"),
                        Map.of("content-type", "application/yaml"),
                        DOCUMENT,
                        200,
                        false));
        ROUTES.put(
                "explain",
                route(
                        "POST",
                        "/v1/admin/explain",
                        Map.of(),
                        Map.of("content-type", "application/json"),
                        "{\"claims\":{\"organization_slug\":\"acme\",\"pipeline_slug\":\"deploy\",\"build_branch\":\"main\"}}",
                        200,
                        false));
        ROUTES.put("audit", route("GET", "/v1/admin/audit", Map.of(), Map.of(), null, 200, false));
        ROUTES.put(
                "audit record of a request",
                route("GET", "/v1/admin/audit/req-unknown", Map.of(), Map.of(), null, 404, false));
        ROUTES.put("unknown route", route("GET", "/v1/admin/secrets", Map.of(), Map.of(), null, 404, false));
    }

    /** Who calls, made from the fixture (a Buildkite token needs its minter). */
    record Who(
            String name,
            Function<AdminFixture, Events.Caller> caller,
            String principal,
            boolean reads,
            boolean writes) {}

    static final List<Who> CALLERS = List.of(
            new Who("reader", f -> Events.iam(AdminFixture.READER), AdminFixture.READER, true, false),
            new Who("writer", f -> Events.iam(AdminFixture.WRITER), AdminFixture.WRITER, true, true),
            new Who("unknown principal", f -> Events.iam(AdminFixture.STRANGER), AdminFixture.STRANGER, false, false),
            new Who("no authorizer context", f -> Events.none(), null, false, false),
            new Who(
                    "Buildkite job token as JWT authorizer context",
                    f -> Events.jwt(f.minter.claims()),
                    "jwt:",
                    false,
                    false),
            new Who(
                    "Buildkite job token from agent.buildkite.com as JWT authorizer context",
                    f -> Events.jwt(buildkiteClaims(f)),
                    "jwt:https://agent.buildkite.com#",
                    false,
                    false),
            new Who(
                    "Buildkite job token as Bearer header",
                    f -> Events.bearerHeaderOnly(f.minter.sign()),
                    null,
                    false,
                    false),
            new Who(
                    "corporate JWT, reader group",
                    f -> Events.jwt(corporate("kitevend-readers")),
                    "jwt:" + AdminFixture.CORPORATE_ISSUER + "#00u-admin",
                    true,
                    false),
            new Who(
                    "corporate JWT, writer group",
                    f -> Events.jwt(corporate("staff", "kitevend-admins")),
                    "jwt:" + AdminFixture.CORPORATE_ISSUER + "#00u-admin",
                    true,
                    true),
            new Who(
                    "corporate JWT, no admin group",
                    f -> Events.jwt(corporate("staff")),
                    "jwt:" + AdminFixture.CORPORATE_ISSUER + "#00u-admin",
                    false,
                    false));

    private static Map<String, Object> buildkiteClaims(AdminFixture f) {
        Map<String, Object> c = f.minter.claims();
        c.put("iss", "https://agent.buildkite.com");
        return c;
    }

    private static Map<String, Object> corporate(String... groups) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", AdminFixture.CORPORATE_ISSUER);
        c.put("sub", "00u-admin");
        c.put("aud", "kitevend-admin");
        c.put("iat", 1747319100L);
        c.put("exp", 1747322700L);
        c.put("groups", List.of(groups));
        return c;
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Who who : CALLERS) {
            ROUTES.forEach((name, route) -> {
                boolean permitted = route.changes() ? who.writes() : who.reads();
                cases.add(Arguments.of(who.name(), name, permitted ? route.success() : 403));
            });
        }
        return cases.stream();
    }

    private InMemoryBindingStore store;
    private InMemoryAuditStore audit;
    private AdminFixture f;
    private AdminHandler handler;

    @BeforeEach
    void setUp() {
        store = new InMemoryBindingStore();
        audit = new InMemoryAuditStore();
        f = new AdminFixture(store, audit);
        handler = new AdminHandler(f.admin, Clock.systemUTC());
        store.put(AdminFixture.binding("deploy-main").version(1).build());
        store.put(AdminFixture.binding("deploy-old").version(1).build());
    }

    private List<Binding> everything() {
        List<Binding> all = new ArrayList<>();
        for (String org : List.of("acme", "globex")) {
            BindingPage page = store.list(org, null, 100);
            all.addAll(page.bindings());
        }
        return all;
    }

    @ParameterizedTest(name = "{0} | {1} -> {2}")
    @MethodSource("matrix")
    void everyCallerAgainstEveryRoute(String whoName, String routeName, int expected) throws Exception {
        Who who = CALLERS.stream()
                .filter(w -> w.name().equals(whoName))
                .findFirst()
                .orElseThrow();
        Route route = ROUTES.get(routeName);
        List<Binding> before = everything();
        APIGatewayV2HTTPEvent event = Events.event(
                route.method(),
                route.path(),
                route.query(),
                route.headers(),
                route.body(),
                who.caller().apply(f));

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(expected);
        List<Map<String, Object>> records = audit.records();
        if (expected == 403) {
            JsonNode problem = Json.readTree(response.getBody());
            assertThat(response.getHeaders()).containsEntry("content-type", "application/problem+json");
            assertThat(problem.get("code").asText()).isEqualTo("forbidden");
            assertThat(problem.get("request_id").asText())
                    .isEqualTo(event.getRequestContext().getRequestId());
            assertThat(everything()).as("a refused request changes nothing").isEqualTo(before);
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r)
                        .containsEntry("kind", "admin")
                        .containsEntry("decision", "deny")
                        .containsEntry("reason", "forbidden")
                        .containsEntry("status", 403)
                        .containsEntry("request_id", event.getRequestContext().getRequestId())
                        .containsEntry("source_ip", "203.0.113.24");
                if (who.principal() == null) {
                    assertThat(r).doesNotContainKey("principal");
                } else {
                    assertThat((String) r.get("principal")).startsWith(who.principal());
                }
            });
        } else if (route.changes()) {
            assertThat(everything()).isNotEqualTo(before);
            assertThat(records)
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r)
                            .containsEntry("decision", "allow")
                            .containsEntry("principal", who.principal()));
        } else {
            assertThat(everything()).isEqualTo(before);
            assertThat(records)
                    .as("a read is audited: who read what")
                    .singleElement()
                    .satisfies(r -> assertThat(r)
                            .containsEntry("kind", "admin")
                            .containsEntry("decision", expected < 400 ? "allow" : "deny")
                            .containsEntry("reason", expected < 400 ? "admin_read" : "not_found")
                            .containsEntry("status", expected)
                            .containsEntry("principal", who.principal())
                            .containsEntry(
                                    "request_id", event.getRequestContext().getRequestId())
                            .containsEntry("source_ip", "203.0.113.24"));
        }
    }
}
