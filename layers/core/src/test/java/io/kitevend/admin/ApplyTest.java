package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingConflictException;
import io.kitevend.binding.BindingPage;
import io.kitevend.binding.BindingStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link ApplyChecks} on the in-memory stores, plus what only a scripted store can show. */
class ApplyTest extends ApplyChecks {

    @Override
    protected AdminFixture newFixture() {
        return new AdminFixture(new InMemoryBindingStore(), new InMemoryAuditStore());
    }

    /** A store in which another writer changes {@code interfere} just before this apply replaces it. */
    private static final class InterferingStore implements BindingStore {
        final InMemoryBindingStore inner = new InMemoryBindingStore();
        final String interfere;

        InterferingStore(String interfere) {
            this.interfere = interfere;
        }

        @Override
        public List<Binding> exactPipeline(String o, String p) {
            return inner.exactPipeline(o, p);
        }

        @Override
        public List<Binding> globPipelines(String o) {
            return inner.globPipelines(o);
        }

        @Override
        public void put(Binding b) {
            inner.put(b);
        }

        @Override
        public Optional<Binding> get(String o, String n) {
            return inner.get(o, n);
        }

        @Override
        public BindingPage list(String o, String a, int l) {
            return inner.list(o, a, l);
        }

        @Override
        public void create(Binding b) throws BindingConflictException {
            inner.create(b);
        }

        @Override
        public Optional<Binding> delete(String o, String n, long v) throws BindingConflictException {
            return inner.delete(o, n, v);
        }

        @Override
        public Optional<Binding> replace(Binding b, long expected)
                throws BindingConflictException, DependencyUnavailableException {
            if (b.name().equals(interfere)) {
                Binding current = inner.get(b.organization(), b.name()).orElseThrow();
                inner.put(current.toBuilder()
                        .description("the other writer's")
                        .version(current.version() + 1)
                        .build());
            }
            return inner.replace(b, expected);
        }
    }

    @Test
    void anotherWriterInTheMiddleStopsTheApplyWith412AndNamesWhatWasApplied() throws Exception {
        InterferingStore store = new InterferingStore("infra-plan");
        InMemoryAuditStore audit = new InMemoryAuditStore();
        AdminFixture fx = new AdminFixture(store, audit);
        fx.send(request("POST", "/v1/admin/apply").yaml(DOCUMENT));
        String changed = DOCUMENT.replace("max_duration_seconds: 1800", "max_duration_seconds: 2700")
                .replace("external_id: kitevend-acme", "external_id: kitevend-acme-2");

        HttpResponse r = fx.send(request("POST", "/v1/admin/apply").yaml(changed));

        assertThat(r.status()).as(r.body()).isEqualTo(412);
        JsonNode body = Json.readTree(r.body());
        assertThat(body.get("code").asText()).isEqualTo("version_mismatch");
        assertThat(body.get("binding").asText()).isEqualTo("acme/infra-plan");
        assertThat(list(body, "applied")).containsExactly("acme/deploy-main");
        assertThat(store.get("acme", "infra-plan").orElseThrow().description())
                .as("the other writer's change stands")
                .isEqualTo("the other writer's");
        assertThat(audit.records())
                .filteredOn(x -> "allow".equals(x.get("decision")))
                .extracting(x -> x.get("action"))
                .containsExactly("create", "create", "create", "replace");
        assertThat(audit.records().getLast())
                .as("and the apply that stopped, as refused")
                .containsEntry("action", "apply")
                .containsEntry("decision", "deny")
                .containsEntry("reason", "version_mismatch");
    }

    @Test
    void eachChangeOfOneApplyHasItsOwnAuditRecordId() throws Exception {
        HttpResponse r =
                f.send(request("POST", "/v1/admin/apply").requestId("req-1").yaml(DOCUMENT));

        assertThat(r.status()).isEqualTo(200);
        assertThat(((InMemoryAuditStore) f.auditStore).records())
                .extracting(x -> x.get("request_id"))
                .containsExactly("req-1.1", "req-1.2", "req-1.3");
    }
}
