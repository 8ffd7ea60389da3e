package io.kitevend.aws;

import static io.kitevend.testing.AwsCallRecorder.STS;
import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.credentials.IssuedCredentials;
import io.kitevend.credentials.SessionRequest;
import io.kitevend.testing.AwsCallRecorder;
import io.kitevend.testing.EmulatorAws;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * What {@link StsCredentialIssuer} must do against an STS with IAM (moto, LocalStack): assume the
 * role, return working credentials, and put every part of the session request on the wire.
 */
abstract class StsIssuerChecks {
    static final String SESSION_NAME = "bk-deploy-42-0184990a";
    static final String SOURCE_IDENTITY = "bk.acme.deploy.42";
    static final String SESSION_POLICY =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";

    private final AwsCallRecorder calls = new AwsCallRecorder();
    private StsCredentialIssuer issuer;
    private String roleName;
    private String roleArn;
    private String account;

    protected abstract URI endpoint();

    @BeforeEach
    void createRole() {
        roleName = "deployer-" + UUID.randomUUID().toString().substring(0, 8);
        roleArn = EmulatorAws.createKitevendRole(endpoint(), roleName);
        account = roleArn.split(":", -1)[4];
        issuer = new StsCredentialIssuer(EmulatorAws.clients(endpoint(), calls).sts());
    }

    private SessionRequest fullRequest() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("organization_slug", "acme");
        tags.put("pipeline_slug", "deploy");
        tags.put("build_number", "42");
        tags.put("build_branch", "release/2025.1");
        return new SessionRequest(
                roleArn, SESSION_NAME, SOURCE_IDENTITY, tags, 1800, SESSION_POLICY, "acme-prod:kitevend");
    }

    @Test
    void issuesWorkingCredentialsForTheRoleUnderTheSessionName() throws Exception {
        Instant before = Instant.now();
        IssuedCredentials issued = issuer.issue(fullRequest());
        Instant after = Instant.now();

        String assumedRole = "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + SESSION_NAME;
        assertThat(roleArn).isEqualTo("arn:aws:iam::" + account + ":role/kitevend/" + roleName);
        assertThat(issued.assumedRoleArn()).isEqualTo(assumedRole);
        assertThat(issued.simulated()).isFalse();
        assertThat(issued.accessKeyId()).isNotBlank();
        assertThat(issued.secretAccessKey()).isNotBlank();
        assertThat(issued.sessionToken()).isNotBlank();
        assertThat(issued.expiration())
                .as("the session lasts the requested 1800 s, not STS's default 3600 s")
                .isBetween(before.plus(Duration.ofSeconds(1800 - 300)), after.plus(Duration.ofSeconds(1800 + 300)));

        GetCallerIdentityResponse me;
        try (var vended = EmulatorAws.sts(
                endpoint(),
                AwsSessionCredentials.create(issued.accessKeyId(), issued.secretAccessKey(), issued.sessionToken()))) {
            me = vended.getCallerIdentity();
        }
        assertThat(me.arn()).isEqualTo(assumedRole);
        assertThat(me.userId()).endsWith(":" + SESSION_NAME);
        assertThat(me.account()).isEqualTo(account);
    }

    @Test
    void putsEveryPartOfTheSessionRequestOnTheWire() throws Exception {
        // moto and LocalStack accept these parameters without applying them, so the wire is checked.
        issuer.issue(fullRequest());

        assertThat(calls.calls(STS)).extracting(AwsCallRecorder.Call::operation).containsExactly("AssumeRole");
        var sent = calls.transmissions("AssumeRole");
        assertThat(sent).hasSize(1);
        Map<String, String> form = sent.get(0).form();
        assertThat(form)
                .containsEntry("Action", "AssumeRole")
                .containsEntry("RoleArn", roleArn)
                .containsEntry("RoleSessionName", SESSION_NAME)
                .containsEntry("SourceIdentity", SOURCE_IDENTITY)
                .containsEntry("DurationSeconds", "1800")
                .containsEntry("Policy", SESSION_POLICY)
                .containsEntry("ExternalId", "acme-prod:kitevend");
        assertThat(tags(form)).isEqualTo(fullRequest().tags());
    }

    @Test
    void leavesOutWhatTheBindingDoesNotSet() throws Exception {
        var bare = new SessionRequest(roleArn, SESSION_NAME, SOURCE_IDENTITY, Map.of(), 900, null, null);

        IssuedCredentials issued = issuer.issue(bare);

        assertThat(issued.assumedRoleArn()).endsWith("/" + roleName + "/" + SESSION_NAME);
        Map<String, String> form = calls.transmissions("AssumeRole").get(0).form();
        assertThat(form)
                .containsEntry("DurationSeconds", "900")
                .containsEntry("SourceIdentity", SOURCE_IDENTITY)
                .doesNotContainKeys("Policy", "ExternalId");
        assertThat(form.keySet()).noneMatch(k -> k.startsWith("Tags"));
    }

    /** Session tags from the query-protocol form: {@code Tags.member.N.Key} and {@code .Value}. */
    private static Map<String, String> tags(Map<String, String> form) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int n = 1; form.containsKey("Tags.member." + n + ".Key"); n++) {
            tags.put(form.get("Tags.member." + n + ".Key"), form.get("Tags.member." + n + ".Value"));
        }
        return tags;
    }
}
