package io.kitevend.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
        assertThat(routes)
                .containsExactlyInAnyOrder(
                        "POST /v1/credentials",
                        "POST /v1/secrets",
                        "GET /v1/admin/bindings",
                        "GET /v1/admin/bindings/{organization}/{name}",
                        "PUT /v1/admin/bindings/{organization}/{name}",
                        "DELETE /v1/admin/bindings/{organization}/{name}",
                        "POST /v1/admin/apply",
                        "POST /v1/admin/explain",
                        "GET /v1/admin/audit");
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
