package io.kitevend.aws;

import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingConflictException;
import io.kitevend.http.HttpResponse;
import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.AwsVendFixture;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import io.kitevend.testing.LateAnswerProxy;
import io.kitevend.testing.VendFixture;
import io.kitevend.vend.VendResult;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The vend path when DynamoDB answers a write after the SDK has given up on the attempt: the write
 * landed, the SDK retries it, and the retry must be recognised as the same request's own write,
 * never as a replay of the token or a failed audit write. A real second use of a token is still
 * refused. Subclasses say which DynamoDB stands behind the {@link LateAnswerProxy}.
 */
abstract class LateAnswerChecks {
    /**
     * Shorter than the functions' limits ({@link AwsClients.Limits#REQUEST}) so that the test is
     * quick; what happens does not depend on the numbers, only on the answer outlasting the attempt.
     */
    static final AwsClients.Limits LIMITS =
            new AwsClients.Limits(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(8));

    static final Duration LATE = LIMITS.attempt().plusMillis(700);
    static final int TOKENS = 5;

    LateAnswerProxy proxy;
    AwsClients behindProxy;
    AwsVendFixture vend;

    protected abstract URI dynamo();

    /**
     * Whether this DynamoDB returns the stored item with a failed condition
     * ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}); when it does not, the writer reads it.
     */
    protected abstract boolean returnsItemOnFailedCondition();

    @BeforeEach
    void wireVendBehindTheProxy() throws Exception {
        URI moto = Emulators.moto();
        proxy = new LateAnswerProxy(dynamo(), moto, LATE);
        behindProxy = new AwsClients(
                new AwsSettings(Region.US_EAST_1, Optional.of(proxy.endpoint()), EmulatorAws.TEST_CREDENTIALS),
                List.of(),
                LIMITS);
        vend = new AwsVendFixture(behindProxy);
        String role = EmulatorAws.createKitevendRole(
                moto, "late-" + UUID.randomUUID().toString().substring(0, 8));
        vend.bind(AwsVendFixture.binding("deploy-main", "deploy", role));
    }

    @AfterEach
    void close() {
        vend.close();
        proxy.close();
    }

    private String token() {
        return vend.minter.sign(vend.minter.claims("acme", "deploy", "main"));
    }

    private VendResult vendWith(String token) {
        return vend.assembly.service().vend(VendFixture.bearer(token));
    }

    /** Vends for {@link #TOKENS} fresh tokens, checking that each one's write to {@code table} was answered late and retried. */
    private List<VendResult> vendFreshTokensLateOn(String table) {
        List<VendResult> results = new ArrayList<>();
        for (int i = 0; i < TOKENS; i++) {
            results.add(vendWith(token()));
        }
        assertThat(proxy.lateAnswers()).as("late first answers").isEqualTo(TOKENS);
        assertThat(proxy.seen().stream().filter(s -> s.is("PutItem", table)).count())
                .as("each late write was retried by the SDK")
                .isGreaterThanOrEqualTo(2L * TOKENS);
        return results;
    }

    @Test
    void freshTokensAreAcceptedWhenTheReplayTableAnswersLate() {
        proxy.delayFirstAnswer(s -> s.is("PutItem", vend.config.replayTable()));

        List<VendResult> results = vendFreshTokensLateOn(vend.config.replayTable());

        List<String> refused = results.stream()
                .filter(r -> r instanceof VendResult.Refused)
                .map(r -> r.requestId() + ": "
                        + vend.auditRecord(r.requestId()).get("reason").s())
                .toList();
        assertThat(refused).as("fresh tokens refused").isEmpty();
        for (VendResult r : results) {
            assertThat(vend.auditRecord(r.requestId()).get("decision").s()).isEqualTo("allow");
        }
        long reads = proxy.seen().stream()
                .filter(s -> s.is("GetItem", vend.config.replayTable()))
                .count();
        assertThat(reads)
                .as("reads of the stored use after a failed condition")
                .isEqualTo(returnsItemOnFailedCondition() ? 0 : TOKENS);
    }

    @Test
    void aSecondUseIsStillARefusedReplayWhenEveryFirstAnswerIsLate() {
        proxy.delayFirstAnswer(s -> s.is("PutItem", vend.config.replayTable()));
        String token = token();

        VendResult first = vendWith(token);
        VendResult second = vendWith(token);

        assertThat(first).isInstanceOf(VendResult.Issued.class);
        assertThat(second).isInstanceOf(VendResult.Refused.class);
        assertThat(((VendResult.Refused) second).problem().type().status()).isEqualTo(401);
        assertThat(vend.auditRecord(second.requestId()).get("reason").s()).isEqualTo("token_replayed");
        assertThat(proxy.lateAnswers())
                .as("the second use's own write was late too")
                .isEqualTo(2);
    }

    @Test
    void aLateAnswerToTheAuditWriteStillIssuesAndStoresOneRecord() {
        proxy.delayFirstAnswer(s -> s.is("PutItem", vend.config.auditTable()));

        List<VendResult> results = vendFreshTokensLateOn(vend.config.auditTable());

        for (VendResult r : results) {
            assertThat(r).as("the caller's answer").isInstanceOf(VendResult.Issued.class);
            Map<String, AttributeValue> record = vend.auditRecord(r.requestId()); // exactly one
            assertThat(record.get("decision").s()).isEqualTo("allow");
            assertThat(record.get("access_key_id").s())
                    .isEqualTo(((VendResult.Issued) r).credentials().accessKeyId());
        }
    }

