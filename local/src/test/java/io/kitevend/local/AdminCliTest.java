package io.kitevend.local;

import static io.kitevend.local.EchoHandler.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.admin.AdminRoute;
import io.kitevend.json.Json;
import io.kitevend.local.InJvmCli.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The admin CLI run in this JVM against an in-process runner whose admin routes (the contract's
 * route keys, IAM-authorized) are served by a recording stand-in: what each command sends, and
 * how it prints answers and problems.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminCliTest {
    static final String AKID = "AKIAADMINEXAMPLE0001";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYADMINKEY01";
    static final String ARN = "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/alice";
    static final String DEPLOY_MAIN = """
            {"name":"deploy-main","organization":"acme","pipeline":"deploy","conditions":{"build_branch":["main","release/*"]},
             "role_arn":"arn:aws:iam::123456789012:role/kitevend/deployer","max_duration_seconds":3600,"enabled":true,"version":3}""";
    static final String DEPLOY_TAGS = """
            {"name":"deploy-tags","organization":"acme","pipeline":"deploy","conditions":{"build_tag":["v*"]},
             "role_arn":"arn:aws:iam::123456789012:role/kitevend/releaser","enabled":false,"version":1}""";

    final EchoHandler api = new EchoHandler();
    LocalRunner runner;

    @BeforeAll
    void start() throws Exception {
        runner = InJvmCli.quietRunner(AKID + ":" + SECRET + ":" + ARN, null);
        AdminRoute.routeKeys().forEach(key -> runner.replace(key, Routes.Authorization.AWS_IAM, api));
    }

    @AfterAll
    void stop() {
        runner.close();
    }

    @BeforeEach
    void clear() {
        api.events.clear();
    }

    Run cli(AwsCredentialsProvider credentials, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", runner.url().toString(), "--region", "us-east-1"));
        return InJvmCli.run(credentials, all.toArray(String[]::new));
    }

    Run cli(String... args) {
        return cli(InJvmCli.credentials(AKID, SECRET), args);
    }

    static void succeeded(Run r) {
        assertThat(r.exit()).as("exit; stderr: " + r.err()).isZero();
    }

    @Test
    void aSignedCliRequestPassesAndAnUnsignedOneIsForbidden() throws Exception {
        Run r = cli("bindings", "list", "--organization", "acme");
        succeeded(r);
        assertThat(api.events).hasSize(1);
        assertThat(api.last().getRequestContext().getAuthorizer().getIam().getUserArn())
                .isEqualTo(ARN);

        var unsigned = RawHttp.send(runner.url(), "GET", "/v1/admin/bindings?organization=acme", Map.of(), null);
        assertThat(unsigned.status()).isEqualTo(403);
        assertThat(unsigned.body()).isEqualTo("{\"message\":\"Forbidden\"}");
        assertThat(api.events).hasSize(1);
    }

    @Test
    void withAKeyTheApiDoesNotKnowTheCliPrintsForbiddenAndFails() {
        Run r = cli(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAUNKNOWNEXAMPLE99", SECRET)),
                "bindings",
                "get",
                "acme/deploy-main");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("403: Forbidden\n").contains("signature");
        assertThat(r.out()).isEmpty();
        assertThat(api.events).isEmpty();
    }

    @Test
    void listFollowsEveryPageAndFilters() throws Exception {
        api.then("GET /v1/admin/bindings", e -> json(200, "{\"bindings\":[" + DEPLOY_MAIN + "],\"next_page\":\"p2\"}"))
                .then("GET /v1/admin/bindings", e -> json(200, "{\"bindings\":[" + DEPLOY_TAGS + "]}"));
        Run r = cli("bindings", "list", "--organization", "acme", "--pipeline", "deploy");
        succeeded(r);
        assertThat(api.events)
                .extracting(e -> e.getRawQueryString())
                .containsExactly("organization=acme&pipeline=deploy", "organization=acme&pipeline=deploy&page=p2");
        JsonNode printed = Json.readTree(r.out());
        assertThat(printed.get("bindings"))
                .extracting(b -> b.get("name").asText())
                .containsExactly("deploy-main", "deploy-tags");
        assertThat(r.out()).contains("\n  \"bindings\" : [");
    }

    @Test
    void listAsATable() {
        api.then("GET /v1/admin/bindings", e -> json(200, "{\"bindings\":[" + DEPLOY_MAIN + "," + DEPLOY_TAGS + "]}"));
        Run r = cli("bindings", "list", "-o", "table");
        succeeded(r);
        assertThat(api.last().getRawQueryString()).isEmpty();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("ORGANIZATION +NAME +PIPELINE +CONDITIONS +ROLE +ENABLED +VERSION");
        assertThat(lines.get(1))
                .matches("acme +deploy-main +deploy +build_branch=main\\|release/\\* +"
                        + "arn:aws:iam::123456789012:role/kitevend/deployer +true +3");
        assertThat(lines.get(2))
                .matches(
                        "acme +deploy-tags +deploy +build_tag=v\\* +arn:aws:iam::123456789012:role/kitevend/releaser +false +1");
        // columns line up
        assertThat(lines.get(1).indexOf("deploy-main")).isEqualTo(lines.get(0).indexOf("NAME"));
        assertThat(lines.get(2).indexOf("arn:")).isEqualTo(lines.get(0).indexOf("ROLE"));
    }

    @Test
    void getAddressesTheBindingByPath() throws Exception {
        api.then("GET /v1/admin/bindings/{organization}/{name}", e -> json(200, DEPLOY_MAIN, "etag", "\"3\""));
        Run r = cli("bindings", "get", "acme/deploy-main");
        succeeded(r);
        assertThat(api.last().getPathParameters()).isEqualTo(Map.of("organization", "acme", "name", "deploy-main"));
        assertThat(Json.readTree(r.out())).isEqualTo(Json.readTree(DEPLOY_MAIN));

        Run bad = cli("bindings", "get", "deploy-main");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("ORGANIZATION/NAME");
    }

    @Test
    void putCreatesFromYamlWithoutTheFieldsTheApiKeeps(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("binding.yaml");
        Files.writeString(file, """
                name: deploy-main
                organization: acme
                pipeline: deploy
                conditions:
                  build_branch: [main]
                role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
                version: 3
                created_at: "2026-01-01T00:00:00Z"
                created_by: arn:aws:sts::123456789012:assumed-role/KitevendAdmins/bob
                """);
        api.then(
                "PUT /v1/admin/bindings/{organization}/{name}",
                e -> json(201, DEPLOY_MAIN.replace("\"version\":3", "\"version\":1"), "etag", "\"1\""));
        Run r = cli("bindings", "put", "-f", file.toString());
        succeeded(r);
        var sent = api.last();
        assertThat(sent.getRawPath()).isEqualTo("/v1/admin/bindings/acme/deploy-main");
        assertThat(sent.getHeaders()).doesNotContainKey("if-match").containsEntry("content-type", "application/json");
        assertThat(Json.readTree(sent.getBody())).isEqualTo(Json.readTree("""
                {"name":"deploy-main","organization":"acme","pipeline":"deploy","conditions":{"build_branch":["main"]},
                 "role_arn":"arn:aws:iam::123456789012:role/kitevend/deployer"}"""));
        assertThat(r.err()).contains("created acme/deploy-main, version 1");
        assertThat(Json.readTree(r.out()).get("version").asInt()).isEqualTo(1);
    }

    @Test
    void putWithIfMatchReplacesThatVersion(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("b.json");
        Files.writeString(file, DEPLOY_MAIN);
        api.then("PUT /v1/admin/bindings/{organization}/{name}", e -> json(200, DEPLOY_MAIN, "etag", "\"4\""));
        Run r = cli("bindings", "put", "-f", file.toString(), "--if-match", "3");
        succeeded(r);
        assertThat(api.events).hasSize(1);
        assertThat(api.last().getHeaders()).containsEntry("if-match", "\"3\"");
        assertThat(r.err()).contains("replaced acme/deploy-main, version 4");
    }

    @Test
    void putReplaceFetchesTheStoredVersionFirstOrCreates(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("b.json");
        Files.writeString(file, DEPLOY_MAIN);
        String get = "GET /v1/admin/bindings/{organization}/{name}";
        String put = "PUT /v1/admin/bindings/{organization}/{name}";
        api.then(get, e -> json(200, DEPLOY_MAIN.replace("\"version\":3", "\"version\":7"), "etag", "\"7\""))
                .then(put, e -> json(200, DEPLOY_MAIN, "etag", "\"8\""));
        succeeded(cli("bindings", "put", "-f", file.toString(), "--replace"));
        assertThat(api.events).extracting(e -> e.getRouteKey()).containsExactly(get, put);
        assertThat(api.last().getHeaders()).containsEntry("if-match", "\"7\"");

        api.events.clear();
        api.then(
                        get,
                        e -> json(
                                404,
                                "{\"status\":404,\"code\":\"not_found\",\"detail\":\"No binding acme/deploy-main.\"}"))
                .then(put, e -> json(201, DEPLOY_MAIN, "etag", "\"1\""));
        succeeded(cli("bindings", "put", "-f", file.toString(), "--replace"));
        assertThat(api.events).extracting(e -> e.getRouteKey()).containsExactly(get, put);
        assertThat(api.last().getHeaders()).doesNotContainKey("if-match");

        Run both = cli("bindings", "put", "-f", file.toString(), "--replace", "--if-match", "3");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void putRefusesAFileThatIsNotOneBinding(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("doc.yaml");
        Files.writeString(doc, "bindings: []\n");
        Path nameless = dir.resolve("nameless.yaml");
        Files.writeString(nameless, "organization: acme\npipeline: deploy\n");
        assertThat(cli("bindings", "put", "-f", doc.toString()).err()).contains("bindings apply");
        Run r = cli("bindings", "put", "-f", nameless.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("'name'");
        assertThat(cli("bindings", "put", "-f", dir.resolve("missing.yaml").toString())
                        .err())
                .contains("no such file");
        assertThat(api.events).isEmpty();
    }

    @Test
    void filesWithAKeyTwiceAreRefusedNamingItBeforeAnythingIsSent(@TempDir Path dir) throws Exception {
        Path binding = dir.resolve("binding.yaml");
        Files.writeString(binding, """
                organization: acme
                name: deploy-main
                pipeline: deploy
                role_arn: arn:aws:iam::123456789012:role/kitevend/read-only
                role_arn: arn:aws:iam::123456789012:role/kitevend/admin
                """);
        Path claims = dir.resolve("claims.json");
        Files.writeString(claims, """
                {"organization_slug": "acme", "pipeline_slug": "deploy",
                 "build_branch": "feature", "build_branch": "main"}""");

        Run put = cli("bindings", "put", "-f", binding.toString());
        Run explain = cli("explain", "--claims", claims.toString());

        assertThat(put.exit()).isEqualTo(2);
        assertThat(put.err()).contains("the key \"role_arn\" appears twice").contains("line 5");
        assertThat(explain.exit()).isEqualTo(2);
        assertThat(explain.err())
                .contains("the key \"build_branch\" appears twice")
                .contains("line 2");
        assertThat(api.events).isEmpty();
    }

    @Test
    void deleteSendsIfMatchAndIfMatchIsRequired() {
        api.then(
                "DELETE /v1/admin/bindings/{organization}/{name}",
                e -> com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse.builder()
                        .withStatusCode(204)
                        .build());
        Run r = cli("bindings", "delete", "acme/deploy-main", "--if-match", "4");
        succeeded(r);
        assertThat(api.last().getHeaders()).containsEntry("if-match", "\"4\"");
        assertThat(api.last().getPathParameters()).containsEntry("name", "deploy-main");
        assertThat(r.out()).isEqualTo("deleted acme/deploy-main\n");

        Run missing = cli("bindings", "delete", "acme/deploy-main");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--if-match");
        assertThat(api.events).hasSize(1);
    }

    @Test
    void problemsArePrintedAsStatusCodeDetailWithOneLinePerFieldError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("b.json");
        Files.writeString(file, DEPLOY_MAIN);
        api.then("PUT /v1/admin/bindings/{organization}/{name}", e -> json(400, """
                {"type":"https://kitevend.dev/problems/invalid_binding","title":"Invalid binding","status":400,
                 "code":"invalid_binding","detail":"The binding has 2 problems.","request_id":"r1",
                 "errors":[{"field":"role_arn","code":"role_path","message":"must be under /kitevend/"},
                           {"field":"conditions.bogus","code":"unknown_claim","message":"is not a Buildkite claim"}]}"""));
        Run r = cli("bindings", "put", "-f", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("""
                400 invalid_binding: The binding has 2 problems.
                  role_arn: must be under /kitevend/ (role_path)
                  conditions.bogus: is not a Buildkite claim (unknown_claim)
                """);
        assertThat(r.out()).isEmpty();

        api.then(
                "PUT /v1/admin/bindings/{organization}/{name}",
                e -> json(
                        412,
                        "{\"status\":412,\"code\":\"version_mismatch\",\"detail\":\"The binding is at version 5, not 3.\"}"));
        api.then(
                "GET /v1/admin/bindings/{organization}/{name}",
                e -> json(200, DEPLOY_MAIN.replace("\"version\":3", "\"version\":5")));
        Run stale = cli("bindings", "put", "-f", file.toString(), "--if-match", "3");
        assertThat(stale.exit()).isEqualTo(1);
        // In the CLI's terms: the version stored now and the option to use, not If-Match.
        assertThat(stale.err())
                .isEqualTo("412 version_mismatch: acme/deploy-main is no longer at version 3 (it is at version 5"
                        + " now). See what changed with 'kitevend bindings get acme/deploy-main', then run again with"
                        + " --if-match 5 (or --replace).\n");
    }

    @Test
    void applySendsTheDocumentAsItIsWithTheFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bindings.yaml");
        String doc = """
                bindings:
                  - name: deploy-main
                    organization: acme
                    pipeline: deploy
                    role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
                """;
        Files.writeString(file, doc);
        String result = """
                {"dry_run":true,"prune":true,"created":["acme/deploy-main"],"updated":[],"unchanged":["acme/a"],
                 "deleted":["acme/old"],"changes":[]}""";
        api.then("POST /v1/admin/apply", e -> json(200, result)).then("POST /v1/admin/apply", e -> json(200, result));
        Run r = cli("bindings", "apply", "-f", file.toString(), "--dry-run", "--prune");
        succeeded(r);
        var sent = api.last();
        assertThat(sent.getRawQueryString()).isEqualTo("dry_run=true&prune=true");
        assertThat(sent.getHeaders()).containsEntry("content-type", "application/yaml");
        // YAML is not one of the types API Gateway passes as text: the body arrives base64-encoded.
        assertThat(sent.getIsBase64Encoded()).isTrue();
        assertThat(new String(java.util.Base64.getDecoder().decode(sent.getBody()), StandardCharsets.UTF_8))
                .isEqualTo(doc);
        assertThat(Json.readTree(r.out())).isEqualTo(Json.readTree(result));

        Run table = cli("bindings", "apply", "-f", file.toString(), "-o", "table");
        succeeded(table);
        assertThat(api.last().getRawQueryString()).isEqualTo("dry_run=false&prune=false");
        assertThat(table.out().lines().toList())
                .containsExactly(
                        "ACTION     BINDING",
                        "created    acme/deploy-main",
                        "deleted    acme/old",
                        "unchanged  acme/a",
                        "dry run: nothing was changed (1 created, 0 updated, 1 deleted, 1 unchanged)");
    }

    @Test
    void explainDescribesTheJobByClaimsTokenOrFile(@TempDir Path dir) throws Exception {
        String answer = """
                {"organization":"acme","pipeline":"deploy","bindings":[{"name":"deploy-main","matched":true,"reason":null},
                 {"name":"deploy-tags","matched":false,"reason":"build_tag is not set"}],"decision":"allow",
                 "selected":"deploy-main","reason":"matched","matched":["deploy-main"]}""";
        for (int i = 0; i < 4; i++) {
            api.then("POST /v1/admin/explain", e -> json(200, answer));
        }
        succeeded(cli(
                "explain", "--org", "acme", "--pipeline", "deploy", "--branch", "main", "--claim", "queue_key=deploy"));
        assertThat(Json.readTree(api.last().getBody())).isEqualTo(Json.readTree("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"deploy","build_branch":"main","queue_key":"deploy"}}"""));

        succeeded(cli("explain", "--token", "eyJ.a.b", "--binding", "deploy-main"));
        assertThat(Json.readTree(api.last().getBody()))
                .isEqualTo(Json.readTree("{\"token\":\"eyJ.a.b\",\"binding\":\"deploy-main\"}"));

        Path claims = dir.resolve("claims.yaml");
        Files.writeString(claims, "organization_slug: acme\npipeline_slug: deploy\nbuild_number: 42\n");
        succeeded(cli("explain", "--claims", claims.toString()));
        assertThat(Json.readTree(api.last().getBody())).isEqualTo(Json.readTree("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"deploy","build_number":42}}"""));

        Run table = cli("explain", "--org", "acme", "--pipeline", "deploy", "-o", "table");
        succeeded(table);
        assertThat(table.out().lines().toList())
                .containsExactly(
                        "organization acme, pipeline deploy",
                        "BINDING      MATCHED  WHY NOT",
                        "deploy-main  yes      -",
                        "deploy-tags  no       build_tag is not set",
                        "decision: allow, selected deploy-main (matched)");

        int sent = api.events.size();
        Run two = cli("explain", "--token", "eyJ.a.b", "--org", "acme", "--pipeline", "deploy");
        assertThat(two.exit()).isEqualTo(2);
        assertThat(two.err()).contains("one way");
        Run half = cli("explain", "--org", "acme");
        assertThat(half.exit()).isEqualTo(2);
        assertThat(api.events).hasSize(sent);
    }

    @Test
    void explainShowsWhyATokenWasNotAccepted() {
        api.then("POST /v1/admin/explain", e -> json(400, """
                {"status":400,"code":"token_not_accepted","detail":"The token was not accepted.","reason":"token_expired"}"""));
        Run r = cli("explain", "--token", "eyJ.a.b");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("400 token_not_accepted: The token was not accepted.\n  reason: token_expired\n");
    }

    @Test
    void auditPassesTheFiltersAndStopsAtTheLimit() throws Exception {
        String rec1 =
                "{\"request_id\":\"r1\",\"time\":\"2026-03-01T10:00:00.000Z\",\"kind\":\"vend\",\"decision\":\"deny\","
                        + "\"reason\":\"no_matching_binding\",\"organization_slug\":\"acme\",\"pipeline_slug\":\"deploy\",\"build_branch\":\"feature/x\"}";
        String rec2 = rec1.replace("r1", "r2").replace("10:00", "10:05");
        String rec3 = rec1.replace("r1", "r3").replace("10:00", "10:09");
        api.then(
                        "GET /v1/admin/audit",
                        e -> json(200, "{\"records\":[" + rec1 + "," + rec2 + "],\"next_page\":\"n2\"}"))
                .then("GET /v1/admin/audit", e -> json(200, "{\"records\":[" + rec3 + "],\"next_page\":\"n3\"}"));
        Run r = cli(
                "audit",
                "--organization",
                "acme",
                "--pipeline",
                "deploy",
                "--decision",
                "deny",
                "--from",
                "2026-03-01T00:00:00Z",
                "--to",
                "2026-03-02T00:00:00Z",
                "--limit",
                "3");
        succeeded(r);
        assertThat(api.events)
                .extracting(e -> e.getRawQueryString())
                .containsExactly(
                        "organization=acme&pipeline=deploy&decision=deny&from=2026-03-01T00%3A00%3A00Z&to=2026-03-02T00%3A00%3A00Z&limit=3",
                        "organization=acme&pipeline=deploy&decision=deny&from=2026-03-01T00%3A00%3A00Z&to=2026-03-02T00%3A00%3A00Z&limit=1&page=n2");
        JsonNode printed = Json.readTree(r.out());
        assertThat(printed.get("records"))
                .extracting(n -> n.get("request_id").asText())
                .containsExactly("r1", "r2", "r3");
        assertThat(printed.get("truncated").asBoolean()).isTrue();
    }

    @Test
    void auditAsATableShowsOnlyColumnsWithValues() {
        String rec =
                "{\"request_id\":\"r1\",\"time\":\"2026-03-01T10:00:00.000Z\",\"kind\":\"vend\",\"decision\":\"allow\","
                        + "\"reason\":\"allowed\",\"organization_slug\":\"acme\",\"pipeline_slug\":\"deploy\",\"build_branch\":\"main\","
                        + "\"binding\":\"deploy-main\"}";
        api.then("GET /v1/admin/audit", e -> json(200, "{\"records\":[" + rec + "]}"));
        Run r = cli("audit", "-o", "table");
        succeeded(r);
        assertThat(api.last().getRawQueryString()).isEqualTo("limit=100");
        assertThat(r.out().lines().toList())
                .containsExactly(
                        "TIME                      KIND  DECISION  REASON   ORGANIZATION  PIPELINE  BRANCH  BINDING      REQUEST",
                        "2026-03-01T10:00:00.000Z  vend  allow     allowed  acme          deploy    main    deploy-main  r1");
    }

    @Test
    void auditWithARequestIdShowsThatRequestsWholeRecord() throws Exception {
        String rec = "{\"request_id\":\"Kf/T4+Th=\",\"time\":\"2026-03-01T10:00:00.000Z\",\"kind\":\"vend\","
                + "\"decision\":\"deny\",\"reason\":\"no_matching_binding\",\"detail\":\"deploy-main: build_branch\","
                + "\"organization_slug\":\"acme\",\"pipeline_slug\":\"deploy\",\"build_branch\":\"feature\"}";
        api.then("GET /v1/admin/audit/{request_id}", e -> json(200, "{\"records\":[" + rec + "]}"));

        Run r = cli("audit", "Kf/T4+Th=");

        succeeded(r);
        assertThat(api.last().getRouteKey()).isEqualTo("GET /v1/admin/audit/{request_id}");
        assertThat(api.last().getPathParameters())
                .as("sent as one segment, / and + encoded")
                .containsEntry("request_id", "Kf/T4+Th=");
        JsonNode printed = Json.readTree(r.out());
        assertThat(printed.get("records").get(0).get("detail").asText()).isEqualTo("deploy-main: build_branch");
    }

    @Test
    void auditWithARequestIdAsATableListsEveryFieldAndWhereToLookInCloudTrail() {
        String rec = "{\"request_id\":\"r9\",\"decision\":\"allow\",\"reason\":\"issued\","
                + "\"role_arn\":\"arn:aws:iam::123456789012:role/kitevend/deployer\",\"access_key_id\":\"ASIAEXAMPLE0000000001\"}";
        api.then("GET /v1/admin/audit/{request_id}", e -> json(200, "{\"records\":[" + rec + "]}"));

        Run r = cli("audit", "r9", "-o", "table");

        succeeded(r);
        assertThat(r.out().lines().toList())
                .startsWith(
                        "FIELD          VALUE",
                        "request_id     r9",
                        "decision       allow",
                        "reason         issued",
                        "role_arn       arn:aws:iam::123456789012:role/kitevend/deployer",
                        "access_key_id  ASIAEXAMPLE0000000001")
                .contains("CloudTrail: what these credentials did, in the role's account: aws cloudtrail lookup-events"
                        + " --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=ASIAEXAMPLE0000000001");
    }

    @Test
    void auditWithARequestIdAndFiltersIsAUsageError() {
        Run r = cli("audit", "r9", "--pipeline", "deploy");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("REQUEST_ID looks up one request");
        assertThat(api.events).isEmpty();
    }

    @Test
    void anUnknownRequestIdPrintsTheProblem() {
        api.then(
                "GET /v1/admin/audit/{request_id}",
                e -> json(404, "{\"code\":\"not_found\",\"detail\":\"There is no audit record of request r0.\"}"));

        Run r = cli("audit", "r0");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("404 not_found: There is no audit record of request r0.");
    }

    @Test
    void withoutCredentialsOrServerTheCliSaysWhatIsMissing() {
        AwsCredentialsProvider none = () -> {
            throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
        };
        Run r = cli(none, "bindings", "list");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no AWS credentials").contains("AWS_ACCESS_KEY_ID");
        assertThat(api.events).isEmpty();

        StringWriter err = new StringWriter();
        int exit = Main.run(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(AKID, SECRET)),
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true),
                "bindings",
                "list",
                "--url",
                "http://127.0.0.1:1");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("nothing answers at http://127.0.0.1:1");
    }
}
