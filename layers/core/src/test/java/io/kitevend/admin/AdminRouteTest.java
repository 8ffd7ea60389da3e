package io.kitevend.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the function resolves a request on the one route table: route and parameters, 405 with Allow, 404. */
class AdminRouteTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "GET,/v1/admin/bindings,LIST_BINDINGS",
        "GET,/v1/admin/bindings/acme/deploy-main,GET_BINDING",
        "PUT,/v1/admin/bindings/acme/deploy-main,PUT_BINDING",
        "DELETE,/v1/admin/bindings/acme/deploy-main,DELETE_BINDING",
        "POST,/v1/admin/apply,APPLY",
        "POST,/v1/admin/explain,EXPLAIN",
        "GET,/v1/admin/audit,QUERY_AUDIT",
        "GET,/v1/admin/audit/KfT4ThWZIAMEV0g=,GET_AUDIT_RECORD",
        "GET,/prod/v1/admin/bindings,LIST_BINDINGS",
    })
    void everyRouteOfTheTableIsFound(String method, String path, AdminRoute route) {
        AdminRoute.Resolution r = AdminRoute.resolve(method, path);

        assertThat(r.route()).isEqualTo(route);
        assertThat(r.status()).isEqualTo(200);
        assertThat(route.method()).isEqualTo(method);
    }

    @Test
    void pathParametersAreNamedAsInTheTemplate() {
        assertThat(AdminRoute.resolve("PUT", "/v1/admin/bindings/acme/deploy-main")
                        .parameters())
                .isEqualTo(Map.of("organization", "acme", "name", "deploy-main"));
        assertThat(AdminRoute.resolve("GET", "/v1/admin/audit/ab/cd+ef==").parameters())
                .as("a request id with / (base64) is the rest of the decoded path")
                .isEqualTo(Map.of("request_id", "ab/cd+ef=="));
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "POST|/v1/admin/bindings|405|GET",
                "POST|/v1/admin/bindings/acme/x|405|GET, PUT, DELETE",
                "GET|/v1/admin/apply|405|POST",
                "DELETE|/v1/admin/audit/x|405|GET",
                "GET|/v1/admin/bindings/acme|404|",
                "GET|/v1/admin/bindings/acme/|404|",
                "GET|/v1/admin/bindings/acme/x/y|404|",
                "GET|/v1/admin/audit/|404|",
                "GET|/v1/admin/secrets|404|",
                "GET|/v1/credentials|404|",
                "GET||404|",
            })
    void aPathWithoutTheMethodIs405WithItsMethodsAndAnUnknownPath404(
            String method, String path, int status, String allow) {
        AdminRoute.Resolution r = AdminRoute.resolve(method, path);

        assertThat(r.route()).isNull();
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.allow()).isEqualTo(allow);
    }

    @Test
    void theTableIsTheRouteKeysApiGatewayServes() {
        assertThat(AdminRoute.routeKeys())
                .startsWith("GET /v1/admin/bindings")
                .contains("GET /v1/admin/audit/{request_id}")
                .doesNotHaveDuplicates();
    }
}
