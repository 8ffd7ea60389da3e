package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.audit.AuditFilter;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingPage;
import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code POST /v1/admin/apply} must do on any binding store: applying the same document
 * twice changes nothing the second time, a dry run writes nothing, prune deletes exactly the
 * bindings of the document's organizations that the document leaves out. Subclasses give the stores.
 */
abstract class ApplyChecks {
    static final String DOCUMENT = """
            bindings:
              - name: deploy-main
                organization: acme
                pipeline: deploy
                conditions:
                  build_branch: [main, "release/*"]
                  agent_tag:queue: deploy
                role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
                max_duration_seconds: 1800
                session_policy:
                  Version: "2012-10-17"
                  Statement:
                    - {Effect: Allow, Action: "s3:GetObject", Resource: "*"}
                session_tags: [pipeline_slug, build_number, agent_tag:queue]
                description: Deploys from main and release branches
              - name: infra-plan
                organization: acme
                pipeline: "infra-*"
                role_arn: arn:aws:iam::210987654321:role/kitevend/planner
                external_id: kitevend-acme
                enabled: false
              - name: build-any
                organization: globex
                pipeline: build
                conditions: {}
                session_tags: []
                role_arn: arn:aws:iam::123456789012:role/kitevend/builder
            """;

    protected AdminFixture f;

    /** A fixture on fresh, empty stores. */
    protected abstract AdminFixture newFixture();

    @BeforeEach
    void createFixture() {
        f = newFixture();
    }

