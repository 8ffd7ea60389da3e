package io.kitevend.function.vend;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.DynamoReplayGuard;
import io.kitevend.aws.StsCredentialIssuer;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.job.JobPorts;
import io.kitevend.job.JobSettings;
import io.kitevend.json.Json;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.SampleEvents;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.VendFixture;
import io.kitevend.token.TokenPolicy;
import io.kitevend.vend.VendService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The vend handler over the real AWS adapters (STS issuer, DynamoDB replay guard and audit store)
 * whose SDK clients talk to {@link AwsWireStub}, which answers in STS's and DynamoDB's wire
 * formats. Covers what an emulator cannot show: throttling, refusals and 5xx, and what kitevend
 * puts on the wire.
 */
@Tag("integration")
class WireStubIT {
    private static final String REPLAY_TABLE = "kitevend-replay";
    private static final String AUDIT_TABLE = "kitevend-audit";
    private static final String ROLE_ARN = VendFixture.ROLE_ARN;

    // What the stub's STS hands out; none of the secret parts may ever leave kitevend except in a 200.
    private static final String ACCESS_KEY_ID = "ASIAWIRESTUB7EXAMPLE";
    private static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYwirestubSECRET";
    private static final String SESSION_TOKEN =
            "IQoJb3JpZ2luX2VjEWIRESTUB//////////wEaCXVzLWVhc3QtMSJHMEUCIQDsessiontoken";

    private AwsWireStub stub;
    private JwksServer jwks;
    private TokenMinter minter;
    private DynamoDbClient dynamo;
    private StsClient sts;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private VendHandler handler;

    @BeforeEach
    void setUp() {
        stub = new AwsWireStub();
        var key = TestKeys.rsa();
        jwks = new JwksServer(key);
        minter = new TokenMinter(key, jwks.issuer(), VendFixture.AUDIENCE);
        Clock clock = Clock.systemUTC();

        AwsClients aws = new AwsClients(new AwsSettings(
                Region.US_EAST_1,
                Optional.of(stub.endpoint()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))));
        dynamo = aws.dynamo();
        sts = aws.sts();

