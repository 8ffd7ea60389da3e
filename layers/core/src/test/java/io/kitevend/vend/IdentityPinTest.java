package io.kitevend.vend;

import static io.kitevend.testing.AdminFixture.iam;
import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.credentials.SimulatedCredentialIssuer;
import io.kitevend.http.HttpResponse;
import io.kitevend.job.JobPorts;
import io.kitevend.job.JobSettings;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.VendFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Buildkite slugs can be renamed and reused; ids cannot. A binding (its {@code organization_id} and
 * {@code pipeline_id}) and the organization allowlist ({@code KITEVEND_ORGANIZATIONS=slug=id}) pin
 * ids, and a pinned id needs the claim: a job of a reused slug, or one that did not request the
 * claim, does not get the role.
 */
class IdentityPinTest {
    static final String ACME_ID = "0184990a-0000-4000-8000-0000000000ac";
    static final String DEPLOY_ID = "0184990a-0000-4000-8000-0000000000de";
    static final String OTHER_ID = "0184990a-0000-4000-8000-0000000000ff";

    private static final String DOCUMENT = """
            bindings:
              - name: deploy-pinned
                organization: acme
                pipeline: deploy
                organization_id: %s
                pipeline_id: %s
                conditions: {build_branch: [main]}
                role_arn: %s
            """.formatted(ACME_ID, DEPLOY_ID, AdminFixture.ROLE_ARN);

    private AdminFixture admin;
    private InMemoryAuditStore vendAudit;
    private VendService vend;