    /** The admin service on the DynamoDB binding store behind the proxy, and its audit records in memory. */
    private record LateAdmin(AdminFixture fixture, InMemoryAuditStore audit, String path, String name) {
        HttpResponse send(AdminFixture.Request request) {
            return fixture.send(request);
        }

        /** The admin change records: action, status and the binding before. */
        List<Map<String, Object>> changes() {
            return audit.records();
        }
    }

    private LateAdmin lateAdmin() {
        InMemoryAuditStore audit = new InMemoryAuditStore();
        AdminFixture fixture =
                new AdminFixture(new DynamoBindingStore(behindProxy.dynamo(), vend.config.bindingsTable()), audit);
        String name = "late-" + UUID.randomUUID().toString().substring(0, 8);
        return new LateAdmin(fixture, audit, "/v1/admin/bindings/acme/" + name, name);
    }

    /** An admin's create answered late: the SDK's retry finds the admin's own binding, which is success, never "exists". */
    @Test
    void anAdminsOwnCreateSucceedsWhenItsAnswerIsLate() {
        LateAdmin admin = lateAdmin();
        proxy.delayFirstAnswer(s -> s.is("PutItem", vend.config.bindingsTable()));

        HttpResponse created = admin.send(request("PUT", admin.path()).json(bindingJson("main")));

        assertThat(proxy.lateAnswers()).as("late first answers").isEqualTo(1);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(admin.changes())
                .singleElement()
                .satisfies(r -> assertThat(r.get("action")).isEqualTo("create"));
    }

    /** An admin's replace answered late: success with the version replaced in the audit, never "stale". */
    @Test
    void anAdminsOwnReplaceSucceedsWhenItsAnswerIsLate() throws Exception {
        LateAdmin admin = lateAdmin();
        assertThat(admin.send(request("PUT", admin.path()).json(bindingJson("main")))
                        .status())
                .isEqualTo(201);
        proxy.delayFirstAnswer(s -> s.is("PutItem", vend.config.bindingsTable()));

        HttpResponse replaced =
                admin.send(request("PUT", admin.path()).ifMatch(1).json(bindingJson("release")));

        assertThat(proxy.lateAnswers()).as("late first answers").isEqualTo(1);
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(admin.fixture()
                        .bindingStore
                        .get("acme", admin.name())
                        .orElseThrow()
                        .conditions())
                .containsEntry("build_branch", List.of("release"));
        assertThat(admin.changes())
                .filteredOn(r -> "replace".equals(r.get("action")))
                .singleElement()
                .satisfies(r -> assertThat((String) r.get("before"))
                        .contains("\"main\"")
                        .doesNotContain("release"));
    }

    /** An admin's delete answered late: the retry finds the binding gone, which is success, never "stale". */
    @Test
    void anAdminsOwnDeleteSucceedsWhenItsAnswerIsLate() throws Exception {
        LateAdmin admin = lateAdmin();
        assertThat(admin.send(request("PUT", admin.path()).json(bindingJson("main")))
                        .status())
                .isEqualTo(201);
        proxy.delayFirstAnswer(s -> s.is("DeleteItem", vend.config.bindingsTable()));

        HttpResponse deleted = admin.send(request("DELETE", admin.path()).ifMatch(1));

        assertThat(proxy.lateAnswers()).as("late first answers").isEqualTo(1);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(admin.fixture().bindingStore.get("acme", admin.name())).isEmpty();
        assertThat(admin.changes())
                .filteredOn(r -> "delete".equals(r.get("action")))
                .singleElement()
                .satisfies(r -> assertThat((String) r.get("before")).contains("\"main\""));
    }

    @Test
    void anotherWritersChangeIsStillAConflictWhenEveryFirstAnswerIsLate() throws Exception {
        String table = vend.config.bindingsTable();
        DynamoBindingStore store = new DynamoBindingStore(behindProxy.dynamo(), table);
        String name = "late-" + UUID.randomUUID().toString().substring(0, 8);
        Binding first =
                AdminFixture.binding(name).version(1).description("first").build();
        Binding theirs = first.toBuilder().version(2).description("theirs").build();
        store.create(first);
        store.replace(theirs, 1);
        proxy.delayFirstAnswer(s -> s.is("PutItem", table) || s.is("DeleteItem", table));

        assertThatThrownBy(
                        () -> store.create(first.toBuilder().description("mine").build()))
                .satisfies(e -> assertThat(((BindingConflictException) e).kind())
                        .isEqualTo(BindingConflictException.Kind.EXISTS));
        assertThatThrownBy(() -> store.replace(
                        first.toBuilder().version(2).description("mine").build(), 1))
                .satisfies(e -> assertThat(((BindingConflictException) e).kind())
                        .isEqualTo(BindingConflictException.Kind.STALE));
        assertThatThrownBy(() -> store.delete("acme", name, 1))
                .satisfies(e -> assertThat(((BindingConflictException) e).kind())
                        .isEqualTo(BindingConflictException.Kind.STALE));

        assertThat(proxy.lateAnswers()).as("late first answers").isEqualTo(3);
        assertThat(store.get("acme", name)).contains(theirs);
    }

    private static String bindingJson(String branch) {
        return """
                {"pipeline": "deploy", "conditions": {"build_branch": ["%s"]},
                 "role_arn": "%s"}""".formatted(branch, AdminFixture.ROLE_ARN);
    }
}