        TokenPolicy policy = VendFixture.policy(jwks);
        InMemoryBindingStore bindingStore = new InMemoryBindingStore();
        bindingStore.put(Binding.builder()
                .name("deploy-main")
                .organization("acme")
                .pipeline("deploy")
                .condition("build_branch", "main")
                .roleArn(ROLE_ARN)
                .build());
        JobPorts ports = JobPorts.of(
                new JobSettings(policy, new BindingRules("/kitevend/", Set.of()), Duration.ofSeconds(30), true),
                new DynamoReplayGuard(dynamo, REPLAY_TABLE, Duration.ofSeconds(30)),
                bindingStore,
                new DynamoAuditStore(dynamo, AUDIT_TABLE, Duration.ofDays(400), 4),
                clock,
                new PrintStream(logBytes, true, StandardCharsets.UTF_8));
        VendService service = new VendService(ports, new StsCredentialIssuer(sts), clock);
        handler = new VendHandler(service, clock);
    }

    @AfterEach
    void tearDown() {
        dynamo.close();
        sts.close();
        jwks.close();
        stub.close();
    }

    // ---------------------------------------------------------------- the control: all answers good

    @Test
    void goodAnswersGiveTheStsCredentialsAndPutTheExpectedRequestsOnTheWire() throws IOException {
        Instant expiration = Instant.now().plus(1, ChronoUnit.HOURS);
        stub.answer(call -> switch (call.service()) {
            case "sts" -> AwsWireStub.Reply.sts(200, assumeRoleOk(expiration));
            default -> AwsWireStub.Reply.dynamo(200, "{}");
        });
        var claims = minter.claims();
        APIGatewayV2HTTPEvent event = SampleEvents.withToken("vend-request.json", minter.sign(claims));

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(response.getHeaders()).containsEntry("content-type", "application/json");
        JsonNode body = Json.readTree(response.getBody());
        assertThat(body.get("Version").asInt()).isEqualTo(1);
        assertThat(body.get("AccessKeyId").asText()).isEqualTo(ACCESS_KEY_ID);
        assertThat(body.get("SecretAccessKey").asText()).isEqualTo(SECRET_ACCESS_KEY);
        assertThat(body.get("SessionToken").asText()).isEqualTo(SESSION_TOKEN);
        assertThat(Instant.parse(body.get("Expiration").asText()))
                .isEqualTo(expiration.truncatedTo(ChronoUnit.SECONDS));
        assertThat(body.has("Simulated")).isFalse();

        // sts:AssumeRole, Query protocol, with the parameters the design asks for.
        List<AwsWireStub.Call> assumeRole = stub.calls("sts", "AssumeRole");
        assertThat(assumeRole).hasSize(1);
        assertThat(assumeRole.get(0).contentType()).startsWith("application/x-www-form-urlencoded");
        assertThat(assumeRole.get(0).params())
                .containsEntry("Version", "2011-06-15")
                .containsEntry("RoleArn", ROLE_ARN)
                .containsEntry("RoleSessionName", "bk-deploy-42-0184990a")
                .containsEntry("SourceIdentity", "bk.acme.deploy.42")
                .containsEntry("DurationSeconds", "3600");
        assertThat(tags(assumeRole.get(0).params()))
                .containsEntry("organization_slug", "acme")
                .containsEntry("pipeline_slug", "deploy")
                .containsEntry("build_branch", "main");

        // One conditional PutItem on the replay table for this token's jti.
        List<AwsWireStub.Call> replay = stub.putItems(REPLAY_TABLE);
        assertThat(replay).hasSize(1);
        assertThat(replay.get(0).contentType()).startsWith("application/x-amz-json-1.0");
        JsonNode replayPut = replay.get(0).json();
        assertThat(replayPut.at("/Item/jti/S").asText()).isEqualTo(claims.get("jti"));
        assertThat(replayPut.get("ConditionExpression").asText()).isEqualTo("attribute_not_exists(#key)");
        assertThat(replayPut.at("/ExpressionAttributeNames/#key").asText()).isEqualTo("jti");
        // The request that used the token, this use's own id, and the stored use back if the
        // condition fails: an SDK retry of this very write must be told from a replay.
        assertThat(replayPut.at("/Item/request_id/S").asText())
                .isEqualTo(event.getRequestContext().getRequestId());
        assertThat(replayPut.at("/Item/use_id/S").asText()).isNotBlank();
        assertThat(replayPut.get("ReturnValuesOnConditionCheckFailure").asText())
                .isEqualTo("ALL_OLD");

        // One PutItem on the audit table: allow, with the access key id but no secret part.
        List<AwsWireStub.Call> audit = stub.putItems(AUDIT_TABLE);
        assertThat(audit).hasSize(1);
        JsonNode item = audit.get(0).json().get("Item");
        // Never over another record; a retry finds its own record under the key.
        assertThat(audit.get(0).json().get("ConditionExpression").asText()).isEqualTo("attribute_not_exists(#key)");
        assertThat(audit.get(0).json().at("/ExpressionAttributeNames/#key").asText())
                .isEqualTo("pk");
        assertThat(audit.get(0)
                        .json()
                        .get("ReturnValuesOnConditionCheckFailure")
                        .asText())
                .isEqualTo("ALL_OLD");
        assertThat(item.at("/decision/S").asText()).isEqualTo("allow");
        assertThat(item.at("/request_id/S").asText())
                .isEqualTo(event.getRequestContext().getRequestId());
        assertThat(item.at("/access_key_id/S").asText()).isEqualTo(ACCESS_KEY_ID);
        assertNoSecretsSentToDynamo();
        assertThat(stub.calls()).hasSize(3);
    }

    // ---------------------------------------------------------------- (a) STS throttling

    @Test
    void stsThrottlingIsRetriedByTheSdkThenAnswered503WithRetryAfter() throws IOException {
        stub.answer(call -> switch (call.service()) {
            case "sts" -> AwsWireStub.Reply.sts(400, AwsWireStub.stsError("Sender", "Throttling", "Rate exceeded"));
            default -> AwsWireStub.Reply.dynamo(200, "{}");
        });
        APIGatewayV2HTTPEvent event = SampleEvents.withToken("vend-request.json", minter.sign());

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        JsonNode problem = assertProblem(response, event, 503, "dependency_unavailable");
        assertThat(problem.has("AccessKeyId")).isFalse();
        assertThat(Long.parseLong(response.getHeaders().get("retry-after"))).isPositive();
        assertThat(stub.calls("sts", "AssumeRole"))
                .as("the SDK retries a throttled call before giving up")
                .hasSizeGreaterThan(1);
        assertThat(stub.putItems(REPLAY_TABLE))
                .as("the token is spent once, not per STS attempt")
                .hasSize(1);

        JsonNode stored = onlyAuditItem();
        assertThat(stored.at("/decision/S").asText()).isEqualTo("error");
        assertThat(stored.at("/reason/S").asText()).isEqualTo("sts_unavailable");
        assertThat(stored.at("/status/N").asText()).isEqualTo("503");
        Map<String, Object> logged = onlyLogLine();
        assertThat(audit(logged))
                .containsEntry("decision", "error")
                .containsEntry("reason", "sts_unavailable")
                .containsEntry("request_id", event.getRequestContext().getRequestId());
        assertThat(logged).containsEntry("level", "ERROR").containsEntry("audit_store", "stored");
    }

    @Test
    void expiredCredentialsOfKitevendItselfAre503NotARefusal() throws IOException {
        stub.answer(call -> switch (call.service()) {
            case "sts" ->
                AwsWireStub.Reply.sts(
                        403,
                        AwsWireStub.stsError(
                                "Sender", "ExpiredToken", "The security token included in the request is expired"));
            default -> AwsWireStub.Reply.dynamo(200, "{}");
        });
        APIGatewayV2HTTPEvent event = SampleEvents.withToken("vend-request.json", minter.sign());

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertProblem(response, event, 503, "dependency_unavailable");
        assertThat(response.getHeaders()).containsKey("retry-after");
        assertThat(onlyAuditItem().at("/reason/S").asText()).isEqualTo("sts_unavailable");
    }

    // ---------------------------------------------------------------- (b) STS AccessDenied

    @Test
    void stsAccessDeniedIs403RoleTrustDeniedAndNotRetried() throws IOException {
        String stsMessage = "User: arn:aws:sts::111122223333:assumed-role/kitevend-vend/kitevend is not authorized "
                + "to perform: sts:AssumeRole on resource: " + ROLE_ARN;
        stub.answer(call -> switch (call.service()) {
            case "sts" -> AwsWireStub.Reply.sts(403, AwsWireStub.stsError("Sender", "AccessDenied", stsMessage));
            default -> AwsWireStub.Reply.dynamo(200, "{}");
        });
        APIGatewayV2HTTPEvent event = SampleEvents.withToken("vend-request.json", minter.sign());

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertProblem(response, event, 403, "role_trust_denied");
        assertThat(response.getHeaders()).doesNotContainKey("retry-after");
        // kitevend's own identity, as STS names it, is for the audit trail, not for the caller.
        assertThat(response.getBody()).doesNotContain("111122223333").doesNotContain("not authorized");
        assertThat(stub.calls("sts", "AssumeRole"))
                .as("a refusal is final; no retry")
                .hasSize(1);

        JsonNode stored = onlyAuditItem();
        assertThat(stored.at("/decision/S").asText()).isEqualTo("deny");
        assertThat(stored.at("/reason/S").asText()).isEqualTo("role_trust_denied");
        assertThat(stored.at("/role_arn/S").asText()).isEqualTo(ROLE_ARN);
        assertThat(audit(onlyLogLine())).containsEntry("decision", "deny").containsEntry("reason", "role_trust_denied");
    }

    // ---------------------------------------------------------------- (c) the audit write fails

    @Test
    void auditWriteFailureWithholdsTheCredentialsAnd503s() throws IOException {
        Instant expiration = Instant.now().plus(1, ChronoUnit.HOURS);
        stub.answer(call -> {
            if (call.service().equals("sts")) {
                return AwsWireStub.Reply.sts(200, assumeRoleOk(expiration));
            }
            if (call.is("dynamodb", "PutItem") && AUDIT_TABLE.equals(call.table())) {
                return AwsWireStub.Reply.dynamo(
                        500, AwsWireStub.dynamoError("InternalServerError", "Internal server error"));
            }
            return AwsWireStub.Reply.dynamo(200, "{}");
        });
        APIGatewayV2HTTPEvent event = SampleEvents.withToken("vend-request.json", minter.sign());

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertProblem(response, event, 503, "dependency_unavailable");
        assertThat(Long.parseLong(response.getHeaders().get("retry-after"))).isPositive();
        assertThat(stub.calls("sts", "AssumeRole"))
                .as("STS did issue credentials")
                .hasSize(1);
        assertThat(stub.putItems(REPLAY_TABLE)).hasSize(1);
        assertThat(stub.putItems(AUDIT_TABLE))
                .as("the SDK retries a 500 before giving up")
                .hasSizeGreaterThan(1);

        // Fail closed: nothing of the credentials reaches the caller.
        List<String> responseText = new ArrayList<>(response.getHeaders().values());
        responseText.addAll(response.getHeaders().keySet());
        responseText.add(response.getBody());
        for (String part : List.of(ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN)) {
            assertThat(responseText).noneMatch(text -> text.contains(part));
        }

        // The log line, the audit trail of last resort, says why.
        String log = logBytes.toString(StandardCharsets.UTF_8);
        Map<String, Object> logged = onlyLogLine();
        assertThat(logged).containsEntry("level", "ERROR");
        assertThat((String) logged.get("audit_store")).startsWith("failed");
        assertThat(audit(logged))
                .containsEntry("decision", "error")
                .containsEntry("reason", "audit_write_failed")
                .containsEntry("status", 503)
                .containsEntry("request_id", event.getRequestContext().getRequestId());
        assertThat(log).doesNotContain(SECRET_ACCESS_KEY).doesNotContain(SESSION_TOKEN);
        assertNoSecretsSentToDynamo();
    }

    // ---------------------------------------------------------------- DynamoDB throttling on the replay table

    @Test
    void replayTableThrottlingIs503BeforeAnyStsCall() throws IOException {
        stub.answer(call -> {
            if (call.is("dynamodb", "PutItem") && REPLAY_TABLE.equals(call.table())) {
                return AwsWireStub.Reply.dynamo(
                        400,
                        AwsWireStub.dynamoError(
                                "ProvisionedThroughputExceededException",
                                "The level of configured provisioned throughput for the table was exceeded."));
            }
            if (call.service().equals("sts")) {
                return AwsWireStub.Reply.sts(200, assumeRoleOk(Instant.now().plus(1, ChronoUnit.HOURS)));
            }
            return AwsWireStub.Reply.dynamo(200, "{}");
        });
        APIGatewayV2HTTPEvent event = SampleEvents.withToken("vend-request.json", minter.sign());

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertProblem(response, event, 503, "dependency_unavailable");
        assertThat(response.getHeaders()).containsKey("retry-after");
        assertThat(stub.putItems(REPLAY_TABLE)).as("the SDK retries throttling").hasSizeGreaterThan(1);
        assertThat(stub.calls("sts", "AssumeRole")).isEmpty();
        JsonNode stored = onlyAuditItem();
        assertThat(stored.at("/decision/S").asText()).isEqualTo("error");
        assertThat(stored.at("/reason/S").asText()).isEqualTo("replay_store_unavailable");
    }

    // ---------------------------------------------------------------- helpers

    private static String assumeRoleOk(Instant expiration) {
        return AwsWireStub.assumeRoleResponse(
                ROLE_ARN, "bk-deploy-42-0184990a", ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, expiration);
    }

    /** Session tags from the Query form ({@code Tags.member.N.Key} / {@code .Value}). */
    private static Map<String, String> tags(Map<String, String> params) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 1; params.containsKey("Tags.member." + i + ".Key"); i++) {
            tags.put(params.get("Tags.member." + i + ".Key"), params.get("Tags.member." + i + ".Value"));
        }
        return tags;
    }

    private JsonNode onlyAuditItem() {
        List<AwsWireStub.Call> puts = stub.putItems(AUDIT_TABLE);
        assertThat(puts).hasSize(1);
        return puts.get(0).json().get("Item");
    }

    private void assertNoSecretsSentToDynamo() {
        for (AwsWireStub.Call call : stub.calls()) {
            if (call.service().equals("dynamodb")) {
                assertThat(call.body()).doesNotContain(SECRET_ACCESS_KEY).doesNotContain(SESSION_TOKEN);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> onlyLogLine() throws IOException {
        List<String> lines = logBytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        return Json.mapper().readValue(lines.get(0), Map.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> audit(Map<String, Object> logLine) {
        return (Map<String, Object>) logLine.get("audit");
    }

    private static JsonNode assertProblem(
            APIGatewayV2HTTPResponse response, APIGatewayV2HTTPEvent event, int status, String code)
            throws IOException {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
        assertThat(response.getHeaders()).containsEntry("content-type", "application/problem+json");
        JsonNode problem = Json.readTree(response.getBody());
        assertThat(problem.get("type").asText()).isEqualTo("urn:kitevend:problem:" + code);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("code").asText()).isEqualTo(code);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(problem.get("request_id").asText())
                .isEqualTo(event.getRequestContext().getRequestId());
        assertThat(response.getBody())
                .doesNotContainPattern("Exception|\\bat [\\w.$]+\\(|software\\.amazon|io\\.kitevend");
        return problem;
    }
}
