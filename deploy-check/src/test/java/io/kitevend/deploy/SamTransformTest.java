package io.kitevend.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.admin.AdminRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the SAM transform makes of template.yaml (the resources CloudFormation creates): every
 * caller of a function calls its {@code live} alias, the published version SnapStart restores,
 * never {@code $LATEST} or the bare function.
 */
class SamTransformTest {
    private static final Pattern INVOCATION_URI =
            Pattern.compile(":lambda:path/2015-03-31/functions/\\$\\{([A-Za-z0-9]+)}/invocations");

    static Template transformed;

    @BeforeAll
    static void transform() throws Exception {
        transformed = Template.of(new SamTransform()
                .placeholderCode(Template.load())
                .parameter("Organizations", "acme")
                .transform());
    }

    /** The logical ids of the {@code live} aliases, one per function. */
    private static Set<String> liveAliases() {
        Set<String> aliases = new TreeSet<>();
        Map<String, JsonNode> functions = transformed.resources("AWS::Lambda::Function");
        transformed.resources("AWS::Lambda::Alias").forEach((id, alias) -> {
            assertThat(alias.at("/Properties/Name").asText()).as(id).isEqualTo("live");
            assertThat(functions)
                    .containsKey(alias.at("/Properties/FunctionName/Ref").asText());
            aliases.add(id);
        });
        assertThat(aliases).as("one live alias per function").hasSameSizeAs(functions.keySet());
        return aliases;
    }

    @Test
    void everyRouteOfTheHttpApiInvokesALiveAlias() {
        Set<String> aliases = liveAliases();
        List<String> routes = new ArrayList<>();
        transformed.resources("AWS::ApiGatewayV2::Api").forEach((api, resource) -> {
            JsonNode paths = resource.at("/Properties/Body/paths");
            paths.fields()
                    .forEachRemaining(path -> path.getValue().fields().forEachRemaining(method -> {
                        String route = method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                        JsonNode uri = method.getValue().at("/x-amazon-apigateway-integration/uri/Fn::Sub");
                        Matcher m = INVOCATION_URI.matcher(uri.asText());
                        assertThat(m.find()).as(route + " integration " + uri).isTrue();
                        assertThat(aliases).as(route).contains(m.group(1));
                        routes.add(route);
                    }));
        });
        List<String> expected = new ArrayList<>(List.of("POST /v1/credentials", "POST /v1/secrets"));
        expected.addAll(AdminRoute.routeKeys());
        assertThat(routes).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** After the transform, the job routes require the Buildkite JWT authorizer of the stack's audience. */
    @Test
    void theJobRoutesAreBehindTheBuildkiteJwtAuthorizer() {
        JsonNode body =
                transformed.resources("AWS::ApiGatewayV2::Api").get("HttpApi").at("/Properties/Body");
        JsonNode scheme = body.at("/components/securitySchemes/BuildkiteJobToken/x-amazon-apigateway-authorizer");
        assertThat(scheme.path("type").asText()).isEqualTo("jwt");
        assertThat(scheme.path("identitySource").asText()).isEqualTo("$request.header.Authorization");
        assertThat(scheme.at("/jwtConfiguration/issuer").asText()).isEqualTo("https://agent.buildkite.com");
        assertThat(scheme.at("/jwtConfiguration/audience/0/Ref").asText()).isEqualTo("Audience");
        for (String path : List.of("/v1/credentials", "/v1/secrets")) {
            JsonNode security = body.path("paths").path(path).path("post").path("security");
            assertThat(security.size()).as(path).isEqualTo(1);
            assertThat(security.get(0).has("BuildkiteJobToken"))
                    .as(path + " " + security)
                    .isTrue();
        }
    }

    @Test
    void theJwtAdminApiTheScheduleAndEveryInvokePermissionUseALiveAlias() {
        Set<String> aliases = liveAliases();
        Map<String, JsonNode> integrations = transformed.resources("AWS::ApiGatewayV2::Integration");
        assertThat(integrations).isNotEmpty();
        integrations.forEach((id, integration) -> assertThat(
                        integration.at("/Properties/IntegrationUri/Ref").asText())
                .as(id)
                .isIn(aliases));

        Map<String, JsonNode> rules = transformed.resources("AWS::Events::Rule");
        assertThat(rules).isNotEmpty();
        rules.forEach((id, rule) -> {
            assertThat(rule.at("/Properties/Targets")).as(id).isNotEmpty();
            rule.at("/Properties/Targets")
                    .forEach(target ->
                            assertThat(target.at("/Arn/Ref").asText()).as(id).isIn(aliases));
        });

        Map<String, JsonNode> permissions = transformed.resources("AWS::Lambda::Permission");
        assertThat(permissions).hasSizeGreaterThanOrEqualTo(11);
        permissions.forEach((id, permission) -> assertThat(
                        permission.at("/Properties/FunctionName/Ref").asText())
                .as(id)
                .isIn(aliases));
    }
}
