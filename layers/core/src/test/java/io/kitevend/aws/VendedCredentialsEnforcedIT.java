package io.kitevend.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kitevend.http.ProblemType;
import io.kitevend.testing.AwsVendFixture;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import io.kitevend.vend.VendResult;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Credentials vended through the whole vend path really are limited to the role's policy: the
 * allowed action works, a forbidden one is denied, both decided by a moto that enforces IAM.
 *
 * <p>What moto (5.x) does with {@code INITIAL_NO_AUTH_ACTION_COUNT=N}:
 * <ul>
 *   <li>The first N API requests of the process are not checked at all. Every request that reaches
 *       a service counts, whatever the service and whether it succeeds; {@code /moto-api/*}
 *       requests do not count. {@code /moto-api/reset} wipes users and roles but not the count, so
 *       this moto is never reset.</li>
 *   <li>After N, a request must be signed (SigV4, checked) with the keys of an IAM user created in
 *       this moto or with credentials from its AssumeRole. There is no root: the dummy
 *       {@code test}/{@code test} keys get {@code InvalidClientTokenId}. So the free requests create
 *       a user for kitevend itself, with access keys, and the roles.</li>
 *   <li>Identity policies (user and role, inline and attached, explicit Deny first) decide every
 *       action. Resources are only compared for S3 (bucket/key) and for {@code sts:AssumeRole} (the
 *       role ARN); for DynamoDB the resource is always {@code *}, so a statement naming a table ARN
 *       never matches there.</li>
 *   <li>{@code sts:AssumeRole} also needs the role's trust policy to name the caller's exact ARN
 *       (an account's {@code :root} is not understood) or {@code *}; of trust conditions only
 *       {@code StringEquals} on {@code sts:ExternalId} is checked.</li>
 *   <li>{@code sts:GetCallerIdentity} is always allowed. Not enforced: session policies, session
 *       tags and {@code sts:TagSession}, {@code sts:SetSourceIdentity}, {@code DurationSeconds}
 *       limits, permission boundaries, resource conditions.</li>
 *   <li>Refusals are 403s with an IAM-style XML body ({@code <ErrorResponse><Errors><Error>}),
 *       for DynamoDB's JSON protocol too; the Java SDK reads no error code from it (botocore does).</li>
 * </ul>
 */
@Tag("integration")
class VendedCredentialsEnforcedIT {
    private static final String ACCOUNT = "123456789012";
    private static final String KITEVEND_USER = "kitevend";
    /** The requests {@link #setUpIam} makes before moto starts checking. */
    private static final int SET_UP_REQUESTS = 6;

    private static Emulators.Emulator moto;
    private static AwsCredentialsProvider kitevend;
    private static String readerRole;
    private static String untrustingRole;

    @BeforeAll
    static void setUpIam() {
        moto = Emulators.startMoto(Map.of("INITIAL_NO_AUTH_ACTION_COUNT", Integer.toString(SET_UP_REQUESTS)));
        String kitevendArn = "arn:aws:iam::" + ACCOUNT + ":user/" + KITEVEND_USER;
        try (IamClient iam = EmulatorAws.iam(moto.endpoint())) {
            // 1-3: kitevend's own identity, allowed what the vend function's role is allowed
            // (plus creating its tables here); DynamoDB on "*" because moto matches nothing else.
            iam.createUser(b -> b.userName(KITEVEND_USER));
            iam.putUserPolicy(b ->
                    b.userName(KITEVEND_USER).policyName("kitevend-function").policyDocument("""
                    {"Version":"2012-10-17","Statement":[
                     {"Effect":"Allow","Action":["dynamodb:CreateTable","dynamodb:DescribeTable",
                       "dynamodb:UpdateTimeToLive","dynamodb:PutItem","dynamodb:Query"],"Resource":"*"},
                     {"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"],
                      "Resource":"arn:aws:iam::%s:role/kitevend/*"}]}""".formatted(ACCOUNT)));
            var key = iam.createAccessKey(b -> b.userName(KITEVEND_USER)).accessKey();
            kitevend = StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
            // 4-5: the role a binding grants: trusts kitevend, may list tables and nothing else.
            readerRole = iam.createRole(b ->
                            b.path("/kitevend/").roleName("table-lister").assumeRolePolicyDocument(trust(kitevendArn)))
                    .role()
                    .arn();
            iam.putRolePolicy(
                    b -> b.roleName("table-lister").policyName("list-tables").policyDocument("""
                    {"Version":"2012-10-17","Statement":[
                     {"Effect":"Allow","Action":"dynamodb:ListTables","Resource":"*"}]}"""));
            // 6: a role that trusts someone else.
            untrustingRole = iam.createRole(b -> b.path("/kitevend/")
                            .roleName("someone-elses")
                            .assumeRolePolicyDocument(trust("arn:aws:iam::" + ACCOUNT + ":user/someone-else")))
                    .role()
                    .arn();
        }
    }

    private static String trust(String principalArn) {
        return """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%s"},
                 "Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}""".formatted(principalArn);
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    private static URI endpoint() {
        return moto.endpoint();
    }

    @Test
    void afterTheFreeRequestsTheDummyCredentialsAreRefused() {
        try (IamClient iam = EmulatorAws.iam(endpoint())) {
            assertThatThrownBy(iam::listUsers).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(body(e)).contains("<Code>InvalidClientTokenId</Code>");
            });
        }
    }

    @Test
    void vendedCredentialsMayDoWhatTheRoleAllowsAndNothingElse() throws Exception {
        try (var f = new AwsVendFixture(EmulatorAws.clients(endpoint(), kitevend))) {
            f.bind(AwsVendFixture.binding("list-tables", "deploy", readerRole));

            VendResult result = f.vend("deploy");

            assertThat(result).isInstanceOf(VendResult.Issued.class);
            var issued = (VendResult.Issued) result;
            var credentials = issued.credentials();
            var asJob = StaticCredentialsProvider.create(AwsSessionCredentials.create(
                    credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken()));
            try (DynamoDbClient jobDynamo =
                    EmulatorAws.clients(endpoint(), asJob).dynamo()) {
                assertThat(jobDynamo.listTables().tableNames()).contains(f.config.bindingsTable());

                assertThatThrownBy(() -> jobDynamo.createTable(b -> b.tableName("not-allowed")
                                .billingMode(BillingMode.PAY_PER_REQUEST)
                                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))))
                        .satisfies(e -> accessDenied(e, "dynamodb:CreateTable"));
                assertThatThrownBy(() -> jobDynamo.query(b -> b.tableName(f.config.bindingsTable())
                                .keyConditionExpression("organization = :o")
                                .expressionAttributeValues(Map.of(":o", AttributeValue.fromS("acme")))))
                        .as("the job cannot read kitevend's bindings")
                        .satisfies(e -> accessDenied(e, "dynamodb:Query"));
            }
            try (var jobSts = EmulatorAws.sts(endpoint(), asJob.resolveCredentials())) {
                assertThat(jobSts.getCallerIdentity().arn())
                        .isEqualTo("arn:aws:sts::" + ACCOUNT + ":assumed-role/table-lister/bk-deploy-42-0184990a");
            }
            // The audit record of the vend holds the access key id, never the secret parts or the token.
            Map<String, AttributeValue> audit = f.auditRecord(issued.requestId());
            assertThat(audit.get("decision").s()).isEqualTo("allow");
            assertThat(audit.get("access_key_id").s()).isEqualTo(credentials.accessKeyId());
            assertThat(audit.get("session_name").s()).isEqualTo("bk-deploy-42-0184990a");
            assertThat(audit.values())
                    .extracting(v -> String.valueOf(v.s()))
                    .noneMatch(
                            v -> v.contains(credentials.secretAccessKey()) || v.contains(credentials.sessionToken()));
        }
    }

    @Test
    void aRoleThatDoesNotTrustKitevendIsRefused() throws Exception {
        try (var f = new AwsVendFixture(EmulatorAws.clients(endpoint(), kitevend))) {
            f.bind(AwsVendFixture.binding("locked-out", "locked", untrustingRole));

            VendResult result = f.vend("locked");

            // Real STS answers AccessDenied. moto's AccessDenied body has a shape the Java SDK cannot
            // read (see body()), so the code is lost; kitevend treats a bare 403 from STS as the
            // same refusal of trust.
            assertThat(result)
                    .isInstanceOfSatisfying(
                            VendResult.Refused.class,
                            r -> assertThat(r.problem().type()).isEqualTo(ProblemType.ROLE_TRUST_DENIED));
            Map<String, AttributeValue> audit = f.auditRecord(result.requestId());
            assertThat(audit.get("decision").s()).isEqualTo("deny");
            assertThat(audit.get("reason").s()).isEqualTo("role_trust_denied");
            assertThat(audit.get("detail").s()).contains(untrustingRole);
            assertThat(audit).doesNotContainKey("access_key_id");
        }
    }

    private static void accessDenied(Throwable thrown, String action) {
        assertThat(thrown).isInstanceOf(AwsServiceException.class);
        var e = (AwsServiceException) thrown;
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(body(e))
                .contains("<Code>AccessDenied</Code>")
                .contains("assumed-role/table-lister/")
                .contains("is not authorized to perform: " + action);
    }

    /**
     * moto's IAM errors are {@code <ErrorResponse><Errors><Error>}, a shape the Java SDK does not
     * read for STS, IAM or DynamoDB (real AWS sends {@code <ErrorResponse><Error>} or JSON), so the
     * error code is only in the raw body.
     */
    private static String body(AwsServiceException e) {
        return e.awsErrorDetails().rawResponse().asUtf8String();
    }
}
