package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/** The simulated API Gateway IAM authorization: what it accepts, what it refuses and why. */
class IamAuthorizerTest {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final String REGION = "us-east-1";
    static final String URL = "http://127.0.0.1:8787/v1/admin/bindings";

    static final IamAuthorizer.AccessKey ADMIN = new IamAuthorizer.AccessKey(
            "AKIAADMINEXAMPLE0001",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYADMINKEY01",
            "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/alice");
    static final IamAuthorizer.AccessKey USER = new IamAuthorizer.AccessKey(
            "AKIAUSEREXAMPLE00002",
            "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbUSERKEY002",
            "arn:aws:iam::210987654321:user/ops/bob");
    static final IamAuthorizer.AccessKey TEMP = new IamAuthorizer.AccessKey(
            "ASIATEMPEXAMPLE00003",
            "Tmp9Utk/h3yCo8nvbEXAMPLETEMPKEY00000003",
            "arn:aws:sts::123456789012:assumed-role/Deployer/ci",
            "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==");

    static final IamAuthorizer AUTHORIZER =
            new IamAuthorizer(List.of(ADMIN, USER, TEMP), REGION, Clock.fixed(NOW, ZoneOffset.UTC));

    static AwsCredentialsIdentity creds(IamAuthorizer.AccessKey k) {
        return k.sessionToken() == null
                ? AwsCredentialsIdentity.create(k.accessKeyId(), k.secretAccessKey())
                : AwsSessionCredentialsIdentity.create(k.accessKeyId(), k.secretAccessKey(), k.sessionToken());
    }

    static SignedRequest get(IamAuthorizer.AccessKey k) {
        return SignedRequest.sign(
                "GET",
                URL + "?organization=acme&pipeline=deploy",
                Map.of(),
                null,
                creds(k),
                REGION,
                "execute-api",
                NOW);
    }

    static SignedRequest put(IamAuthorizer.AccessKey k) {
        return SignedRequest.sign(
                "PUT",
                URL + "/acme/deploy-main",
                Map.of("content-type", "application/json", "if-match", "\"3\""),
                "{\"pipeline\":\"deploy\",\"role_arn\":\"arn:aws:iam::123456789012:role/kitevend/deployer\"}",
                creds(k),
                REGION,
                "execute-api",
                NOW);
    }

    static IamAuthorizer.Caller allowed(IamAuthorizer.Result result) {
        assertThat(result).isInstanceOf(IamAuthorizer.Allowed.class);
        return ((IamAuthorizer.Allowed) result).caller();
    }

