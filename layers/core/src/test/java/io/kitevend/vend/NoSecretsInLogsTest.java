package io.kitevend.vend;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import io.kitevend.binding.Binding;
import io.kitevend.credentials.IssuedCredentials;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.VendFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs a mix of vends with everything the process prints captured (standard output, standard
 * error, the audit log and the stored audit records) and checks that no token and no secret part
 * of any credentials shows up, while what an admin needs to join records (the token's hash, the
 * access key id) does.
 */
class NoSecretsInLogsTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void captureOutput() {
        originalOut = System.out;
        originalErr = System.err;
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
    }

    @AfterEach
    void restoreOutput() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void tokensAndSecretsNeverReachAnyOutput() throws Exception {
        List<String> tokens = new ArrayList<>();
        List<String> allowedTokens = new ArrayList<>();
        List<IssuedCredentials> issued = new ArrayList<>();
        List<String> refusedBodies = new ArrayList<>();
        int requests = 0;

        try (var f = new VendFixture()) {
            f.bindingStore.put(Binding.builder()
                    .name("infra-a")
                    .organization("acme")
                    .pipeline("infra")
                    .condition("build_branch", "main")
                    .roleArn(VendFixture.ROLE_ARN)
                    .build());
            f.bindingStore.put(Binding.builder()
                    .name("infra-b")
                    .organization("acme")
                    .pipeline("infra")
                    .roleArn("arn:aws:iam::123456789012:role/kitevend/infra")
                    .build());
            TokenMinter outsider = new TokenMinter(TestKeys.rsa(), f.jwks.issuer(), VendFixture.AUDIENCE);
            long now = Instant.now().getEpochSecond();

            List<Vend> vends = new ArrayList<>();
            // Allowed, twice, and once more by naming one of two matching bindings.
            vends.add(new Vend(f.minter.sign(), null, 200));
            vends.add(new Vend(f.minter.sign(), null, 200));
            vends.add(new Vend(
                    f.minter.sign(f.minter.claims("acme", "infra", "main")), "{\"binding\":\"infra-b\"}", 200));
            // Replay of the first allowed token.
            vends.add(new Vend(vends.get(0).token(), null, 401));
            // Refused for token reasons.
            var expired = f.minter.claims();
            expired.put("iat", now - 900);
            expired.put("nbf", now - 900);
            expired.put("exp", now - 300);
            vends.add(new Vend(f.minter.sign(expired), null, 401));
            var wrongAudience = f.minter.claims();
            wrongAudience.put("aud", "sts.amazonaws.com");
            vends.add(new Vend(f.minter.sign(wrongAudience), null, 401));
            vends.add(new Vend(f.minter.sign(f.minter.claims("other-org", "deploy", "main")), null, 401));
            vends.add(new Vend(outsider.sign(), null, 401));
            String[] parts = f.minter.sign().split("\\.", -1);
            String tamperedPayload = Base64URL.encode(new Base64URL(parts[1])
                            .decodeToString()
                            .replace("\"build_number\":42", "\"build_number\":43"))
                    .toString();
            assertThat(tamperedPayload).isNotEqualTo(parts[1]);
            vends.add(new Vend(parts[0] + "." + tamperedPayload + "." + parts[2], null, 401));
            vends.add(new Vend(
                    Base64URL.encode("{\"alg\":\"none\",\"kid\":\""
                                    + f.minter.key().getKeyID() + "\"}") + "." + parts[1] + ".",
                    null,
                    401));
            var noJobId = f.minter.claims();
            noJobId.remove("job_id");
            vends.add(new Vend(f.minter.sign(noJobId), null, 401));
            // Past the token: no binding matches, several match.
            vends.add(new Vend(f.minter.sign(f.minter.claims("acme", "deploy", "feature/x")), null, 403));
            vends.add(new Vend(f.minter.sign(f.minter.claims("acme", "infra", "main")), null, 409));

            for (Vend v : vends) {
                VendResult result = f.service.vend(
                        v.body() == null
                                ? VendFixture.bearer(v.token())
                                : VendFixture.post("Bearer " + v.token(), v.body()));
                requests++;
                tokens.add(v.token());
                int status = VendResponses.toHttp(result).status();
                assertThat(status).as("status of vend %d", requests).isEqualTo(v.status());
                if (result instanceof VendResult.Issued i) {
                    issued.add(i.credentials());
                    allowedTokens.add(v.token());
                } else {
                    refusedBodies.add(VendResponses.toHttp(result).body());
                }
            }

            System.out.flush();
            System.err.flush();
            String all = captured.toString(StandardCharsets.UTF_8) + "\n" + f.log() + "\n" + f.auditStore.records()
                    + "\n" + String.join("\n", refusedBodies);

            assertThat(f.log().lines().count()).as("one audit line per request").isEqualTo(requests);
            assertThat(f.auditStore.records()).hasSize(requests);
            assertThat(issued).hasSize(3);
            for (String token : tokens) {
                assertThat(all).doesNotContain(token);
                for (String part : token.split("\\.", -1)) {
                    if (part.length() >= 16) {
                        assertThat(all).doesNotContain(part);
                    }
                }
            }
            for (IssuedCredentials c : issued) {
                assertThat(all).doesNotContain(c.secretAccessKey()).doesNotContain(c.sessionToken());
                assertThat(all).contains(c.accessKeyId());
            }
            for (String token : allowedTokens) {
                assertThat(all).contains(sha256Hex(token));
            }
            for (Map<String, Object> record : f.auditStore.records()) {
                assertThat(record.keySet()).doesNotContain("token", "secret_access_key", "session_token");
            }
        }
    }

    private record Vend(String token, String body, int status) {}

    private static String sha256Hex(String s) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
