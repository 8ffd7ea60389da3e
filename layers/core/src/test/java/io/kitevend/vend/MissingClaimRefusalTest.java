package io.kitevend.vend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.binding.Binding;
import io.kitevend.json.Json;
import io.kitevend.testing.VendFixture;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A job refused only because its token lacks a claim it could have asked for is told which claim and
 * how to ask, and nothing else about the bindings.
 */
class MissingClaimRefusalTest {

    private static VendFixture withQueueBinding() {
        VendFixture f = new VendFixture();
        f.bindingStore.put(Binding.builder()
                .name("deploy-queue")
                .organization("acme")
                .pipeline("deploy")
                .condition("queue_key", "deploy-secret-queue")
                .condition("build_branch", "release/*")
                .roleArn(VendFixture.ROLE_ARN)
                .build());
        return f;
    }

    private static JsonNode refusal(VendFixture f, Map<String, Object> claims, String body) throws Exception {
        VendResult result = f.service.vend(VendFixture.post("Bearer " + f.minter.sign(claims), body));
        assertThat(result).isInstanceOf(VendResult.Refused.class);
        var http = VendResponses.toHttp(result);
        assertThat(http.status()).isEqualTo(403);
        return Json.readTree(http.body());
    }

    @Test
    void namesTheMissingClaimAndHowToRequestIt() throws Exception {
        try (var f = withQueueBinding()) {
            JsonNode problem = refusal(f, f.minter.claims("acme", "deploy", "release/7"), null);

            assertThat(problem.path("code").asText()).isEqualTo("no_matching_binding");
            assertThat(problem.path("missing_claims").toString()).isEqualTo("[\"queue_key\"]");
            assertThat(problem.path("detail").asText())
                    .contains("does not carry queue_key")
                    .contains("buildkite-agent oidc request-token --claim queue_key")
                    .contains("'claims'");
            // The binding's name, its other condition and the value it wants stay with the admins.
            assertThat(problem.toString())
                    .doesNotContain("deploy-queue")
                    .doesNotContain("deploy-secret-queue")
                    .doesNotContain("release/");
            assertThat(f.lastAudit()).containsEntry("reason", "no_matching_binding");
        }
    }

    @Test
    void namedBindingGetsTheSameHint() throws Exception {
        try (var f = withQueueBinding()) {
            JsonNode problem =
                    refusal(f, f.minter.claims("acme", "deploy", "release/7"), "{\"binding\": \"deploy-queue\"}");

            assertThat(problem.path("missing_claims").toString()).isEqualTo("[\"queue_key\"]");
            assertThat(problem.path("detail").asText()).startsWith("The binding 'deploy-queue' does not allow");
        }
    }

    @Test
    void noHintWhenAskingForTheClaimWouldNotHelp() throws Exception {
        try (var f = withQueueBinding()) {
            // Another branch: the queue binding would refuse even with queue_key.
            JsonNode problem = refusal(f, f.minter.claims("acme", "deploy", "feature/x"), null);

            assertThat(problem.has("missing_claims")).isFalse();
            assertThat(problem.path("detail").asText())
                    .isEqualTo("No binding of this pipeline allows this job.")
                    .doesNotContain("queue_key");
        }
    }

    @Test
    void theClaimOnceRequestedLetsTheJobThrough() {
        try (var f = withQueueBinding()) {
            Map<String, Object> claims = f.minter.claims("acme", "deploy", "release/7");
            claims.put("queue_key", "deploy-secret-queue");

            VendResult result = f.service.vend(VendFixture.bearer(f.minter.sign(claims)));

            assertThat(result)
                    .isInstanceOfSatisfying(
                            VendResult.Issued.class,
                            i -> assertThat(i.binding()).isEqualTo("deploy-queue"));
        }
    }
}