    @Test
    void aValidSignatureIsAcceptedAndTheKeysPrincipalIsTheCaller() {
        IamAuthorizer.Caller caller = allowed(get(ADMIN).checkWith(AUTHORIZER));
        assertThat(caller.accessKey()).isEqualTo("AKIAADMINEXAMPLE0001");
        assertThat(caller.userArn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/KitevendAdmins/alice");
        assertThat(caller.accountId()).isEqualTo("123456789012");
        // API Gateway reports an assumed role as ROLE_UNIQUE_ID:SESSION_NAME.
        assertThat(caller.userId()).matches("AROA[A-Z2-7]{17}:alice");
        assertThat(caller.callerId()).isEqualTo(caller.userId());

        var iam = caller.toIam();
        assertThat(iam.getUserArn()).isEqualTo(caller.userArn());
        assertThat(iam.getAccessKey()).isEqualTo(caller.accessKey());
        assertThat(iam.getAccountId()).isEqualTo("123456789012");
        assertThat(iam.getUserId()).isEqualTo(caller.userId());
        assertThat(iam.getCallerId()).isEqualTo(caller.callerId());
    }

    @Test
    void aSignedRequestWithBodyQueryAndExtraSignedHeadersIsAccepted() {
        assertThat(allowed(put(ADMIN).checkWith(AUTHORIZER)).userArn()).isEqualTo(ADMIN.principalArn());
    }

    @Test
    void eachKeyMapsToItsOwnPrincipal() {
        IamAuthorizer.Caller bob = allowed(get(USER).checkWith(AUTHORIZER));
        assertThat(bob.userArn()).isEqualTo("arn:aws:iam::210987654321:user/ops/bob");
        assertThat(bob.accountId()).isEqualTo("210987654321");
        assertThat(bob.userId()).matches("AIDA[A-Z2-7]{17}");
        assertThat(bob.accessKey()).isEqualTo("AKIAUSEREXAMPLE00002");
    }

    @Test
    void roleIdsAreStableAndDistinguishRolesNotSessions() {
        var aliceAgain = IamAuthorizer.callerOf(new IamAuthorizer.AccessKey(
                "AKIAOTHEREXAMPLE0009", "x", "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/carol"));
        var alice = allowed(get(ADMIN).checkWith(AUTHORIZER));
        var deployer = IamAuthorizer.callerOf(TEMP);
        assertThat(aliceAgain.userId()).endsWith(":carol");
        assertThat(prefix(aliceAgain.userId())).isEqualTo(prefix(alice.userId()));
        assertThat(prefix(deployer.userId())).isNotEqualTo(prefix(alice.userId()));
        var root = IamAuthorizer.callerOf(
                new IamAuthorizer.AccessKey("AKIAROOTEXAMPLE00010", "x", "arn:aws:iam::123456789012:root"));
        assertThat(root.userId()).isEqualTo("123456789012");
    }

    private static String prefix(String userId) {
        return userId.substring(0, userId.indexOf(':'));
    }

    @Test
    void temporaryCredentialsAreAcceptedWithTheirSessionToken() {
        SignedRequest r = get(TEMP);
        assertThat(r.header("x-amz-security-token")).isEqualTo(TEMP.sessionToken());
        assertThat(r.header("authorization")).contains("x-amz-security-token");
        assertThat(allowed(r.checkWith(AUTHORIZER)).userArn()).isEqualTo(TEMP.principalArn());
    }

    @Test
    void unsignedHeadersMayBeAddedAsTheyAreNotPartOfTheSignature() {
        SignedRequest r = get(ADMIN).withHeader("User-Agent", "curl/8").withHeader("X-Forwarded-For", "10.0.0.1");
        assertThat(allowed(r.checkWith(AUTHORIZER)).userArn()).isEqualTo(ADMIN.principalArn());
    }

    @Test
    void aSignatureJustInsideTheFiveMinuteWindowIsAcceptedEitherWay() {
        for (Duration d : List.of(Duration.ofSeconds(-299), Duration.ofSeconds(299), Duration.ofMinutes(5))) {
            SignedRequest r =
                    SignedRequest.sign("GET", URL, Map.of(), null, creds(ADMIN), REGION, "execute-api", NOW.plus(d));
            assertThat(r.checkWith(AUTHORIZER))
                    .as("signed at now%+ds", d.toSeconds())
                    .isInstanceOf(IamAuthorizer.Allowed.class);
        }
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                refusal("no Authorization header", get(ADMIN).withoutHeader("Authorization"), "missing_authorization"),
                refusal(
                        "a bearer token instead of SigV4",
                        get(ADMIN).withHeader("Authorization", "Bearer eyJhbGciOi.x.y"),
                        "malformed_authorization"),
                refusal(
                        "garbled Authorization",
                        get(ADMIN).withHeader("Authorization", "AWS4-HMAC-SHA256 nonsense"),
                        "malformed_authorization"),
                refusal(
                        "another algorithm",
                        get(ADMIN).withAuthorizationEdited("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"),
                        "malformed_authorization"),
                refusal(
                        "a truncated signature",
                        edit(get(ADMIN), a -> a.substring(0, a.length() - 2)),
                        "malformed_authorization"),
                refusal(
                        "a credential scope without the terminator",
                        get(ADMIN).withAuthorizationEdited("/aws4_request", ""),
                        "malformed_authorization"),
                refusal(
                        "signed headers out of order",
                        get(ADMIN).withAuthorizationEdited("host;x-amz-content-sha256", "x-amz-content-sha256;host"),
                        "malformed_authorization"),
                refusal(
                        "two Authorization headers",
                        get(ADMIN).withAddedHeader("Authorization", get(USER).header("authorization")),
                        "malformed_authorization"),
                refusal(
                        "signed for another service",
                        SignedRequest.sign("GET", URL, Map.of(), null, creds(ADMIN), REGION, "lambda", NOW),
                        "wrong_service"),
                refusal(
                        "signed for another region",
                        SignedRequest.sign("GET", URL, Map.of(), null, creds(ADMIN), "eu-west-1", "execute-api", NOW),
                        "wrong_region"),
                refusal(
                        "an access key the runner does not know",
                        SignedRequest.sign(
                                "GET",
                                URL,
                                Map.of(),
                                null,
                                AwsCredentialsIdentity.create("AKIAUNKNOWNEXAMPLE99", ADMIN.secretAccessKey()),
                                REGION,
                                "execute-api",
                                NOW),
                        "unknown_access_key"),
                refusal(
                        "a known access key with the wrong secret",
                        SignedRequest.sign(
                                "GET",
                                URL,
                                Map.of(),
                                null,
                                AwsCredentialsIdentity.create(ADMIN.accessKeyId(), USER.secretAccessKey()),
                                REGION,
                                "execute-api",
                                NOW),
                        "signature_mismatch"),
                refusal(
                        "one digit of the signature changed",
                        edit(get(ADMIN), IamAuthorizerTest::flipLastHexDigit),
                        "signature_mismatch"),
                refusal("no X-Amz-Date", get(ADMIN).withoutHeader("X-Amz-Date"), "missing_date"),
                refusal(
                        "a garbled X-Amz-Date",
                        get(ADMIN).withHeader("X-Amz-Date", "2026-03-01T12:00:00Z"),
                        "malformed_date"),
                refusal(
                        "X-Amz-Date moved by a second after signing",
                        get(ADMIN).withHeader("X-Amz-Date", "20260301T120001Z"),
                        "signature_mismatch"),
                refusal(
                        "a credential date that is not X-Amz-Date's day",
                        get(ADMIN).withAuthorizationEdited("/20260301/", "/20260302/"),
                        "date_not_in_scope"),
                refusal(
                        "signed six minutes ago",
                        SignedRequest.sign(
                                "GET",
                                URL,
                                Map.of(),
                                null,
                                creds(ADMIN),
                                REGION,
                                "execute-api",
                                NOW.minus(Duration.ofMinutes(6))),
                        "clock_skew"),
                refusal(
                        "signed six minutes in the future",
                        SignedRequest.sign(
                                "GET",
                                URL,
                                Map.of(),
                                null,
                                creds(ADMIN),
                                REGION,
                                "execute-api",
                                NOW.plus(Duration.ofMinutes(6))),
                        "clock_skew"),
                refusal(
                        "a body that does not match x-amz-content-sha256",
                        put(ADMIN).withBody("{\"pipeline\":\"*\"}"),
                        "body_hash_mismatch"),
                refusal(
                        "a changed body with a matching (unsigned) hash",
                        put(ADMIN)
                                .withBody("{\"pipeline\":\"*\"}")
                                .withHeader(
                                        "x-amz-content-sha256",
                                        IamAuthorizer.sha256Hex(
                                                "{\"pipeline\":\"*\"}".getBytes(StandardCharsets.UTF_8))),
                        "signature_mismatch"),
                refusal(
                        "a changed path",
                        put(ADMIN).withPath("/v1/admin/bindings/acme/deploy-prod"),
                        "signature_mismatch"),
                refusal(
                        "a changed query value",
                        get(ADMIN).withQuery("organization=acme&pipeline=prod"),
                        "signature_mismatch"),
                refusal(
                        "an added query parameter",
                        get(ADMIN).withQuery("organization=acme&pipeline=deploy&limit=1"),
                        "signature_mismatch"),
                refusal("a dropped query", get(ADMIN).withQuery(null), "signature_mismatch"),
                refusal("a changed method", put(ADMIN).withMethod("POST"), "signature_mismatch"),
                refusal("a changed signed header", put(ADMIN).withHeader("if-match", "\"4\""), "signature_mismatch"),
                refusal("a signed header removed", put(ADMIN).withoutHeader("if-match"), "signed_header_missing"),
                refusal("another Host", get(ADMIN).withHeader("Host", "127.0.0.1:9999"), "signature_mismatch"),
                refusal(
                        "a temporary key without its session token",
                        get(TEMP).withoutHeader("X-Amz-Security-Token"),
                        "missing_security_token"),
                refusal(
                        "a temporary key with another session token",
                        get(TEMP).withHeader("X-Amz-Security-Token", "forged"),
                        "invalid_security_token"),
                refusal(
                        "a session token with a long-term key",
                        SignedRequest.sign(
                                "GET",
                                URL,
                                Map.of(),
                                null,
                                AwsSessionCredentialsIdentity.create(
                                        ADMIN.accessKeyId(), ADMIN.secretAccessKey(), "some-token"),
                                REGION,
                                "execute-api",
                                NOW),
                        "unexpected_security_token"),
                refusal(
                        "a session token added after signing",
                        SignedRequest.sign(
                                        "GET",
                                        URL,
                                        Map.of(),
                                        null,
                                        AwsCredentialsIdentity.create(TEMP.accessKeyId(), TEMP.secretAccessKey()),
                                        REGION,
                                        "execute-api",
                                        NOW)
                                .withHeader("X-Amz-Security-Token", TEMP.sessionToken()),
                        "signed_headers_mismatch"));
    }

