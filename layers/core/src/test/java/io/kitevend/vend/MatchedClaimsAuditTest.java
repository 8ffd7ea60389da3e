package io.kitevend.vend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.admin.AdminRequest;
import io.kitevend.admin.AuditReader;
import io.kitevend.binding.Binding;
import io.kitevend.json.Json;
import io.kitevend.testing.VendFixture;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Why a binding matched can be read from the audit record alone: every claim a condition can test
 * (agent tags, queue, cluster, runner environment) and the identity pins are in the stored record,
 * in the log line and in the admin audit query's answer.
 */
class MatchedClaimsAuditTest {
    private static final Map<String, String> MATCHED = orderedMap(
            "agent_tag:queue", "deploy",
            "agent_tag:os", "linux",
            "queue_key", "deploy",
            "queue_id", "01890f8e-0000-7000-8000-00000000000a",
            "cluster_id", "01890f8e-0000-7000-8000-00000000000b",
            "cluster_name", "Production",
            "organization_id", "01890f8e-0000-7000-8000-00000000000c",
            "pipeline_id", "01890f8e-0000-7000-8000-00000000000d");

    @Test
    void theRecordTheLogLineAndTheAuditQueryShowEveryClaimABindingTested() throws Exception {
        try (var f = new VendFixture()) {
            f.bindingStore.put(Binding.builder()
                    .name("deploy-queue")
                    .organization("acme")
                    .pipeline("deploy")
                    .condition("agent_tag:queue", "deploy")
                    .condition("queue_key", "deploy")
                    .condition("cluster_name", "Prod*")
                    .condition("runner_environment", "self-hosted")
                    .roleArn(VendFixture.ROLE_ARN)
                    .build());
            Map<String, Object> claims = f.minter.claims("acme", "deploy", "release/1");
            claims.putAll(MATCHED);

            VendResult result = f.service.vend(VendFixture.bearer(f.minter.sign(claims)));

            assertThat(result).isInstanceOf(VendResult.Issued.class);
            Map<String, Object> stored = f.lastAudit();
            assertThat(stored)
                    .containsEntry("binding", "deploy-queue")
                    .containsEntry("runner_environment", "self-hosted")
                    .containsAllEntriesOf(MATCHED);

            String line = f.log()
                    .lines()
                    .filter(l -> l.contains(result.requestId()))
                    .findFirst()
                    .orElseThrow();
            JsonNode logged = Json.readTree(line).get("audit");
            MATCHED.forEach((claim, value) ->
                    assertThat(logged.path(claim).asText()).as(claim).isEqualTo(value));
            assertThat(logged.path("runner_environment").asText()).isEqualTo("self-hosted");

            var page = new AuditReader(f.auditStore, Set.of("acme"), Clock.systemUTC())
                    .read(new AdminRequest(
                            VendFixture.post(null, null), Map.of("pipeline", "deploy", "decision", "allow"), null));
            assertThat(page.records())
                    .singleElement()
                    .satisfies(r -> assertThat(r)
                            .containsEntry("request_id", result.requestId())
                            .containsEntry("runner_environment", "self-hosted")
                            .containsAllEntriesOf(MATCHED));
        }
    }

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
