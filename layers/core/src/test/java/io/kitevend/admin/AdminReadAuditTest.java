package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.READER;
import static io.kitevend.testing.AdminFixture.corporate;
import static io.kitevend.testing.AdminFixture.iam;
import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.http.HttpResponse;
import io.kitevend.testing.AdminFixture;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every allowed read leaves one audit record: who read what (principal, action, the binding or the filters). */
class AdminReadAuditTest {
    private InMemoryAuditStore audit;
    private AdminFixture f;

    @BeforeEach
    void setUp() {
        InMemoryBindingStore store = new InMemoryBindingStore();
        audit = new InMemoryAuditStore();
        f = new AdminFixture(store, audit);
        store.put(AdminFixture.binding("deploy-main").version(1).build());
    }

    /** Sends the read and returns its one audit record. */
    private Map<String, Object> read(AdminFixture.Request r, int status) {
        int before = audit.records().size();
        HttpResponse response = f.send(r);

        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(audit.records()).hasSize(before + 1);
        Map<String, Object> record = audit.records().getLast();
        assertThat(record)
                .containsEntry("kind", "admin")
                .containsEntry("status", status)
                .containsEntry("source_ip", "198.51.100.7")
                .containsEntry("user_agent", "kitevend-cli/0.1");
        return record;
    }

    @Test
    void gettingABindingRecordsWhoReadWhich() {
        Map<String, Object> r =
                read(request("GET", "/v1/admin/bindings/acme/deploy-main").as(iam(READER)), 200);

        assertThat(r)
                .containsEntry("decision", "allow")
                .containsEntry("reason", "admin_read")
                .containsEntry("action", "get")
                .containsEntry("principal", READER)
                .containsEntry("binding", "deploy-main")
                .containsEntry("binding_organization", "acme");
    }

    @Test
    void listingRecordsTheFilters() {
        Map<String, Object> r = read(
                request("GET", "/v1/admin/bindings")
                        .query("organization", "acme")
                        .query("pipeline", "deploy")
                        .as(iam(READER)),
                200);

        assertThat(r)
                .containsEntry("action", "list")
                .containsEntry("principal", READER)
                .containsEntry("binding_organization", "acme")
                .containsEntry("target", "organization=acme pipeline=deploy");
    }

    @Test
    void queryingTheAuditTrailRecordsTheFilters() {
        Map<String, Object> r = read(
                request("GET", "/v1/admin/audit")
                        .query("organization", "acme")
                        .query("decision", "deny")
                        .query("from", "2026-01-01T00:00:00Z")
                        .query("to", "2026-01-02T00:00:00Z")
                        .as(corporate("00u-alice", AdminFixture.READER_GROUP)),
                200);

        assertThat(r)
                .containsEntry("action", "audit")
                .containsEntry("decision", "allow")
                .containsEntry("principal", "jwt:" + AdminFixture.CORPORATE_ISSUER + "#00u-alice")
                .containsEntry(
                        "target", "decision=deny from=2026-01-01T00:00:00Z organization=acme to=2026-01-02T00:00:00Z");
    }

    @Test
    void explainingRecordsWhatWasExplained() {
        Map<String, Object> r = read(
                request("POST", "/v1/admin/explain")
                        .json("{\"claims\":{\"organization_slug\":\"acme\",\"pipeline_slug\":\"deploy\","
                                + "\"build_branch\":\"main\"},\"binding\":\"deploy-main\"}")
                        .as(iam(READER)),
                200);

        assertThat(r)
                .containsEntry("action", "explain")
                .containsEntry("principal", READER)
                .containsEntry("binding_organization", "acme")
                .containsEntry("target", "pipeline=deploy by=claims binding=deploy-main");
    }

    @Test
    void aDryRunApplyIsARead() {
        Map<String, Object> r = read(
                request("POST", "/v1/admin/apply")
                        .query("dry_run", "true")
                        .yaml("bindings: []\n")
                        .as(iam(READER)),
                200);

        assertThat(r).containsEntry("action", "apply").containsEntry("reason", "admin_read");
    }

    @Test
    void aReadThatFailsIsRecordedWithItsProblem() {
        Map<String, Object> r =
                read(request("GET", "/v1/admin/bindings/acme/nothing").as(iam(READER)), 404);

        assertThat(r)
                .containsEntry("action", "get")
                .containsEntry("decision", "deny")
                .containsEntry("reason", "not_found")
                .containsEntry("principal", READER)
                .containsEntry("binding", "nothing");
    }

    @Test
    void whenTheRecordCannotBeStoredTheReadIsAnsweredAndTheRecordIsInTheLog() {
        AdminFixture failing = new AdminFixture(
                new InMemoryBindingStore(),
                record -> {
                    throw new DependencyUnavailableException("audit-store", "down", Duration.ofSeconds(1), null);
                },
                new InMemoryAuditStore(),
                Map.of());

        HttpResponse r = failing.send(request("GET", "/v1/admin/bindings")
                .query("organization", "acme")
                .as(iam(READER)));

        assertThat(r.status()).isEqualTo(200);
        assertThat(failing.log()).contains("\"action\":\"list\"").contains("\"reason\":\"admin_read\"");
    }
}