    private static Arguments refusal(String name, SignedRequest request, String reason) {
        return Arguments.of(Named.of(name, request), reason);
    }

    private static SignedRequest edit(SignedRequest r, UnaryOperator<String> f) {
        return r.withHeader("Authorization", f.apply(r.header("authorization")));
    }

    private static String flipLastHexDigit(String auth) {
        char last = auth.charAt(auth.length() - 1);
        return auth.substring(0, auth.length() - 1) + (last == '0' ? '1' : '0');
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("refusals")
    void refusedForTheRightReason(SignedRequest request, String reason) {
        assertThat(request.checkWith(AUTHORIZER)).isEqualTo(new IamAuthorizer.Denied(reason));
    }

    @Test
    void keySpecsAndFilesAreParsedAndBadOnesNamed(@TempDir Path dir) throws IOException {
        var k = IamAuthorizer.parseKey("AKIAADMINEXAMPLE0001:s3cr/t+x:arn:aws:sts::123456789012:assumed-role/A/b");
        assertThat(k.accessKeyId()).isEqualTo("AKIAADMINEXAMPLE0001");
        assertThat(k.secretAccessKey()).isEqualTo("s3cr/t+x");
        assertThat(k.principalArn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/A/b");
        assertThat(k.sessionToken()).isNull();
        assertThat(k.toString()).doesNotContain("s3cr/t+x");

        assertThatThrownBy(() -> IamAuthorizer.parseKey("AKIAADMINEXAMPLE0001:secret"))
                .hasMessageContaining("ACCESS_KEY_ID:SECRET_ACCESS_KEY:PRINCIPAL_ARN");
        assertThatThrownBy(() -> IamAuthorizer.parseKey("AKIAADMINEXAMPLE0001:secret:alice"))
                .hasMessageContaining("IAM or STS ARN");
        assertThatThrownBy(() -> IamAuthorizer.parseKey("akid:secret:arn:aws:iam::123456789012:user/a"))
                .hasMessageContaining("access key id");

        Path file = dir.resolve("keys");
        Files.writeString(file, """
                # admins
                AKIAADMINEXAMPLE0001  secret1  arn:aws:sts::123456789012:assumed-role/Admins/alice

                ASIATEMPEXAMPLE00003\tsecret3\tarn:aws:sts::123456789012:assumed-role/Deployer/ci\ttoken3
                """);
        var keys = IamAuthorizer.readKeysFile(file);
        assertThat(keys)
                .extracting(IamAuthorizer.AccessKey::accessKeyId)
                .containsExactly("AKIAADMINEXAMPLE0001", "ASIATEMPEXAMPLE00003");
        assertThat(keys.get(1).sessionToken()).isEqualTo("token3");

        Files.writeString(
                file,
                "AKIAADMINEXAMPLE0001 secret1 arn:aws:sts::123456789012:assumed-role/Admins/alice\nAKIAX onlytwo\n");
        assertThatThrownBy(() -> IamAuthorizer.readKeysFile(file)).hasMessageContaining("line 2");

        assertThatThrownBy(() -> new IamAuthorizer(List.of(ADMIN, ADMIN), REGION, Clock.systemUTC()))
                .hasMessageContaining("configured twice");
    }

    @Test
    void aGeneratedKeyIsForTheLocalAdminAndWorks() {
        var key = IamAuthorizer.generateLocalAdminKey(new SecureRandom());
        var other = IamAuthorizer.generateLocalAdminKey(new SecureRandom());
        assertThat(key.principalArn()).isEqualTo(IamAuthorizer.LOCAL_ADMIN_ARN);
        assertThat(key.accessKeyId()).hasSize(20).isNotEqualTo(other.accessKeyId());
        assertThat(key.secretAccessKey()).hasSize(40).isNotEqualTo(other.secretAccessKey());
        var authorizer = new IamAuthorizer(List.of(key), REGION, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(allowed(get(key).checkWith(authorizer)).userArn()).isEqualTo(IamAuthorizer.LOCAL_ADMIN_ARN);
        assertThat(get(ADMIN).checkWith(authorizer)).isEqualTo(new IamAuthorizer.Denied("unknown_access_key"));
    }
}
