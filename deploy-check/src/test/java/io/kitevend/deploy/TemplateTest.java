package io.kitevend.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.admin.AdminRoute;
import io.kitevend.config.Settings;
import io.kitevend.config.VendConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rules every deployment of kitevend relies on, checked on template.yaml itself. */
class TemplateTest {
    /** Variables Lambda sets itself, or only local runs and tests use. */
    private static final Set<String> NOT_FROM_TEMPLATE = Set.of("AWS_REGION", VendConfig.AWS_ENDPOINT);

    /** Which configuration each function's handler reads. */
    private static final Map<String, Function<Settings, ?>> CONFIG_OF_HANDLER = Map.of(
            "io.kitevend.function.vend.VendHandler::handleRequest", VendConfig::from,
            "io.kitevend.function.admin.AdminHandler::handleRequest", io.kitevend.config.AdminConfig::from,
            "io.kitevend.function.report.AuditReportHandler::handleRequest", io.kitevend.config.ReportConfig::from,
            "io.kitevend.function.secrets.SecretsHandler::handleRequest", io.kitevend.config.SecretsConfig::from);

    static Template template;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
    }

    @Test
    void everyFunctionIsJava25OnArmWithSnapStartTheLiveAliasAndTheCoreLayer() {
        Map<String, JsonNode> functions = template.resources("AWS::Serverless::Function");
        assertThat(functions).isNotEmpty();
        functions.forEach((name, fn) -> {
            JsonNode p = fn.get("Properties");
            JsonNode globals = template.root.path("Globals").path("Function");
            assertThat(p.path("Runtime").asText(globals.path("Runtime").asText()))
                    .as(name)
                    .isEqualTo("java25");
            assertThat(
                            p.has("Architectures")
                                    ? p.path("Architectures").toString()
                                    : globals.path("Architectures").toString())
                    .as(name)
                    .contains("arm64");
            assertThat(p.path("SnapStart").path("ApplyOn").asText()).as(name).isEqualTo("PublishedVersions");
            assertThat(p.path("AutoPublishAlias").asText()).as(name).isEqualTo("live");
            assertThat(p.path("Layers").toString()).as(name).contains("CoreLayer");
            assertThat(p.path("LoggingConfig").path("LogFormat").asText())
                    .as(name)
                    .isEqualTo("JSON");
            assertThat(fn.path("Metadata").path("BuildMethod").asText())
                    .as(name)
                    .isEqualTo("makefile");
        });
    }

    @Test
    void eachFunctionSetsExactlyTheVariablesItsConfigurationReads() {
        template.resources("AWS::Serverless::Function").forEach((name, fn) -> {
            JsonNode p = fn.get("Properties");
            String handler = p.path("Handler").asText();
            assertThat(CONFIG_OF_HANDLER)
                    .as("a configuration is known for " + handler)
                    .containsKey(handler);
            Map<String, String> env = new HashMap<>();
            List<String> declared = new ArrayList<>();
            template.root
                    .path("Globals")
                    .path("Function")
                    .path("Environment")
                    .path("Variables")
                    .fields()
                    .forEachRemaining(e -> {
                        declared.add(e.getKey());
                        env.put(e.getKey(), plausibleValue(e.getKey(), e.getValue()));
                    });
            p.path("Environment").path("Variables").fields().forEachRemaining(e -> {
                declared.add(e.getKey());
                env.put(e.getKey(), plausibleValue(e.getKey(), e.getValue()));
            });
            env.put("AWS_REGION", "eu-west-1");
            Settings settings = new Settings(env);
            // also proves the values the template sets are valid: reading them fails otherwise
            assertThat(CONFIG_OF_HANDLER.get(handler).apply(settings)).isNotNull();
            Set<String> read = new TreeSet<>(settings.variablesRead());
            read.removeAll(NOT_FROM_TEMPLATE);
            assertThat(new TreeSet<>(declared)).as(name).isEqualTo(read);
        });
    }

    @Test
    void theOrganizationsParameterTakesWhatTheFunctionsTakeIdPinsIncluded() {
        String id = "0184990a-477b-4fa8-9968-496074483cee";
        Pattern allowed = Pattern.compile(template.root
                .path("Parameters")
                .path("Organizations")
                .path("AllowedPattern")
                .asText());
        for (String good : List.of("acme", "acme,globex", "acme=" + id, "globex,acme=" + id, "acme=" + id + ",acme")) {
            assertThat(allowed.matcher(good).matches()).as(good).isTrue();
            Map<String, String> env = new HashMap<>(STAND_INS);
            env.put("AWS_REGION", "eu-west-1");
            env.put("KITEVEND_ORGANIZATIONS", good);
            assertThat(VendConfig.from(new Settings(env)).token().organizations())
                    .as(good)
                    .contains("acme");
        }
        for (String bad :
                List.of("Acme", "acme=", "acme=acme-inc", "acme=" + id.toUpperCase(Locale.ROOT), "acme;globex")) {
            assertThat(allowed.matcher(bad).matches()).as(bad).isFalse();
        }
    }

    /** What a reference (!Ref, !If, !Sub) in the template resolves to in some deployment. */
    private static final Map<String, String> STAND_INS = Map.ofEntries(
            Map.entry("KITEVEND_ORGANIZATIONS", "acme"),
            Map.entry("KITEVEND_AUDIENCE", "kitevend"),
            Map.entry("KITEVEND_ROLE_PATH", "/kitevend/"),
            Map.entry("KITEVEND_ALLOWED_ACCOUNTS", "123456789012"),
            Map.entry("KITEVEND_ACCOUNT_ID", "123456789012"),
            Map.entry("KITEVEND_PARTITION", "aws"),
            Map.entry("KITEVEND_BINDINGS_TABLE", "kitevend-BindingsTable-ABC123"),
            Map.entry("KITEVEND_AUDIT_TABLE", "kitevend-AuditTable-ABC123"),
            Map.entry("KITEVEND_REPLAY_TABLE", "kitevend-ReplayTable-ABC123"),
            Map.entry("KITEVEND_REPORT_BUCKET", "kitevend-reportbucket-abc123"),
            Map.entry("KITEVEND_REPORT_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:kitevend-reports"),
            Map.entry("KITEVEND_ADMIN_READERS", "arn:aws:sts::123456789012:assumed-role/Readers/*"),
            Map.entry("KITEVEND_ADMIN_WRITERS", "arn:aws:sts::123456789012:assumed-role/Admins/*"));

    /**
     * Literal values are used as they are; a !Ref to a parameter takes the parameter's default;
     * other references take a stand-in of the right shape.
     */
    private static String plausibleValue(String variable, JsonNode value) {
        if (STAND_INS.containsKey(variable)) {
            return STAND_INS.get(variable);
        }
        assertThat(value.isTextual())
                .as(variable + " is a literal or a !Ref to a parameter")
                .isTrue();
        String text = value.asText();
        return template.root.path("Parameters").has(text) ? parameterDefault(text) : text;
    }

    private static String parameterDefault(String parameter) {
        JsonNode p = template.root.path("Parameters").path(parameter);
        assertThat(p.isMissingNode()).as("parameter " + parameter + " exists").isFalse();
        return p.path("Default").asText();
    }

    /**
     * The admin function's routes on the main API are the route table's, route by route (method,
     * path), each IAM-authorized; the job routes are behind the gateway's check of the job token.
     */
    @Test
    void adminRoutesAreTheRouteTableIamAuthorizedAndJobRoutesTakeTheJobToken() {
        List<String> adminRoutes = new ArrayList<>();
        template.resources("AWS::Serverless::Function")
                .forEach((name, fn) -> fn.at("/Properties/Events").fields().forEachRemaining(e -> {
                    JsonNode event = e.getValue();
                    if (!event.path("Type").asText().equals("HttpApi")) {
                        return;
                    }
                    String route = event.at("/Properties/Method").asText() + " "
                            + event.at("/Properties/Path").asText();
                    String authorizer = event.at("/Properties/Auth/Authorizer").asText("");
                    if (name.equals("AdminFunction")) {
                        adminRoutes.add(route);
                        assertThat(authorizer).as(name + " " + route).isEqualTo("AWS_IAM");
                    } else {
                        assertThat(route).as(name).isIn("POST /v1/credentials", "POST /v1/secrets");
                        assertThat(authorizer).as(name + " " + route).isEqualTo("BuildkiteJobToken");
                    }
                }));
        assertThat(adminRoutes).containsExactlyElementsOf(AdminRoute.routeKeys());
    }

    /**
     * API Gateway checks a job token against what the functions verify it against: Buildkite's
     * issuer (the functions' KITEVEND_ISSUER) and the stack's Audience, from the Authorization
     * header; what it refuses is in the access log with the authorizer's error.
     */
    @Test
    void theGatewayChecksJobTokensAsTheFunctionsDoAndLogsWhatItRefuses() {
        JsonNode api =
                template.resources("AWS::Serverless::HttpApi").get("HttpApi").get("Properties");
        JsonNode authorizer = api.at("/Auth/Authorizers/BuildkiteJobToken");
        assertThat(authorizer.path("IdentitySource").asText()).isEqualTo("$request.header.Authorization");
        assertThat(authorizer.at("/JwtConfiguration/audience/0").asText()).isEqualTo("Audience"); // !Ref Audience
        assertThat(authorizer.at("/JwtConfiguration/audience").size()).isEqualTo(1);
        String issuer = authorizer.at("/JwtConfiguration/issuer").asText();
        for (String function : List.of("VendFunction", "SecretsFunction")) {
            JsonNode fn = template.resources("AWS::Serverless::Function").get(function);
            assertThat(fn.at("/Properties/Environment/Variables/KITEVEND_ISSUER")
                            .asText())
                    .as(function)
                    .isEqualTo(issuer);
        }
        assertThat(api.at("/AccessLogSettings/Format").asText()).contains("$context.authorizer.error");
    }

    /** The optional admin JWT API serves the same route table, each route behind its JWT authorizer. */
    @Test
    void theAdminJwtApiServesTheRouteTableBehindItsJwtAuthorizer() {
        List<String> jwtRoutes = new ArrayList<>();
        template.resources("AWS::ApiGatewayV2::Route").forEach((name, route) -> {
            JsonNode p = route.get("Properties");
            if (!p.path("ApiId").asText().equals("AdminJwtApi")) {
                return;
            }
            jwtRoutes.add(p.path("RouteKey").asText());
            assertThat(route.path("Condition").asText()).as(name).isEqualTo("HasAdminJwt");
            assertThat(p.path("AuthorizationType").asText()).as(name).isEqualTo("JWT");
            assertThat(p.path("AuthorizerId").asText()).as(name).isEqualTo("AdminJwtAuthorizer");
            assertThat(p.path("Target").asText()).as(name).isEqualTo("integrations/${AdminJwtIntegration}");
        });
        assertThat(jwtRoutes).containsExactlyElementsOf(AdminRoute.routeKeys());
    }

    @Test
    void noPolicyGrantsAWildcardAction() {
        List<String> actions = new ArrayList<>();
        collectActions(template.root.get("Resources"), actions);
        assertThat(actions).isNotEmpty();
        assertThat(actions).allSatisfy(a -> assertThat(a).doesNotContain("*"));
    }

    @Test
    void theVendFunctionMayOnlyAssumeRolesUnderThePathWithTheThreeStsActions() {
        JsonNode statements = template.resources("AWS::Serverless::Function")
                .get("VendFunction")
                .at("/Properties/Policies/0/Statement");
        JsonNode sts = null;
        for (JsonNode s : statements) {
            if (s.toString().contains("sts:")) {
                sts = s;
            }
        }
        assertThat(sts).isNotNull();
        assertThat(sts.get("Action"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity");
        assertThat(sts.get("Resource").asText()).contains(":role${TargetRolePath}*");
        assertThat(sts.path("Condition").path("StringEquals").has("aws:ResourceAccount"))
                .isTrue();
        for (JsonNode s : statements) {
            if (s.toString().contains("dynamodb:")) {
                assertThat(s.get("Action"))
                        .extracting(JsonNode::asText)
                        .isSubsetOf("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem");
            }
        }
    }

    @Test
    void theReportBucketRefusesEveryRequestThatIsNotTls() {
        JsonNode policy = template.resources("AWS::S3::BucketPolicy").values().stream()
                .filter(p -> p.at("/Properties/Bucket").asText().equals("ReportBucket"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no bucket policy on ReportBucket"))
                .at("/Properties/PolicyDocument/Statement");
        JsonNode tlsOnly = null;
        for (JsonNode s : policy) {
            if (s.at("/Condition/Bool/aws:SecureTransport").asText().equals("false")) {
                tlsOnly = s;
            }
        }
        assertThat(tlsOnly).as("a statement on aws:SecureTransport false").isNotNull();
        assertThat(tlsOnly.path("Effect").asText()).isEqualTo("Deny");
        assertThat(tlsOnly.path("Principal").asText()).isEqualTo("*");
        assertThat(tlsOnly.path("Action").asText()).isEqualTo("s3:*");
        assertThat(tlsOnly.path("Resource"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("ReportBucket.Arn", "${ReportBucket.Arn}/*");
    }

    @Test
    void tablesMatchTheKeysTheCodeUses() {
        JsonNode bindings = template.root.at("/Resources/BindingsTable/Properties");
        assertThat(bindings.at("/KeySchema").toString())
                .contains("organization")
                .contains("name");
        assertThat(bindings.at("/GlobalSecondaryIndexes/0/IndexName").asText()).isEqualTo("by-pipeline");
        assertThat(bindings.at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled")
                        .asBoolean())
                .isTrue();
        assertThat(bindings.at("/DeletionProtectionEnabled").asBoolean()).isTrue();
        JsonNode audit = template.root.at("/Resources/AuditTable/Properties");
        assertThat(audit.at("/TimeToLiveSpecification/AttributeName").asText()).isEqualTo("expires_at");
        assertThat(audit.at("/GlobalSecondaryIndexes").toString())
                .contains("by-pipeline")
                .contains("by-request-id");
        JsonNode replay = template.root.at("/Resources/ReplayTable/Properties");
        assertThat(replay.at("/TimeToLiveSpecification/AttributeName").asText()).isEqualTo("expires_at");
        assertThat(replay.at("/KeySchema/0/AttributeName").asText()).isEqualTo("jti");
        // The code's own table definitions (used by tests and the local runner) agree.
        var codeAudit = io.kitevend.aws.Tables.audit("x");
        assertThat(codeAudit.keySchema().toString()).contains("pk").contains("sk");
        assertThat(codeAudit.globalSecondaryIndexes())
                .extracting(i -> i.indexName())
                .containsExactlyInAnyOrder("by-pipeline", "by-request-id");
    }

    /** The actions of every statement that grants (a Deny statement takes away, whatever its actions). */
    private static void collectActions(JsonNode node, List<String> out) {
        if (node == null || node.path("Effect").asText().equals("Deny")) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("Action") || e.getKey().equals("NotAction")) {
                    if (e.getValue().isArray()) {
                        e.getValue().forEach(a -> out.add(a.asText()));
                    } else {
                        out.add(e.getValue().asText());
                    }
                } else {
                    collectActions(e.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectActions(n, out));
        }
    }
}
