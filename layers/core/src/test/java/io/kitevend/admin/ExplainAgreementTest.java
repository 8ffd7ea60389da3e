package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.iam;
import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.VendFixture;
import io.kitevend.vend.VendResponses;
import io.kitevend.vend.VendService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code explain} agrees with the vend path: for many generated jobs against a generated set of
 * bindings (seeded, so a failure can be replayed), explain's decision (allow and the selected
 * binding, deny, or ambiguous and the matched names) is what {@code POST /v1/credentials} decides
 * for a token with the same claims, over the same binding store. Explain is asked with the claims
 * and with the token itself; the token is then used for the vend request, which shows that
 * explain did not consume its jti.
 */
class ExplainAgreementTest {
    private static final long SEED = 20_250_105L;
    private static final int BINDINGS = 60;
    private static final int JOBS = 500;

    private static final String[] PIPELINES = {"deploy", "build", "infra-prod", "infra-dev", "docs", "deploy2"};
    private static final String[] PIPELINE_PATTERNS = {
        "deploy", "build", "infra-prod", "docs", "infra-*", "*", "deploy?", "d*s", "build"
    };
    private static final String[] BRANCHES = {"main", "release/1.2", "release/2.0", "feature-x", "feature-xy", "dev"};
    private static final String[] BRANCH_GLOBS = {"main", "release/*", "feature-?", "feature-*", "*", "dev", "rel*"};
    private static final String[] STEPS = {"deploy", "build", "test"};
    private static final String[] STEP_GLOBS = {"deploy", "build", "te?t", "*"};
    private static final String[] SOURCES = {"ui", "webhook", "schedule"};
    private static final String[] QUEUES = {"deploy", "default", "gpu"};