    @BeforeEach
    void setUp() {
        InMemoryBindingStore store = new InMemoryBindingStore();
        admin = new AdminFixture(
                store,
                new InMemoryAuditStore(),
                new InMemoryAuditStore(),
                Map.of("KITEVEND_ORGANIZATIONS", "acme=" + ACME_ID + ",globex"));
        vendAudit = new InMemoryAuditStore();
        var ports = JobPorts.inMemory(
                new JobSettings(admin.config.token(), admin.config.bindingRules(), Duration.ZERO, true),
                store,
                vendAudit,
                admin.clock,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        vend = new VendService(ports, new SimulatedCredentialIssuer(admin.clock), admin.clock);
    }

    private HttpResponse apply(String yaml) {
        return admin.send(
                request("POST", "/v1/admin/apply").as(iam(AdminFixture.WRITER)).yaml(yaml));
    }

    private VendResult vendWith(String org, Map<String, String> ids) {
        Map<String, Object> claims = admin.minter.claims(org, "deploy", "main");
        claims.putAll(ids);
        return vend.vend(VendFixture.bearer(admin.minter.sign(claims)));
    }

    private Map<String, Object> lastVendAudit() {
        List<Map<String, Object>> all = vendAudit.records();
        return all.get(all.size() - 1);
    }

    @Test
    void aPinnedBindingAllowsOnlyTheJobOfThatPipelineId() throws Exception {
        assertThat(apply(DOCUMENT).status()).as("the document applies").isEqualTo(200);

        VendResult same = vendWith("acme", Map.of("organization_id", ACME_ID, "pipeline_id", DEPLOY_ID));
        assertThat(same).isInstanceOf(VendResult.Issued.class);
        assertThat(lastVendAudit())
                .containsEntry("binding", "deploy-pinned")
                .containsEntry("organization_id", ACME_ID)
                .containsEntry("pipeline_id", DEPLOY_ID);

        // The slug 'deploy' now belongs to another pipeline (renamed, then reused).
        VendResult reused = vendWith("acme", Map.of("organization_id", ACME_ID, "pipeline_id", OTHER_ID));
        JsonNode problem = Json.readTree(VendResponses.toHttp(reused).body());
        assertThat(problem.path("code").asText()).isEqualTo("no_matching_binding");
        assertThat(problem.has("missing_claims"))
                .as("asking for a claim would not help")
                .isFalse();
        assertThat((String) lastVendAudit().get("detail"))
                .contains("pipeline_id '" + OTHER_ID + "' is not the pinned " + DEPLOY_ID);
    }

    @Test
    void aJobThatDidNotRequestThePinnedClaimIsToldWhichToRequest() throws Exception {
        assertThat(apply(DOCUMENT).status()).isEqualTo(200);

        VendResult result = vendWith("acme", Map.of("organization_id", ACME_ID));

        var http = VendResponses.toHttp(result);
        assertThat(http.status()).isEqualTo(403);
        JsonNode problem = Json.readTree(http.body());
        assertThat(problem.path("missing_claims").toString()).isEqualTo("[\"pipeline_id\"]");
        assertThat(problem.path("detail").asText()).contains("--claim pipeline_id");
    }

    @Test
    void theAllowlistPinsTheOrganizationIdAndNeedsTheClaim() {
        VendResult without = vendWith("acme", Map.of());
        assertThat(VendResponses.toHttp(without).status()).isEqualTo(401);
        assertThat(lastVendAudit())
                .containsEntry("reason", "token_claim_missing")
                .hasEntrySatisfying("detail", d -> assertThat((String) d).contains("--claim organization_id"));

        VendResult other = vendWith("acme", Map.of("organization_id", OTHER_ID));
        assertThat(VendResponses.toHttp(other).status()).isEqualTo(401);
        assertThat(lastVendAudit()).containsEntry("reason", "token_organization_not_allowed");

        // An organization listed by slug alone is not asked for its id.
        VendResult unpinned = vendWith("globex", Map.of());
        assertThat(VendResponses.toHttp(unpinned).status()).isEqualTo(403);
        assertThat(lastVendAudit()).containsEntry("reason", "no_matching_binding");
    }

    @Test
    void explainShowsThePinsAsTheVendPathJudgesThem() throws Exception {
        assertThat(apply(DOCUMENT).status()).isEqualTo(200);

        JsonNode noIds = explain("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"deploy","build_branch":"main"}}""");
        assertThat(noIds.path("reason").asText())
                .as("the organization's pinned id is missing, as in a token")
                .isEqualTo("token_claim_missing");

        JsonNode noPipelineId = explain("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"deploy","build_branch":"main",
                  "organization_id":"%s"}}""".formatted(ACME_ID));
        assertThat(noPipelineId.path("decision").asText()).isEqualTo("deny");
        assertThat(noPipelineId.path("bindings").get(0).path("reason").asText())
                .isEqualTo("pipeline_id is missing (the binding pins it)");

        JsonNode both = explain("""
                {"claims":{"organization_slug":"acme","pipeline_slug":"deploy","build_branch":"main",
                  "organization_id":"%s","pipeline_id":"%s"}}""".formatted(ACME_ID, DEPLOY_ID));
        assertThat(both.path("decision").asText()).isEqualTo("allow");
        assertThat(both.path("selected").asText()).isEqualTo("deploy-pinned");
    }

    @Test
    void pinsAreIdsAndAPipelineIdPinsOnePipelineNotAGlob() throws Exception {
        HttpResponse refused = apply("""
                bindings:
                  - name: bad-org-id
                    organization: acme
                    pipeline: deploy
                    organization_id: acme
                    role_arn: %1$s
                  - name: bad-pipeline-id
                    organization: acme
                    pipeline: deploy
                    pipeline_id: 0184990A-0000-4000-8000-0000000000DE
                    role_arn: %1$s
                  - name: glob-pinned
                    organization: acme
                    pipeline: deploy-*
                    pipeline_id: %2$s
                    role_arn: %1$s
                """.formatted(AdminFixture.ROLE_ARN, DEPLOY_ID));

        assertThat(refused.status()).isEqualTo(400);
        JsonNode problem = Json.readTree(refused.body());
        assertThat(problem.path("errors").toString())
                .contains("bindings[0].organization_id")
                .contains("bindings[1].pipeline_id")
                .contains("bindings[2].pipeline_id")
                .contains("invalid_id")
                .contains("pinned_glob");
    }

    @Test
    void theAdminApiAnswersWithThePins() throws Exception {
        assertThat(apply(DOCUMENT).status()).isEqualTo(200);

        HttpResponse got = admin.send(
                request("GET", "/v1/admin/bindings/acme/deploy-pinned").as(iam(AdminFixture.READER)));

        JsonNode binding = Json.readTree(got.body());
        assertThat(binding.path("organization_id").asText()).isEqualTo(ACME_ID);
        assertThat(binding.path("pipeline_id").asText()).isEqualTo(DEPLOY_ID);
    }

    private JsonNode explain(String json) throws Exception {
        HttpResponse r = admin.send(request("POST", "/v1/admin/explain")
                .as(iam(AdminFixture.READER))
                .json(json));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Json.readTree(r.body());
    }
}
