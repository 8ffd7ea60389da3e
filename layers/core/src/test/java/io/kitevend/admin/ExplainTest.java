package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.iam;
import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/admin/explain}: per-binding reasons, token checks, request shape. */
class ExplainTest {
    private InMemoryBindingStore store;
    private InMemoryAuditStore audit;
    private AdminFixture f;

    @BeforeEach
    void setUp() {
        store = new InMemoryBindingStore();
        audit = new InMemoryAuditStore();
        f = new AdminFixture(store, audit);
        store.put(AdminFixture.binding("deploy-main").build());
        store.put(AdminFixture.binding("deploy-release")
                .conditions(Map.of("build_branch", List.of("release/*")))
                .build());
        store.put(AdminFixture.binding("deploy-off").enabled(false).build());
        store.put(AdminFixture.binding("deploy-step")
                .condition("step_key", "deploy")
                .build());
        store.put(AdminFixture.binding("any-pipeline")
                .pipeline("*")
                .condition("build_branch", "main")
                .build());
        store.put(AdminFixture.binding("infra-only").pipeline("infra-*").build());
        // Stored before the role path was narrowed: no longer valid, so never used by the vend path.
        store.put(AdminFixture.binding("deploy-legacy")
                .roleArn("arn:aws:iam::123456789012:role/legacy/deployer")
                .build());
    }

    private HttpResponse explain(String json) {
        return f.send(request("POST", "/v1/admin/explain")
                .as(iam(AdminFixture.READER))
                .json(json));
    }