    private AdminFixture f;
    private VendService vend;
    private final Random random = new Random(SEED);
    private final List<String> names = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        f = new AdminFixture(new InMemoryBindingStore(), new InMemoryAuditStore());
        // No cache: both paths read what is stored now. Replay protection on: explain must not consume jtis.
        vend = f.vend(Duration.ZERO, true);
        BindingCompiler compiler = new BindingCompiler(f.config.bindingRules());
        for (int i = 0; i < BINDINGS; i++) {
            Binding b = randomBinding(i);
            assertThat(compiler.validate(b)).as("generated binding %s", b).isEmpty();
            f.bindingStore.put(b);
            names.add(b.name());
        }
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private List<String> some(String[] values) {
        List<String> out = new ArrayList<>();
        int n = 1 + random.nextInt(2);
        for (int i = 0; i < n; i++) {
            String v = pick(values);
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    private Binding randomBinding(int i) {
        Binding.Builder b = Binding.builder()
                .name("b" + i + "-" + random.nextInt(1000))
                .organization(random.nextInt(5) == 0 ? "globex" : "acme")
                .pipeline(pick(PIPELINE_PATTERNS))
                .roleArn("arn:aws:iam::123456789012:role/kitevend/r" + i)
                .enabled(random.nextInt(8) != 0);
        Map<String, List<String>> conditions = new LinkedHashMap<>();
        if (random.nextInt(4) != 0) {
            conditions.put("build_branch", some(BRANCH_GLOBS));
        }
        if (random.nextInt(3) == 0) {
            conditions.put("step_key", some(STEP_GLOBS));
        }
        if (random.nextInt(4) == 0) {
            conditions.put("build_source", some(SOURCES));
        }
        if (random.nextInt(4) == 0) {
            conditions.put("agent_tag:queue", some(QUEUES));
        }
        if (random.nextInt(6) == 0) {
            conditions.put("build_tag", List.of("v*"));
        }
        return b.conditions(conditions).build();
    }

    /** A job's claims: the minter's defaults with the generated values. */
    private Map<String, Object> randomClaims() {
        Map<String, Object> c =
                f.minter.claims(random.nextInt(6) == 0 ? "globex" : "acme", pick(PIPELINES), pick(BRANCHES));
        c.put("step_key", pick(STEPS));
        c.put("build_source", pick(SOURCES));
        if (random.nextInt(3) != 0) {
            c.put("agent_tag:queue", pick(QUEUES));
        }
        if (random.nextInt(5) == 0) {
            c.put("build_tag", random.nextBoolean() ? "v1.0" : "nightly");
        }
        return c;
    }

    /** What the vend path decided, in explain's words. */
    record Outcome(String decision, String selected, List<String> matched) {}

    private Outcome vend(String token, String requested) throws Exception {
        String body = requested == null ? null : "{\"binding\":\"" + requested + "\"}";
        HttpResponse r = VendResponses.toHttp(vend.vend(VendFixture.post("Bearer " + token, body)));
        JsonNode json = Json.readTree(r.body());
        return switch (r.status()) {
            case 200 -> new Outcome("allow", json.get("Binding").asText(), null);
            case 403 -> {
                assertThat(json.get("code").asText()).isEqualTo("no_matching_binding");
                yield new Outcome("deny", null, null);
            }
            case 409 -> {
                List<String> matched = new ArrayList<>();
                json.get("bindings").forEach(n -> matched.add(n.asText()));
                yield new Outcome("ambiguous", null, matched);
            }
            default -> throw new AssertionError("unexpected vend answer " + r.status() + " " + r.body());
        };
    }

    private JsonNode explain(ObjectNode request) throws Exception {
        HttpResponse r = f.send(request("POST", "/v1/admin/explain")
                .as(iam(AdminFixture.READER))
                .json(Json.write(request)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Json.readTree(r.body());
    }

    private static Outcome outcome(JsonNode explained) {
        List<String> matched = new ArrayList<>();
        explained.get("matched").forEach(n -> matched.add(n.asText()));
        String decision = explained.get("decision").asText();
        return new Outcome(
                decision,
                explained.get("selected").isNull()
                        ? null
                        : explained.get("selected").asText(),
                decision.equals("ambiguous") ? matched : null);
    }

    @Test
    void explainDecidesWhatTheVendPathDecidesForEveryGeneratedJob() throws Exception {
        Map<String, Integer> tally = new TreeMap<>();
        for (int job = 0; job < JOBS; job++) {
            Map<String, Object> claims = randomClaims();
            String requested = random.nextInt(4) == 0
                    ? (random.nextInt(5) == 0 ? "no-such-binding" : names.get(random.nextInt(names.size())))
                    : null;
            String token = f.minter.sign(claims);

            ObjectNode byToken = JsonNodeFactory.instance.objectNode().put("token", token);
            ObjectNode byClaims = JsonNodeFactory.instance.objectNode();
            byClaims.set("claims", Json.mapper().valueToTree(claims));
            if (requested != null) {
                byToken.put("binding", requested);
                byClaims.put("binding", requested);
            }
            JsonNode explainedByToken = explain(byToken);
            JsonNode explainedByClaims = explain(byClaims);
            Outcome vended = vend(token, requested);

            String what = "job " + job + " claims " + claims + " requested " + requested;
            assertThat(outcome(explainedByToken)).as(what).isEqualTo(vended);
            assertThat(outcome(explainedByClaims)).as(what).isEqualTo(vended);
            assertThat(explainedByClaims.get("bindings")).as(what).isEqualTo(explainedByToken.get("bindings"));
            // The per-binding list and the matched names tell the same story.
            List<String> matchedInList = new ArrayList<>();
            explainedByToken.get("bindings").forEach(b -> {
                if (b.get("matched").asBoolean()) {
                    matchedInList.add(b.get("name").asText());
                    assertThat(b.get("reason").isNull()).isTrue();
                } else {
                    assertThat(b.get("reason").asText()).isNotBlank();
                }
            });
            List<String> matched = new ArrayList<>();
            explainedByToken.get("matched").forEach(n -> matched.add(n.asText()));
            assertThat(matched).as(what).isEqualTo(matchedInList);
            tally.merge(vended.decision() + (requested == null ? "" : " (named)"), 1, Integer::sum);
        }
        // The generated jobs reach every kind of decision, with and without a named binding.
        assertThat(tally)
                .as("decisions reached: %s", tally)
                .containsKeys("allow", "deny", "ambiguous", "allow (named)", "deny (named)");
        assertThat(tally.get("allow")).isGreaterThanOrEqualTo(25);
        assertThat(tally.get("deny")).isGreaterThanOrEqualTo(25);
        assertThat(tally.get("ambiguous")).isGreaterThanOrEqualTo(25);
    }
}
