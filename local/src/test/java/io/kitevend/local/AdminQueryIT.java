package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The admin routes' query parameters through {@code ./kitevend dev}, started as a process, over
 * HTTP only: the CLI's own commands ({@code bindings apply --dry-run --prune}, {@code audit
 * --pipeline/--decision/--from/--to}) as separate processes, and signed requests for the rest.
 * Every parameter must change the answer the way it says; the state is read back through the
 * runner's {@code /dev/bindings}, not through the route under test.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminQueryIT {
    static final String AKID = IamRoutesTest.ADMIN_AKID;
    static final String SECRET = IamRoutesTest.ADMIN_SECRET;
    static final String ARN = IamRoutesTest.ADMIN_ARN;

    static final String BINDINGS = """
            bindings:
              - {name: deploy-main, organization: acme, pipeline: deploy, conditions: {build_branch: [main]},
                 role_arn: "arn:aws:iam::123456789012:role/kitevend/deployer"}
              - {name: build-main, organization: acme, pipeline: build, conditions: {build_branch: [main]},
                 role_arn: "arn:aws:iam::123456789012:role/kitevend/builder"}
              - {name: web-a, organization: globex, pipeline: web, role_arn: "arn:aws:iam::123456789012:role/kitevend/a"}
              - {name: web-b, organization: globex, pipeline: web, role_arn: "arn:aws:iam::123456789012:role/kitevend/b"}
              - {name: api-a, organization: globex, pipeline: api, role_arn: "arn:aws:iam::123456789012:role/kitevend/a"}
              - {name: keep, organization: initech, pipeline: app, role_arn: "arn:aws:iam::123456789012:role/kitevend/old"}
              - {name: stale, organization: initech, pipeline: app, role_arn: "arn:aws:iam::123456789012:role/kitevend/a"}
            """;

    RunnerProcess runner;
    URI url;
    AdminClient admin;

    @BeforeAll
    void start() throws Exception {
        Path file = Files.createTempFile("bindings", ".yaml");
        Files.writeString(file, BINDINGS);
        runner = RunnerProcess.start(
                "dev",
                "--port",
                "0",
                "--bindings",
                file.toString(),
                "--organizations",
                "acme,globex,initech",
                "--admin-key",
                AKID + ":" + SECRET + ":" + ARN);
        url = runner.awaitListening();
        admin = new AdminClient(
                url,
                "us-east-1",
                StaticCredentialsProvider.create(AwsBasicCredentials.create(AKID, SECRET)),
                Clock.systemUTC());
    }

    @AfterAll
    void stop() throws Exception {
        if (runner != null) {
            runner.close();
        }
    }

    /** {@code ./kitevend ARGS} as the admin; its JSON output. */
    JsonNode cli(String... args) throws Exception {
        try (RunnerProcess cli = RunnerProcess.start(RunnerProcess.cliEnvironment(url, AKID, SECRET), args)) {
            int exit = cli.awaitExit();
            assertThat(exit).as(String.join("\n", cli.stderr)).isZero();
            return Json.readTree(String.join("\n", cli.stdout));
        }
    }

    /** The stored bindings of an organization, as org/name, read through the runner's own dev route. */
    List<String> stored(String organization) throws Exception {
        JsonNode all = Json.readTree(LocalHttp.get(url.resolve("/dev/bindings")).body());
        List<String> names = new ArrayList<>();
        for (JsonNode b : all.get("bindings")) {
            if (b.get("organization").asText().equals(organization)) {
                names.add(organization + "/" + b.get("name").asText());
            }
        }
        return names;
    }

    static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    static List<String> names(JsonNode bindings) {
        return StreamSupport.stream(bindings.spliterator(), false)
                .map(b -> b.get("organization").asText() + "/" + b.get("name").asText())
                .toList();
    }

    JsonNode get(List<String> path, Map<String, String> query) throws Exception {
        var r = admin.get(path, query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Json.readTree(r.body());
    }

    @Test
    void applyWithDryRunChangesNothingAndPruneRemoves() throws Exception {
        Path doc = Files.createTempFile("initech", ".yaml");
        Files.writeString(doc, """
                bindings:
                  - {name: keep, organization: initech, pipeline: app, role_arn: "arn:aws:iam::123456789012:role/kitevend/new"}
                  - {name: fresh, organization: initech, pipeline: app, role_arn: "arn:aws:iam::123456789012:role/kitevend/a"}
                """);
        assertThat(stored("initech")).containsExactlyInAnyOrder("initech/keep", "initech/stale");

        JsonNode dryRun = cli("bindings", "apply", "-f", doc.toString(), "--dry-run", "--prune");
        assertThat(dryRun.get("dry_run").asBoolean()).isTrue();
        assertThat(dryRun.get("prune").asBoolean()).isTrue();
        assertThat(texts(dryRun.get("deleted"))).singleElement().asString().contains("stale");
        assertThat(stored("initech"))
                .as("a dry run changes nothing")
                .containsExactlyInAnyOrder("initech/keep", "initech/stale");

        JsonNode noPrune = cli("bindings", "apply", "-f", doc.toString());
        assertThat(noPrune.get("dry_run").asBoolean()).isFalse();
        assertThat(noPrune.get("deleted")).isEmpty();
        assertThat(stored("initech"))
                .as("without --prune nothing is deleted")
                .containsExactlyInAnyOrder("initech/keep", "initech/fresh", "initech/stale");

        JsonNode pruned = cli("bindings", "apply", "-f", doc.toString(), "--prune");
        assertThat(texts(pruned.get("deleted"))).singleElement().asString().contains("stale");
        assertThat(stored("initech")).containsExactlyInAnyOrder("initech/keep", "initech/fresh");
    }

    @Test
    void listFiltersByOrganizationAndPipelineAndPagesWithLimit() throws Exception {
        List<String> bindings = List.of("v1", "admin", "bindings");
        assertThat(names(
                        get(bindings, AdminClient.query("organization", "acme")).get("bindings")))
                .containsExactlyInAnyOrder("acme/deploy-main", "acme/build-main");
        assertThat(names(get(bindings, AdminClient.query("organization", "globex", "pipeline", "web"))
                        .get("bindings")))
                .containsExactlyInAnyOrder("globex/web-a", "globex/web-b");

        List<String> paged = new ArrayList<>();
        String page = null;
        int pages = 0;
        do {
            JsonNode body = get(bindings, AdminClient.query("organization", "globex", "limit", "1", "page", page));
            assertThat(body.get("bindings")).hasSize(1);
            paged.addAll(names(body.get("bindings")));
            page = body.hasNonNull("next_page") ? body.get("next_page").asText() : null;
            pages++;
        } while (page != null && pages < 10);
        assertThat(paged).containsExactlyInAnyOrder("globex/web-a", "globex/web-b", "globex/api-a");
        assertThat(pages).isEqualTo(3);
    }

    String mint(String pipeline, String branch) throws Exception {
        var r = LocalHttp.post(
                url.resolve("/dev/token"),
                Map.of("content-type", "application/json"),
                Json.write(Map.of("organization", "acme", "pipeline", pipeline, "branch", branch)));
        return Json.readTree(r.body()).get("token").asText();
    }

    String vend(String pipeline, String branch) throws Exception {
        var r = LocalHttp.post(
                url.resolve("/v1/credentials"), Map.of("authorization", "Bearer " + mint(pipeline, branch)), null);
        JsonNode body = Json.readTree(r.body());
        return body.has("RequestId")
                ? body.get("RequestId").asText()
                : body.get("request_id").asText();
    }

    /** {@code ./kitevend audit} of acme/deploy in a window. */
    JsonNode deployAudit(String from, String to) throws Exception {
        return cli("audit", "--organization", "acme", "--pipeline", "deploy", "--from", from, "--to", to);
    }

    static List<String> requestIds(JsonNode result) {
        return StreamSupport.stream(result.get("records").spliterator(), false)
                .map(r -> r.get("request_id").asText())
                .toList();
    }

    record Run(int exit, String out, String err) {}

    /** {@code ./kitevend ARGS} as the admin; its exit status and output. */
    Run run(String... args) throws Exception {
        try (RunnerProcess cli = RunnerProcess.start(RunnerProcess.cliEnvironment(url, AKID, SECRET), args)) {
            int exit = cli.awaitExit();
            return new Run(exit, String.join("\n", cli.stdout), String.join("\n", cli.stderr));
        }
    }

    @Test
    void aRefusedJobsRequestIdLeadsToItsWholeRecordAndTheLookupIsAudited() throws Exception {
        // Several refusals: the runner's request ids are base64, so some hold / or +, which must work too.
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            refused.add(vend("deploy", "feature/lookup-" + i));
        }
        for (String id : refused) {
            JsonNode shown = cli("audit", id);
            assertThat(shown.get("records")).as(id).hasSize(1);
            JsonNode record = shown.get("records").get(0);
            assertThat(record.get("request_id").asText()).isEqualTo(id);
            assertThat(record.get("decision").asText()).isEqualTo("deny");
            assertThat(record.get("reason").asText()).isEqualTo("no_matching_binding");
            assertThat(record.get("detail").asText()).as("the admin's detail").isNotBlank();
            assertThat(record.get("build_branch").asText()).startsWith("feature/lookup-");
            assertThat(record.get("token_sha256").asText()).hasSize(64);
        }

        String allowed = vend("deploy", "main");
        Run table = run("audit", allowed, "-o", "table");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out())
                .containsPattern("(?m)^reason +issued$")
                .containsPattern("(?m)^role_arn +arn:aws:iam::123456789012:role/kitevend/deployer$")
                .containsPattern("(?m)^access_key_id +SIMULATED")
                .contains("AttributeKey=AccessKeyId,AttributeValue=SIMULATED");

        Run unknown = run("audit", "no-such-request");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("404 not_found");

        List<JsonNode> lookups = new ArrayList<>();
        Json.readTree(LocalHttp.get(url.resolve("/dev/audit")).body())
                .get("records")
                .forEach(r -> {
                    if ("audit_record".equals(r.path("action").asText())) {
                        lookups.add(r);
                    }
                });
        assertThat(lookups)
                .as("each lookup is audited: who looked up which request")
                .extracting(r -> r.get("target").asText())
                .contains("request_id=" + refused.get(0), "request_id=" + allowed, "request_id=no-such-request");
        assertThat(lookups)
                .allSatisfy(r -> assertThat(r.get("principal").asText()).isEqualTo(ARN));
    }

    @Test
    void everyAuditFilterFilters() throws Exception {
        Instant start = Instant.now().minusMillis(5);
        // A few milliseconds apart, so that newest-first is one order.
        String deployAllowed = vend("deploy", "main");
        Thread.sleep(5);
        String deployDenied = vend("deploy", "feature/x");
        Thread.sleep(20);
        Instant middle = Instant.now();
        Thread.sleep(20);
        String buildAllowed = vend("build", "main");
        Thread.sleep(5);
        String deployLater = vend("deploy", "main");
        Instant end = Instant.now().plusMillis(5);
        List<String> ours = List.of(deployAllowed, deployDenied, buildAllowed, deployLater);
        String from = start.toString();
        String to = end.toString();

        assertThat(requestIds(cli("audit", "--from", from, "--to", to)))
                .as("the window without a filter")
                .containsAll(ours);
        assertThat(requestIds(deployAudit(from, to)))
                .containsExactlyInAnyOrder(deployAllowed, deployDenied, deployLater);
        assertThat(requestIds(cli("audit", "--decision", "deny", "--from", from, "--to", to)))
                .containsExactly(deployDenied);
        assertThat(requestIds(deployAudit(middle.toString(), to))).as("--from").containsExactly(deployLater);
        assertThat(requestIds(deployAudit(from, middle.toString())))
                .as("--to")
                .containsExactlyInAnyOrder(deployAllowed, deployDenied);

        List<String> audit = List.of("v1", "admin", "audit");
        assertThat(requestIds(get(audit, AdminClient.query("organization", "globex", "from", from, "to", to))))
                .as("organization")
                .isEmpty();
        assertThat(requestIds(get(audit, AdminClient.query("organization", "acme", "from", from, "to", to))))
                .containsAll(ours);
        JsonNode first = get(
                audit,
                AdminClient.query("organization", "acme", "pipeline", "deploy", "from", from, "to", to, "limit", "2"));
        assertThat(requestIds(first)).as("limit, newest first").containsExactly(deployLater, deployDenied);
        JsonNode second = get(
                audit,
                AdminClient.query(
                        "pipeline",
                        "deploy",
                        "from",
                        from,
                        "to",
                        to,
                        "limit",
                        "2",
                        "page",
                        first.get("next_page").asText()));
        assertThat(requestIds(second)).as("page").containsExactly(deployAllowed);
        assertThat(second.hasNonNull("next_page")).isFalse();
    }
}
