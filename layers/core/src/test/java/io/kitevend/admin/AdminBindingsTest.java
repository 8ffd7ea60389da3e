package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.READER;
import static io.kitevend.testing.AdminFixture.WRITER;
import static io.kitevend.testing.AdminFixture.iam;
import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingsDocument;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading, creating, replacing and deleting one binding through the admin service; versions and audit. */
class AdminBindingsTest {
    private static final String PATH = "/v1/admin/bindings/acme/deploy-main";
    private static final String BODY = """
            {"pipeline":"deploy","conditions":{"build_branch":["main"]},
             "role_arn":"arn:aws:iam::123456789012:role/kitevend/deployer","description":"first"}""";

    private InMemoryBindingStore store;
    private InMemoryAuditStore audit;
    private AdminFixture f;

    @BeforeEach
    void setUp() {
        store = new InMemoryBindingStore();
        audit = new InMemoryAuditStore();
        f = new AdminFixture(store, audit);
    }

    private static JsonNode json(HttpResponse r) throws Exception {
        return Json.readTree(r.body());
    }

    private HttpResponse create() {
        return f.send(request("PUT", PATH).json(BODY));
    }

    private static void assertProblem(HttpResponse r, int status, String code) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.headers()).containsEntry("content-type", "application/problem+json");
        assertThat(json(r).get("code").asText()).isEqualTo(code);
    }

    @Test
    void createStoresVersionOneWithCreatorAndAnswers201WithETag() throws Exception {
        HttpResponse r = create();

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.headers()).containsEntry("etag", "\"1\"").containsEntry("location", PATH);
        JsonNode body = json(r);
        assertThat(body.get("name").asText()).isEqualTo("deploy-main");
        assertThat(body.get("organization").asText()).isEqualTo("acme");
        assertThat(body.get("version").asLong()).isEqualTo(1);
        assertThat(body.get("created_by").asText()).isEqualTo(WRITER);
        assertThat(body.get("created_at").asText()).isEqualTo(f.clock.instant().toString());
        Binding stored = store.get("acme", "deploy-main").orElseThrow();
        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored.createdBy()).isEqualTo(WRITER);
        assertThat(stored.description()).isEqualTo("first");
        assertThat(Json.write(BindingsDocument.toJson(stored))).isEqualTo(r.body());
    }

    @Test
    void createOfAnExistingNameIs409AndLeavesItAlone() throws Exception {
        create();
        HttpResponse again = f.send(request("PUT", PATH).json(BODY.replace("first", "second")));

        assertProblem(again, 409, "binding_exists");
        assertThat(store.get("acme", "deploy-main").orElseThrow().description()).isEqualTo("first");
    }

    @Test
    void getAnswersTheBindingWithItsVersionAsETag() throws Exception {
        create();

        HttpResponse r = f.send(request("GET", PATH).as(iam(READER)));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers()).containsEntry("etag", "\"1\"").containsEntry("content-type", "application/json");
        assertThat(json(r).get("role_arn").asText()).isEqualTo(AdminFixture.ROLE_ARN);
        assertProblem(
                f.send(request("GET", "/v1/admin/bindings/acme/nothing-here").as(iam(READER))), 404, "not_found");
    }

    @Test
    void replaceWithTheCurrentVersionWritesTheNextKeepingCreation() throws Exception {
        create();
        f.clock.advance(Duration.ofMinutes(5));

        HttpResponse r = f.send(request("PUT", PATH).ifMatch(1).json(BODY.replace("first", "second")));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.headers()).containsEntry("etag", "\"2\"");
        Binding stored = store.get("acme", "deploy-main").orElseThrow();
        assertThat(stored.version()).isEqualTo(2);
        assertThat(stored.description()).isEqualTo("second");
        assertThat(stored.createdAt()).isEqualTo(f.clock.instant().minus(Duration.ofMinutes(5)));
        assertThat(stored.updatedAt()).isEqualTo(f.clock.instant());
        assertThat(stored.updatedBy()).isEqualTo(WRITER);
    }

    @Test
    void replaceWithAStaleVersionIs412AndChangesNothing() throws Exception {
        create();
        f.send(request("PUT", PATH).ifMatch(1).json(BODY.replace("first", "second")));

        HttpResponse stale = f.send(request("PUT", PATH).ifMatch(1).json(BODY.replace("first", "third")));

        assertProblem(stale, 412, "version_mismatch");
        assertThat(store.get("acme", "deploy-main").orElseThrow().description()).isEqualTo("second");
    }

    @Test
    void replaceOfAMissingBindingIs404() throws Exception {
        assertProblem(f.send(request("PUT", PATH).ifMatch(1).json(BODY)), 404, "not_found");
        assertThat(store.get("acme", "deploy-main")).isEmpty();
    }

    @Test
    void ifMatchAcceptsTheETagOrTheBareVersionButNotStarOrLists() throws Exception {
        create();
        assertThat(f.send(request("PUT", PATH).header("If-Match", "1").json(BODY))
                        .status())
                .isEqualTo(200);
        assertProblem(f.send(request("PUT", PATH).header("If-Match", "*").json(BODY)), 400, "malformed_request");
        assertProblem(
                f.send(request("PUT", PATH).header("If-Match", "\"2\", \"3\"").json(BODY)), 400, "malformed_request");
        assertProblem(f.send(request("PUT", PATH).header("If-Match", "W/\"2\"").json(BODY)), 400, "malformed_request");
        assertThat(store.get("acme", "deploy-main").orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void deleteNeedsIfMatchAndTheCurrentVersion() throws Exception {
        create();

        assertProblem(f.send(request("DELETE", PATH)), 412, "if_match_required");
        assertProblem(f.send(request("DELETE", PATH).ifMatch(7)), 412, "version_mismatch");
        assertThat(store.get("acme", "deploy-main")).isPresent();

        HttpResponse deleted = f.send(request("DELETE", PATH).ifMatch(1));
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isNull();
        assertThat(store.get("acme", "deploy-main")).isEmpty();
        assertProblem(f.send(request("DELETE", PATH).ifMatch(1)), 404, "not_found");
    }

    @Test
    void whatGetAnswersCanBeEditedAndSentBack() throws Exception {
        create();
        JsonNode got = json(f.send(request("GET", PATH)));
        String edited = Json.write(((com.fasterxml.jackson.databind.node.ObjectNode) got).put("description", "edited"));

        HttpResponse r =
                f.send(request("PUT", PATH).ifMatch(got.get("version").asLong()).json(edited));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(store.get("acme", "deploy-main").orElseThrow().description()).isEqualTo("edited");
    }

    @Test
    void everyChangeIsAnAuditRecordWithPrincipalActionBeforeAndAfter() throws Exception {
        create();
        f.send(request("GET", PATH).as(iam(READER)));
        f.send(request("GET", "/v1/admin/bindings")
                .query("organization", "acme")
                .as(iam(READER)));
        f.send(request("PUT", PATH).ifMatch(1).json(BODY.replace("first", "second")));
        f.send(request("DELETE", PATH).ifMatch(2));

        List<Map<String, Object>> all = audit.records();
        assertThat(all)
                .as("the reads are audited too, as reads")
                .filteredOn(r -> "admin_read".equals(r.get("reason")))
                .extracting(r -> r.get("action"), r -> r.get("principal"))
                .containsExactly(tuple("get", READER), tuple("list", READER));
        List<Map<String, Object>> records =
                all.stream().filter(r -> !"admin_read".equals(r.get("reason"))).toList();
        assertThat(records).hasSize(3);
        assertThat(records).extracting(r -> r.get("action")).containsExactly("create", "replace", "delete");
        assertThat(records)
                .allSatisfy(r -> assertThat(r)
                        .containsEntry("kind", "admin")
                        .containsEntry("decision", "allow")
                        .containsEntry("principal", WRITER)
                        .containsEntry("binding", "deploy-main")
                        .containsEntry("binding_organization", "acme")
                        .containsEntry("source_ip", "198.51.100.7"));

        assertThat(records.get(0)).doesNotContainKey("before");
        assertThat(bindingJson(records.get(0), "after").get("version").asLong()).isEqualTo(1);
        assertThat(bindingJson(records.get(1), "before").get("description").asText())
                .isEqualTo("first");
        assertThat(bindingJson(records.get(1), "after").get("description").asText())
                .isEqualTo("second");
        assertThat(bindingJson(records.get(1), "after").get("version").asLong()).isEqualTo(2);
        assertThat(bindingJson(records.get(2), "before").get("version").asLong())
                .isEqualTo(2);
        assertThat(records.get(2)).doesNotContainKey("after");
    }

    @Test
    void refusedChangesAreNotMadeAndNotAuditedAsChanges() throws Exception {
        create();
        f.send(request("PUT", PATH).json(BODY)); // 409
        f.send(request("PUT", PATH).ifMatch(5).json(BODY)); // 412
        f.send(request("PUT", PATH).ifMatch(1).json("{\"pipeline\":\"\"}")); // 400
        f.send(request("DELETE", PATH)); // 412

        assertThat(audit.records())
                .filteredOn(r -> "allow".equals(r.get("decision")))
                .extracting(r -> r.get("action"))
                .containsExactly("create");
        assertThat(audit.records())
                .as("each refused attempt is recorded as refused")
                .filteredOn(r -> "deny".equals(r.get("decision")))
                .extracting(r -> r.get("reason"))
                .containsExactly("binding_exists", "version_mismatch", "invalid_binding", "if_match_required");
    }

    private static JsonNode bindingJson(Map<String, Object> record, String field) throws Exception {
        return Json.readTree((String) record.get(field));
    }

    // ------------------------------------------------------------------ listing

    private void seed(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            store.put(
                    AdminFixture.binding(String.format("b-%03d", i)).version(1).build());
        }
    }

    private List<String> names(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("bindings").forEach(b -> out.add(b.get("name").asText()));
        return out;
    }

    @Test
    void listPagesThroughAllBindingsInNameOrder() throws Exception {
        seed(23);
        store.put(AdminFixture.binding("other-org")
                .organization("globex")
                .version(1)
                .build());

        List<String> seen = new ArrayList<>();
        String page = null;
        int pages = 0;
        do {
            var req = request("GET", "/v1/admin/bindings")
                    .as(iam(READER))
                    .query("organization", "acme")
                    .query("limit", "10");
            if (page != null) {
                req.query("page", page);
            }
            HttpResponse r = f.send(req);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode body = json(r);
            assertThat(body.get("bindings").size()).isLessThanOrEqualTo(10);
            seen.addAll(names(body));
            page = body.hasNonNull("next_page") ? body.get("next_page").asText() : null;
            pages++;
        } while (page != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(23).isSorted().doesNotHaveDuplicates().doesNotContain("other-org");
    }

    @Test
    void listDefaultsToTheOnlyOrganizationAndNeedsOneWhenThereAreSeveral() throws Exception {
        seed(2);
        // The fixture's deployment has two organizations.
        HttpResponse several = f.send(request("GET", "/v1/admin/bindings").as(iam(READER)));
        assertProblem(several, 400, "malformed_request");

        AdminFixture single = new AdminFixture(store, audit, audit, Map.of("KITEVEND_ORGANIZATIONS", "acme"));
        HttpResponse r = single.send(request("GET", "/v1/admin/bindings").as(iam(READER)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(names(json(r))).containsExactly("b-000", "b-001");
    }

    @Test
    void listByPipelineGivesItsExactBindingsAndTheMatchingGlobs() throws Exception {
        store.put(AdminFixture.binding("deploy-main").version(1).build());
        store.put(
                AdminFixture.binding("build-main").pipeline("build").version(1).build());
        store.put(AdminFixture.binding("dep-glob").pipeline("dep*").version(1).build());
        store.put(AdminFixture.binding("infra-glob")
                .pipeline("infra-*")
                .version(1)
                .build());
        store.put(AdminFixture.binding("everything").pipeline("*").version(1).build());

        HttpResponse r = f.send(request("GET", "/v1/admin/bindings")
                .as(iam(READER))
                .query("organization", "acme")
                .query("pipeline", "deploy"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(names(json(r))).containsExactly("dep-glob", "deploy-main", "everything");
    }

    @Test
    void listLimitsAndTokensAreChecked() throws Exception {
        seed(3);
        for (String bad : List.of("0", "101", "-1", "ten", "1.5")) {
            assertProblem(
                    f.send(request("GET", "/v1/admin/bindings")
                            .query("organization", "acme")
                            .query("limit", bad)),
                    400,
                    "malformed_request");
        }
        assertProblem(
                f.send(request("GET", "/v1/admin/bindings")
                        .query("organization", "acme")
                        .query("page", "garbage")),
                400,
                "malformed_request");
        String token = json(f.send(request("GET", "/v1/admin/bindings")
                        .query("organization", "acme")
                        .query("limit", "1")))
                .get("next_page")
                .asText();
        assertProblem(
                f.send(request("GET", "/v1/admin/bindings")
                        .query("organization", "globex")
                        .query("page", token)),
                400,
                "malformed_request");
        HttpResponse next = f.send(request("GET", "/v1/admin/bindings")
                .query("organization", "acme")
                .query("limit", "1")
                .query("page", token));
        assertThat(names(json(next))).containsExactly("b-001");
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405ForAdmins() throws Exception {
        assertProblem(f.send(request("GET", "/v1/admin/nothing")), 404, "not_found");
        assertProblem(f.send(request("GET", "/v1/admin/bindings/acme")), 404, "not_found");
        HttpResponse wrong = f.send(request("POST", "/v1/admin/bindings"));
        assertProblem(wrong, 405, "method_not_allowed");
        assertThat(wrong.headers()).containsEntry("allow", "GET");
    }

    @Test
    void bodiesMustBeJsonOfBoundedSize() throws Exception {
        assertProblem(
                f.send(request("PUT", PATH).header("Content-Type", "text/plain").json(BODY)),
                415,
                "unsupported_media_type");
        assertProblem(f.send(request("PUT", PATH).json("not json")), 400, "malformed_request");
        assertProblem(f.send(request("PUT", PATH).json("[1,2]")), 400, "malformed_request");
        assertProblem(f.send(request("PUT", PATH)), 400, "malformed_request");
        String huge = BODY.replace("\"first\"", "\"" + "x".repeat(AdminService.MAX_BINDING_BODY) + "\"");
        assertProblem(f.send(request("PUT", PATH).json(huge)), 413, "payload_too_large");
        assertThat(store.get("acme", "deploy-main")).isEmpty();
    }
}
