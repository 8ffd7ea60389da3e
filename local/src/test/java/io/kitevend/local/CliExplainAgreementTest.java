package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import io.kitevend.local.InJvmCli.Run;
import io.kitevend.testing.Emulators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The loop of docs/admin.md, on generated jobs (seeded): {@code ./kitevend token FLAGS} mints a job's
 * token, {@code ./kitevend explain FLAGS} explains the job described by the same flags, {@code
 * ./kitevend explain --token} explains the token, and the token is vended. All three decisions are
 * the same, whichever flags are left out: explain assumes what a real token always carries, as
 * the dev issuer mints it. The commands run in this JVM against a runner in this JVM, over HTTP,
 * signed as an admin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliExplainAgreementTest {
    private static final long SEED = 20_261_129L;
    private static final int JOBS = 150;
    private static final String AKID = "AKIAADMINEXAMPLE0002";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYADMINKEY02";
    private static final String ARN = "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/bob";

    /** Bindings whose conditions test every claim a flag sets, the always-present ones above all. */
    private static final String BINDINGS = """
            bindings:
              - name: deploy-prod
                organization: acme
                pipeline: deploy
                conditions: {build_branch: [main], build_source: [webhook, ui], step_key: [deploy]}
                role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
              - name: read-artifacts
                organization: acme
                pipeline: "*"
                conditions: {runner_environment: [self-hosted]}
                role_arn: arn:aws:iam::123456789012:role/kitevend/artifact-reader
              - name: hosted-builds
                organization: acme
                pipeline: build
                conditions: {runner_environment: [buildkite-hosted], build_source: [api, schedule]}
                role_arn: arn:aws:iam::123456789012:role/kitevend/builder
              - name: release-tags
                organization: acme
                pipeline: deploy
                conditions: {build_tag: ["v*"], runner_environment: [self-hosted]}
                role_arn: arn:aws:iam::123456789012:role/kitevend/releaser
              - name: queue-infra
                organization: acme
                pipeline: infra-*
                conditions: {queue_key: [infra], build_branch: ["*"]}
                role_arn: arn:aws:iam::123456789012:role/kitevend/terraform
            """;

    private static final String[] PIPELINES = {"deploy", "build", "infra-prod", "docs"};
    private static final String[] BRANCHES = {"main", "feature/x"};
    private static final String[] SOURCES = {"ui", "webhook", "api", "schedule"};
    private static final String[] ENVIRONMENTS = {"self-hosted", "buildkite-hosted"};
    private static final String[] BINDING_NAMES = {"deploy-prod", "read-artifacts", "hosted-builds", "release-tags"};

    /** The explain example of docs/admin.md: {@code ./kitevend explain FLAGS -o table}. */
    private static final Pattern README_EXPLAIN =
            Pattern.compile("^\\./kitevend explain (--org .+?) -o table$", Pattern.MULTILINE);

    private final Random random = new Random(SEED);
    private LocalRunner runner;

    @BeforeAll
    void start() throws Exception {
        Path bindings = Files.createTempFile("explain-agreement", ".yaml");
        Files.writeString(bindings, BINDINGS);
        runner = InJvmCli.quietRunner(AKID + ":" + SECRET + ":" + ARN, bindings);
        Files.delete(bindings);
    }

    @AfterAll
    void stop() {
        runner.close();
    }

    private Run cli(String... args) {
        return InJvmCli.run(InJvmCli.credentials(AKID, SECRET), args);
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    /** The job's flags, as a user would give them to both commands; each may be left out. */
    private List<String> jobFlags() {
        List<String> flags = new ArrayList<>(List.of("--org", "acme", "--pipeline", pick(PIPELINES)));
        if (random.nextBoolean()) {
            flags.addAll(List.of("--branch", pick(BRANCHES)));
        }
        if (random.nextInt(4) == 0) {
            flags.addAll(List.of("--tag", random.nextBoolean() ? "v1.2.0" : "nightly"));
        }
        if (random.nextBoolean()) {
            flags.addAll(List.of("--step-key", random.nextBoolean() ? "deploy" : "test"));
        }
        if (random.nextBoolean()) {
            flags.addAll(List.of("--build-source", pick(SOURCES)));
        }
        if (random.nextBoolean()) {
            flags.addAll(List.of("--claim", "runner_environment=" + pick(ENVIRONMENTS)));
        }
        if (random.nextInt(3) == 0) {
            flags.addAll(List.of("--claim", "queue_key=" + (random.nextBoolean() ? "infra" : "default")));
        }
        return flags;
    }

    /** What was decided, in explain's words: allow and the binding, deny, or ambiguous and the names. */
    record Outcome(String decision, String selected, List<String> matched) {}

    private static Outcome explained(Run run) throws Exception {
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode e = Json.readTree(run.out());
        String decision = e.get("decision").asText();
        List<String> matched = new ArrayList<>();
        e.get("matched").forEach(n -> matched.add(n.asText()));
        return new Outcome(
                decision,
                e.get("selected").isNull() ? null : e.get("selected").asText(),
                decision.equals("ambiguous") ? matched : null);
    }

    private Outcome vended(String token, String binding) throws Exception {
        var r = LocalHttp.post(
                runner.url().resolve("/v1/credentials"),
                Map.of("authorization", "Bearer " + token, "content-type", "application/json"),
                binding == null ? null : Json.write(Map.of("binding", binding)));
        JsonNode body = Json.readTree(r.body());
        return switch (r.status()) {
            case 200 -> new Outcome("allow", body.get("Binding").asText(), null);
            case 403 -> new Outcome("deny", null, null);
            case 409 -> {
                List<String> matched = new ArrayList<>();
                body.get("bindings").forEach(n -> matched.add(n.asText()));
                yield new Outcome("ambiguous", null, matched);
            }
            default -> throw new AssertionError("unexpected vend answer " + r.status() + " " + r.body());
        };
    }

    @Test
    void tokenExplainAndVendAgreeForEveryGeneratedJob() throws Exception {
        String url = runner.url().toString();
        Map<String, Integer> tally = new TreeMap<>();
        for (int job = 0; job < JOBS; job++) {
            List<String> flags = jobFlags();
            String binding = random.nextInt(4) == 0 ? pick(BINDING_NAMES) : null;
            List<String> named = binding == null ? List.of() : List.of("--binding", binding);

            List<String> token = new ArrayList<>(List.of("token", "--url", url));
            token.addAll(flags);
            Run minted = cli(token.toArray(String[]::new));
            assertThat(minted.exit()).as(minted.err()).isZero();
            String jwt = minted.out().strip();

            List<String> byFlags = new ArrayList<>(List.of("explain", "--url", url, "--region", "us-east-1"));
            byFlags.addAll(flags);
            byFlags.addAll(named);
            List<String> byToken =
                    new ArrayList<>(List.of("explain", "--url", url, "--region", "us-east-1", "--token", jwt));
            byToken.addAll(named);

            Outcome flagsSaid = explained(cli(byFlags.toArray(String[]::new)));
            Outcome tokenSaid = explained(cli(byToken.toArray(String[]::new)));
            Outcome vend = vended(jwt, binding);

            String what = "job " + job + ": " + String.join(" ", flags) + " " + String.join(" ", named);
            assertThat(tokenSaid).as("explain --token, " + what).isEqualTo(vend);
            assertThat(flagsSaid).as("explain by the token's flags, " + what).isEqualTo(vend);
            tally.merge(vend.decision(), 1, Integer::sum);
        }
        assertThat(tally).as("decisions reached: %s", tally).containsKeys("allow", "deny", "ambiguous");
    }

    @Test
    void theReadmesExampleSaysWhatTheRealTokenGets() throws Exception {
        try (LocalRunner examples = InJvmCli.quietRunner(
                AKID + ":" + SECRET + ":" + ARN, Emulators.repoRoot().resolve("examples/bindings.yaml"))) {
            String url = examples.url().toString();
            // The job of the page's example, as the page gives it.
            String readme = Files.readString(Emulators.repoRoot().resolve("docs/admin.md"));
            Matcher example = README_EXPLAIN.matcher(readme);
            assertThat(example.find())
                    .as("the explain example of docs/admin.md")
                    .isTrue();
            List<String> flags = List.of(example.group(1).split(" "));
            assertThat(flags).contains("--org", "--pipeline").doesNotContain("--token", "--url");
            List<String> explain =
                    new ArrayList<>(List.of("explain", "--url", url, "--region", "us-east-1", "-o", "table"));
            explain.addAll(flags);
            Run table = cli(explain.toArray(String[]::new));
            assertThat(table.exit()).as(table.err()).isZero();
            assertThat(table.out())
                    .contains("decision: ambiguous (ambiguous_binding)")
                    .contains("assumed build_tag=null, runner_environment=self-hosted");

            List<String> token = new ArrayList<>(List.of("token", "--url", url));
            token.addAll(flags);
            Run minted = cli(token.toArray(String[]::new));
            var r = LocalHttp.post(
                    examples.url().resolve("/v1/credentials"),
                    Map.of("authorization", "Bearer " + minted.out().strip()),
                    null);
            assertThat(r.status()).isEqualTo(409);
            assertThat(Json.readTree(r.body()).get("bindings"))
                    .extracting(JsonNode::asText)
                    .containsExactly("deploy-prod", "read-artifacts");
        }
    }
}
