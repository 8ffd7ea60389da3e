package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.binding.Binding;
import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No lost updates: two writers holding the same version change one binding at the same moment,
 * on two threads. Exactly one succeeds, the other gets 412, and the stored binding is one of the
 * two whole, never a mix. Repeated so that the writes really overlap on the store.
 */
abstract class ConcurrentWriterChecks {
    static final int ROUNDS = 12;
    static final String PATH = "/v1/admin/bindings/acme/deploy-main";

    protected AdminFixture f;
    private ExecutorService threads;

    protected abstract AdminFixture newFixture();

    @BeforeEach
    void start() {
        f = newFixture();
        threads = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** Writer {@code w}'s whole binding for round {@code round}: every field differs from the other writer's. */
    static ObjectNode body(String w, int round) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("pipeline", w.equals("a") ? "deploy" : "deploy-*");
        n.putObject("conditions")
                .putArray(w.equals("a") ? "build_branch" : "step_key")
                .add(w + "-" + round);
        n.put("role_arn", "arn:aws:iam::123456789012:role/kitevend/writer-" + w);
        n.put("max_duration_seconds", w.equals("a") ? 1800 : 3600);
        n.putArray("session_tags").add(w.equals("a") ? "pipeline_slug" : "job_id");
        n.put("description", "writer " + w + " round " + round);
        n.put("enabled", w.equals("a"));
        return n;
    }

    /** Runs both requests at once (released together by a barrier) and returns their answers, a then b. */
    private List<HttpResponse> together(Supplier<HttpResponse> a, Supplier<HttpResponse> b) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        Future<HttpResponse> fa = threads.submit(() -> {
            barrier.await(10, TimeUnit.SECONDS);
            return a.get();
        });
        Future<HttpResponse> fb = threads.submit(() -> {
            barrier.await(10, TimeUnit.SECONDS);
            return b.get();
        });
        return List.of(fa.get(30, TimeUnit.SECONDS), fb.get(30, TimeUnit.SECONDS));
    }

    private static Binding expected(ObjectNode body) {
        List<io.kitevend.binding.FieldError> errors = new ArrayList<>();
        Binding b = io.kitevend.binding.BindingsDocument.fromJson(body, errors);
        assertThat(errors).isEmpty();
        return b.toBuilder().organization("acme").name("deploy-main").build();
    }

    @Test
    void twoReplacesOfOneVersionExactlyOneWins() throws Exception {
        HttpResponse created = f.send(request("PUT", PATH).json(Json.write(body("a", 0))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long version = 1;
        for (int round = 1; round <= ROUNDS; round++) {
            final long v = version;
            ObjectNode a = body("a", round);
            ObjectNode b = body("b", round);

            List<HttpResponse> answers = together(
                    () -> f.send(request("PUT", PATH).ifMatch(v).json(Json.write(a))),
                    () -> f.send(request("PUT", PATH).ifMatch(v).json(Json.write(b))));

            List<Integer> statuses = answers.stream().map(HttpResponse::status).toList();
            assertThat(statuses).as("round %d: %s", round, answers).containsExactlyInAnyOrder(200, 412);
            HttpResponse loser = answers.get(statuses.indexOf(412));
            assertThat(Json.readTree(loser.body()).get("code").asText()).isEqualTo("version_mismatch");
            boolean aWins = statuses.get(0) == 200;
            Binding stored = f.bindingStore.get("acme", "deploy-main").orElseThrow();
            assertThat(stored.version()).isEqualTo(v + 1);
            assertThat(BindingAdmin.sameContent(stored, expected(aWins ? a : b)))
                    .as("round %d: the stored binding is the winner's, whole: %s", round, stored)
                    .isTrue();
            assertThat(answers.get(statuses.indexOf(200)).headers()).containsEntry("etag", "\"" + (v + 1) + "\"");
            version = v + 1;
        }
        assertThat(version).isEqualTo(ROUNDS + 1);
        // Each successful replace, and only those, is in the audit trail.
        long replaces = f
                .auditQuery
                .query(
                        new io.kitevend.audit.AuditFilter(
                                f.clock.instant().minusSeconds(3600),
                                f.clock.instant().plusSeconds(3600),
                                null,
                                null,
                                null),
                        null,
                        100)
                .records()
                .stream()
                .filter(r -> "replace".equals(r.get("action")) && "allow".equals(r.get("decision")))
                .count();
        assertThat(replaces).isEqualTo(ROUNDS);
    }

    @Test
    void aReplaceAndADeleteOfOneVersionExactlyOneWins() throws Exception {
        for (int round = 1; round <= ROUNDS / 2; round++) {
            HttpResponse created = f.send(request("PUT", PATH).json(Json.write(body("a", 0))));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            ObjectNode b = body("b", round);

            List<HttpResponse> answers = together(
                    () -> f.send(request("DELETE", PATH).ifMatch(1)),
                    () -> f.send(request("PUT", PATH).ifMatch(1).json(Json.write(b))));

            int delete = answers.get(0).status();
            int replace = answers.get(1).status();
            if (delete == 204) {
                assertThat(replace)
                        .as("round %d: %s", round, answers.get(1).body())
                        .isIn(404, 412);
                assertThat(f.bindingStore.get("acme", "deploy-main")).isEmpty();
            } else {
                assertThat(delete).as("round %d", round).isEqualTo(412);
                assertThat(replace).as("round %d", round).isEqualTo(200);
                Binding stored = f.bindingStore.get("acme", "deploy-main").orElseThrow();
                assertThat(BindingAdmin.sameContent(stored, expected(b))).isTrue();
                f.send(request("DELETE", PATH).ifMatch(2));
            }
            assertThat(f.bindingStore.get("acme", "deploy-main")).isEmpty();
        }
    }

    @Test
    void twoCreatesOfOneNameExactlyOneWins() throws Exception {
        for (int round = 1; round <= ROUNDS / 2; round++) {
            ObjectNode a = body("a", round);
            ObjectNode b = body("b", round);

            List<HttpResponse> answers = together(
                    () -> f.send(request("PUT", PATH).json(Json.write(a))),
                    () -> f.send(request("PUT", PATH).json(Json.write(b))));

            List<Integer> statuses = answers.stream().map(HttpResponse::status).toList();
            assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(201, 409);
            Binding stored = f.bindingStore.get("acme", "deploy-main").orElseThrow();
            assertThat(BindingAdmin.sameContent(stored, expected(statuses.get(0) == 201 ? a : b)))
                    .isTrue();
            assertThat(f.send(request("DELETE", PATH).ifMatch(1)).status()).isEqualTo(204);
        }
    }
}
