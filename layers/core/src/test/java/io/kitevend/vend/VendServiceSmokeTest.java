package io.kitevend.vend;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.testing.VendFixture;
import org.junit.jupiter.api.Test;

class VendServiceSmokeTest {

    @Test
    void allowedJobGetsCredentialsAndOneAllowRecord() {
        try (var f = new VendFixture()) {
            VendResult result = f.service.vend(VendFixture.bearer(f.minter.sign()));
            assertThat(result).isInstanceOf(VendResult.Issued.class);
            var issued = (VendResult.Issued) result;
            assertThat(issued.binding()).isEqualTo("deploy-main");
            assertThat(issued.credentials().simulated()).isTrue();
            assertThat(f.auditStore.records()).hasSize(1);
            assertThat(f.lastAudit())
                    .containsEntry("decision", "allow")
                    .containsEntry("binding", "deploy-main")
                    .containsEntry("access_key_id", issued.credentials().accessKeyId());
            String http = VendResponses.toHttp(result).body();
            assertThat(http).contains("\"Version\":1").contains("\"AccessKeyId\"");
        }
    }

    @Test
    void otherBranchIsRefusedWith403() {
        try (var f = new VendFixture()) {
            var claims = f.minter.claims("acme", "deploy", "feature/x");
            VendResult result = f.service.vend(VendFixture.bearer(f.minter.sign(claims)));
            assertThat(result).isInstanceOf(VendResult.Refused.class);
            assertThat(((VendResult.Refused) result).problem().type().status()).isEqualTo(403);
            assertThat(f.lastAudit()).containsEntry("decision", "deny").containsEntry("reason", "no_matching_binding");
        }
    }
}