    private static JsonNode ok(HttpResponse r) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Json.readTree(r.body());
    }

    private static Map<String, String> reasons(JsonNode explained) {
        Map<String, String> out = new java.util.TreeMap<>();
        explained
                .get("bindings")
                .forEach(b -> out.put(
                        b.get("name").asText(),
                        b.get("matched").asBoolean()
                                ? "MATCHED"
                                : b.get("reason").asText()));
        return out;
    }

    @Test
    void listsEachBindingOfThePipelineWithTheFirstFailedConditionAndDecides() throws Exception {
        JsonNode e = ok(explain("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"deploy","build_branch":"main","step_key":"build"}}"""));

        assertThat(e.get("organization").asText()).isEqualTo("acme");
        assertThat(e.get("pipeline").asText()).isEqualTo("deploy");
        Map<String, String> reasons = reasons(e);
        assertThat(reasons.keySet())
                .as("the glob of other pipelines is not this pipeline's")
                .containsExactly(
                        "any-pipeline", "deploy-legacy", "deploy-main", "deploy-off", "deploy-release", "deploy-step");
        assertThat(reasons)
                .containsEntry("any-pipeline", "MATCHED")
                .containsEntry("deploy-main", "MATCHED")
                .containsEntry("deploy-off", "binding is disabled")
                .containsEntry("deploy-step", "step_key 'build' matches none of [deploy]");
        assertThat(reasons.get("deploy-release")).isEqualTo("build_branch 'main' matches none of [release/*]");
        assertThat(reasons.get("deploy-legacy")).startsWith("the stored binding is invalid and never used");
        assertThat(e.get("decision").asText()).isEqualTo("ambiguous");
        assertThat(e.get("selected").isNull()).isTrue();
        assertThat(e.get("reason").asText()).isEqualTo("ambiguous_binding");
        assertThat(e.get("matched")).extracting(JsonNode::asText).containsExactly("any-pipeline", "deploy-main");
    }

    @Test
    void aNamedBindingIsSelectedAsTheVendPathWould() throws Exception {
        JsonNode e = ok(explain("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"deploy","build_branch":"main"},"binding":"deploy-main"}"""));
        assertThat(e.get("decision").asText()).isEqualTo("allow");
        assertThat(e.get("selected").asText()).isEqualTo("deploy-main");
        assertThat(e.get("reason").asText()).isEqualTo("binding_matched");

        JsonNode missing = ok(explain("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"deploy","build_branch":"main"},"binding":"deploy-off"}"""));
        assertThat(missing.get("decision").asText()).isEqualTo("deny");
        assertThat(missing.get("reason").asText()).isEqualTo("requested_binding_not_matched");
    }

    @Test
    void aMissingClaimNeverMatchesAConditionOnIt() throws Exception {
        // An optional claim (the job asks for it with --claim): missing unless given, and named.
        store.put(AdminFixture.binding("deploy-queue")
                .pipeline("queued")
                .conditions(Map.of("queue_key", List.of("deploy")))
                .build());
        JsonNode e = ok(explain("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"queued","build_branch":"feature"}}"""));

        assertThat(reasons(e)).containsEntry("deploy-queue", "queue_key is missing");
        assertThat(e.get("decision").asText()).isEqualTo("deny");
        assertThat(e.get("reason").asText()).isEqualTo("no_matching_binding");
        assertThat(e.get("missing_claims")).extracting(JsonNode::asText).containsExactly("queue_key");
        // A claim given as null is not assumed: this job's step has no key.
        JsonNode noKey = ok(explain("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"deploy","step_key":null},"binding":"deploy-step"}"""));
        assertThat(reasons(noKey)).containsEntry("deploy-step", "step_key is missing");
    }

    @Test
    void claimsEveryRealTokenCarriesAreAssumedWhenNotGivenAndNamed() throws Exception {
        store.put(AdminFixture.binding("deploy-hosted")
                .pipeline("hosted")
                .conditions(Map.of("runner_environment", List.of("buildkite-hosted")))
                .build());
        store.put(AdminFixture.binding("deploy-self")
                .pipeline("hosted")
                .conditions(Map.of("runner_environment", List.of("self-hosted"), "build_source", List.of("ui")))
                .build());
        JsonNode e = ok(explain("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"hosted","build_branch":"feature","step_key":"deploy"}}"""));

        assertThat(Json.write(e.get("assumed_claims")))
                .isEqualTo("{\"build_tag\":null,\"build_source\":\"ui\"," + "\"runner_environment\":\"self-hosted\"}");
        assertThat(e.get("decision").asText()).isEqualTo("allow");
        assertThat(e.get("selected").asText()).isEqualTo("deploy-self");
        assertThat(reasons(e))
                .containsEntry("deploy-hosted", "runner_environment 'self-hosted' matches none of [buildkite-hosted]");

        JsonNode given = ok(explain("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"hosted","runner_environment":"buildkite-hosted",
                 "build_branch":"feature","build_tag":null,"step_key":null,"build_source":"api"}}"""));
        assertThat(given.get("assumed_claims").size()).isZero();
        assertThat(given.get("selected").asText()).isEqualTo("deploy-hosted");
    }

    @Test
    void claimsOfAnOrganizationThisDeploymentRefusesAreDenied() throws Exception {
        store.put(AdminFixture.binding("initech-main").organization("initech").build());

        JsonNode e = ok(explain("""
                {"claims":{"organization_slug":"initech","pipeline_slug":"deploy","build_branch":"main"}}"""));

        assertThat(e.get("decision").asText()).isEqualTo("deny");
        assertThat(e.get("reason").asText()).isEqualTo("token_organization_not_allowed");
        assertThat(reasons(e)).containsEntry("initech-main", "MATCHED");
    }

    @Test
    void aValidTokenIsExplainedAndItsJtiIsNotConsumed() throws Exception {
        Map<String, Object> claims = f.minter.claims("acme", "deploy", "main");
        claims.put("step_key", "deploy");
        String token = f.minter.sign(claims);
        var vend = f.vend(java.time.Duration.ZERO, true);

        JsonNode first = ok(explain("{\"token\":\"" + token + "\",\"binding\":\"deploy-step\"}"));
        JsonNode second = ok(explain("{\"token\":\"" + token + "\",\"binding\":\"deploy-step\"}"));

        assertThat(first.get("decision").asText()).isEqualTo("allow");
        assertThat(second).isEqualTo(first);
        var result =
                vend.vend(io.kitevend.testing.VendFixture.post("Bearer " + token, "{\"binding\":\"deploy-step\"}"));
        assertThat(result).isInstanceOf(io.kitevend.vend.VendResult.Issued.class);
    }

    @Test
    void aTokenTheVendPathWouldRefuseIs400WithTheRejectionCode() throws Exception {
        Map<String, Object> expired = f.minter.claims();
        expired.put("exp", java.time.Instant.now().minusSeconds(600).getEpochSecond());
        Map<String, Object> otherOrg = f.minter.claims("initech", "deploy", "main");
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("token_expired", f.minter.sign(expired));
        cases.put("token_organization_not_allowed", f.minter.sign(otherOrg));
        cases.put("token_malformed", "not-a-jwt");
        String good = f.minter.sign();
        cases.put("token_signature_invalid", good.substring(0, good.lastIndexOf('.') + 1) + "AAAA");

        for (var c : cases.entrySet()) {
            HttpResponse r = explain("{\"token\":\"" + c.getValue() + "\"}");
            assertThat(r.status()).as(c.getKey() + ": " + r.body()).isEqualTo(400);
            JsonNode body = Json.readTree(r.body());
            assertThat(body.get("code").asText()).isEqualTo("token_not_accepted");
            assertThat(body.get("reason").asText()).isEqualTo(c.getKey());
        }
    }

    @Test
    void theRequestMustBeOneOfClaimsOrTokenWithKnownFields() throws Exception {
        List<String> bad = new ArrayList<>(List.of(
                "{}",
                "{\"claims\":{\"organization_slug\":\"acme\",\"pipeline_slug\":\"deploy\"},\"token\":\"x\"}",
                "{\"claims\":{\"organization_slug\":\"acme\"}}",
                "{\"claims\":{\"organization_slug\":\"acme\",\"pipeline_slug\":\"deploy\",\"build_branch\":7}}",
                "{\"claims\":{\"organization_slug\":\"acme\",\"pipeline_slug\":\"deploy\",\"build_number\":\"x\"}}",
                "{\"claims\":[]}",
                "{\"token\":42}",
                "{\"claims\":{\"organization_slug\":\"acme\",\"pipeline_slug\":\"deploy\"},\"binding\":\"Bad Name\"}",
                "{\"claims\":{\"organization_slug\":\"acme\",\"pipeline_slug\":\"deploy\"},\"role\":\"x\"}"));
        for (String body : bad) {
            HttpResponse r = explain(body);
            assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(Json.readTree(r.body()).get("code").asText()).isEqualTo("malformed_request");
        }
        assertThat(audit.records())
                .as("each refused explain is audited as one")
                .hasSize(bad.size())
                .allSatisfy(rec -> assertThat(rec)
                        .containsEntry("action", "explain")
                        .containsEntry("decision", "deny")
                        .containsEntry("reason", "malformed_request"));
    }
}