    protected JsonNode apply(String document, boolean dryRun, boolean prune) throws Exception {
        HttpResponse r = f.send(request("POST", "/v1/admin/apply")
                .yaml(document)
                .query("dry_run", Boolean.toString(dryRun))
                .query("prune", Boolean.toString(prune)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.readTree(r.body());
        assertThat(body.get("dry_run").asBoolean()).isEqualTo(dryRun);
        assertThat(body.get("prune").asBoolean()).isEqualTo(prune);
        return body;
    }

    static List<String> list(JsonNode body, String field) {
        List<String> out = new ArrayList<>();
        body.get(field).forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Every stored binding of both organizations, whole (versions and timestamps included). */
    protected Map<String, Binding> snapshot() throws Exception {
        Map<String, Binding> all = new TreeMap<>();
        for (String org : List.of("acme", "globex")) {
            String after = null;
            do {
                BindingPage page = f.bindingStore.list(org, after, 100);
                page.bindings().forEach(b -> all.put(org + "/" + b.name(), b));
                after = page.nextAfter();
            } while (after != null);
        }
        return all;
    }

    /** The actions of change records; every other admin record is a request's own (a read, an apply that changed nothing). */
    private static final Set<String> CHANGE_ACTIONS = Set.of("create", "replace", "delete");

    /** The change records of the window: one per binding changed. */
    protected List<Map<String, Object>> adminRecords() throws Exception {
        var window = new AuditFilter(
                f.clock.instant().minus(Duration.ofHours(1)),
                f.clock.instant().plus(Duration.ofHours(1)),
                null,
                null,
                null);
        return f.auditQuery.query(window, null, 100).records().stream()
                .filter(r -> "admin".equals(r.get("kind")))
                .filter(r -> CHANGE_ACTIONS.contains(r.get("action")) && "allow".equals(r.get("decision")))
                .toList();
    }

    @Test
    void applyingTheSameDocumentTwiceChangesNothingTheSecondTime() throws Exception {
        JsonNode first = apply(DOCUMENT, false, false);
        assertThat(list(first, "created")).containsExactly("acme/deploy-main", "acme/infra-plan", "globex/build-any");
        assertThat(list(first, "updated")).isEmpty();
        assertThat(first.get("changes")).hasSize(3);
        Map<String, Binding> afterFirst = snapshot();
        assertThat(afterFirst.values()).extracting(Binding::version).containsOnly(1L);
        assertThat(adminRecords()).hasSize(3).allSatisfy(r -> assertThat(r).containsEntry("action", "create"));

        f.clock.advance(Duration.ofMinutes(1));
        JsonNode second = apply(DOCUMENT, false, true);

        assertThat(list(second, "unchanged"))
                .containsExactly("acme/deploy-main", "acme/infra-plan", "globex/build-any");
        assertThat(list(second, "created")).isEmpty();
        assertThat(list(second, "updated")).isEmpty();
        assertThat(list(second, "deleted")).isEmpty();
        assertThat(second.get("changes")).isEmpty();
        assertThat(snapshot()).as("not even a timestamp moved").isEqualTo(afterFirst);
        assertThat(adminRecords()).as("no change, no audit record").hasSize(3);
    }

    @Test
    void theDocumentIsStoredAsWritten() throws Exception {
        apply(DOCUMENT, false, false);

        Binding deploy = f.bindingStore.get("acme", "deploy-main").orElseThrow();
        assertThat(deploy.conditions())
                .isEqualTo(Map.of("build_branch", List.of("main", "release/*"), "agent_tag:queue", List.of("deploy")));
        assertThat(deploy.maxDurationSeconds()).isEqualTo(1800);
        assertThat(Json.readTree(deploy.sessionPolicy())
                        .get("Statement")
                        .get(0)
                        .get("Action")
                        .asText())
                .isEqualTo("s3:GetObject");
        assertThat(deploy.sessionTags()).containsExactly("pipeline_slug", "build_number", "agent_tag:queue");
        assertThat(deploy.createdBy()).isEqualTo(AdminFixture.WRITER);
        Binding infra = f.bindingStore.get("acme", "infra-plan").orElseThrow();
        assertThat(infra.enabled()).isFalse();
        assertThat(infra.externalId()).isEqualTo("kitevend-acme");
        assertThat(f.bindingStore.get("globex", "build-any").orElseThrow().sessionTags())
                .isEmpty();
    }

    @Test
    void aChangedBindingIsUpdatedToTheNextVersionAndTheRestIsUnchanged() throws Exception {
        apply(DOCUMENT, false, false);
        Map<String, Binding> before = snapshot();

        JsonNode r = apply(DOCUMENT.replace("max_duration_seconds: 1800", "max_duration_seconds: 2700"), false, false);

        assertThat(list(r, "updated")).containsExactly("acme/deploy-main");
        assertThat(list(r, "unchanged")).containsExactly("acme/infra-plan", "globex/build-any");
        JsonNode change = r.get("changes").get(0);
        assertThat(change.get("action").asText()).isEqualTo("update");
        assertThat(change.get("before").get("max_duration_seconds").asInt()).isEqualTo(1800);
        assertThat(change.get("after").get("max_duration_seconds").asInt()).isEqualTo(2700);
        assertThat(change.get("after").get("version").asLong()).isEqualTo(2);
        Map<String, Binding> after = snapshot();
        assertThat(after.get("acme/deploy-main").version()).isEqualTo(2);
        assertThat(after.get("acme/deploy-main").createdAt())
                .isEqualTo(before.get("acme/deploy-main").createdAt());
        assertThat(after.get("acme/infra-plan")).isEqualTo(before.get("acme/infra-plan"));
        List<Map<String, Object>> records = adminRecords();
        assertThat(records)
                .filteredOn(rec -> "replace".equals(rec.get("action")))
                .singleElement()
                .satisfies(rec ->
                        assertThat(rec).containsEntry("binding", "deploy-main").containsKeys("before", "after"));
    }

    @Test
    void versionAndTimestampsDoNotMakeADifference() throws Exception {
        apply(DOCUMENT, false, false);
        Binding stored = f.bindingStore.get("acme", "deploy-main").orElseThrow();
        f.bindingStore.put(stored.toBuilder()
                .version(7)
                .updatedBy("someone-else")
                .updatedAt(stored.updatedAt().plusSeconds(60))
                .build());

        JsonNode r = apply(DOCUMENT, false, false);

        assertThat(list(r, "unchanged")).contains("acme/deploy-main");
        assertThat(f.bindingStore.get("acme", "deploy-main").orElseThrow().version())
                .isEqualTo(7);
    }

    @Test
    void aDryRunReportsTheDiffAndWritesNothing() throws Exception {
        apply(DOCUMENT, false, false);
        f.bindingStore.put(AdminFixture.binding("stray").version(1).build());
        Map<String, Binding> before = snapshot();
        int records = adminRecords().size();
        String changed =
                DOCUMENT.replace("description: Deploys from main and release branches", "description: changed") + """
                  - name: new-one
                    organization: acme
                    pipeline: tests
                    role_arn: arn:aws:iam::123456789012:role/kitevend/tester
                """;

        JsonNode dry = apply(changed, true, true);

        assertThat(list(dry, "created")).containsExactly("acme/new-one");
        assertThat(list(dry, "updated")).containsExactly("acme/deploy-main");
        assertThat(list(dry, "deleted")).containsExactly("acme/stray");
        assertThat(dry.get("changes")).hasSize(3);
        assertThat(snapshot()).as("a dry run writes nothing").isEqualTo(before);
        assertThat(adminRecords()).as("and records no change").hasSize(records);

        JsonNode real = apply(changed, false, true);
        assertThat(list(real, "created")).isEqualTo(list(dry, "created"));
        assertThat(list(real, "updated")).isEqualTo(list(dry, "updated"));
        assertThat(list(real, "deleted")).isEqualTo(list(dry, "deleted"));
        assertThat(snapshot()).containsKey("acme/new-one").doesNotContainKey("acme/stray");
    }

    @Test
    void pruneDeletesExactlyTheBindingsOfTheDocumentsOrganizationsThatItLeavesOut() throws Exception {
        for (String name : List.of("keep-a", "drop-b", "drop-c")) {
            f.bindingStore.put(AdminFixture.binding(name).version(1).build());
        }
        f.bindingStore.put(AdminFixture.binding("other-org")
                .organization("globex")
                .version(1)
                .build());
        String document = """
                bindings:
                  - {name: keep-a, organization: acme, pipeline: deploy, conditions: {build_branch: [main]},
                     role_arn: "arn:aws:iam::123456789012:role/kitevend/deployer"}
                  - {name: new-d, organization: acme, pipeline: deploy,
                     role_arn: "arn:aws:iam::123456789012:role/kitevend/deployer"}
                """;

        JsonNode withoutPrune = apply(document, false, false);
        assertThat(list(withoutPrune, "deleted")).isEmpty();
        assertThat(snapshot()).containsKeys("acme/drop-b", "acme/drop-c");

        JsonNode pruned = apply(document, false, true);

        assertThat(list(pruned, "deleted")).containsExactly("acme/drop-b", "acme/drop-c");
        assertThat(list(pruned, "unchanged")).containsExactly("acme/keep-a", "acme/new-d");
        assertThat(snapshot().keySet()).containsExactly("acme/keep-a", "acme/new-d", "globex/other-org");
        assertThat(pruned.get("changes")).allSatisfy(c -> {
            assertThat(c.get("action").asText()).isEqualTo("delete");
            assertThat(c.get("after").isNull()).isTrue();
            assertThat(c.get("before").get("name").asText()).startsWith("drop-");
        });
        assertThat(adminRecords())
                .filteredOn(r -> "delete".equals(r.get("action")))
                .extracting(r -> r.get("binding"))
                .containsExactlyInAnyOrder("drop-b", "drop-c");
    }

    @Test
    void pruneReadsEveryPageOfAnOrganization() throws Exception {
        for (int i = 0; i < 130; i++) {
            f.bindingStore.put(AdminFixture.binding(String.format("old-%03d", i))
                    .version(1)
                    .build());
        }
        String document = """
                bindings:
                  - {name: old-064, organization: acme, pipeline: deploy, conditions: {build_branch: [main]},
                     role_arn: "arn:aws:iam::123456789012:role/kitevend/deployer"}
                """;

        JsonNode dry = apply(document, true, true);

        assertThat(list(dry, "deleted")).hasSize(129).doesNotContain("acme/old-064");
        assertThat(list(dry, "unchanged")).containsExactly("acme/old-064");
    }

    @Test
    void anEmptyDocumentPrunesNothing() throws Exception {
        f.bindingStore.put(AdminFixture.binding("keep").version(1).build());

        JsonNode r = apply("bindings: []", false, true);

        assertThat(list(r, "deleted")).isEmpty();
        assertThat(snapshot()).containsKey("acme/keep");
    }

    @Test
    void aJsonDocumentIsAppliedLikeYaml() throws Exception {
        HttpResponse r = f.send(request("POST", "/v1/admin/apply").json("""
                {"bindings":[{"name":"deploy-main","organization":"acme","pipeline":"deploy",
                  "role_arn":"arn:aws:iam::123456789012:role/kitevend/deployer"}]}"""));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(f.bindingStore.get("acme", "deploy-main")).isPresent();
    }
}
