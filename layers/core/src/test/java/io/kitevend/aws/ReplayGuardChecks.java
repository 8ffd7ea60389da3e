package io.kitevend.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.testing.EmulatorAws;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What {@link DynamoReplayGuard} must do against any DynamoDB; subclasses say where it is. */
abstract class ReplayGuardChecks {
    private static final Duration SKEW = Duration.ofSeconds(30);

    private DynamoDbClient dynamo;
    private String table;
    private DynamoReplayGuard guard;

    protected abstract URI endpoint();

    @BeforeEach
    void createTables() {
        dynamo = EmulatorAws.clients(endpoint()).dynamo();
        table = EmulatorAws.table("replay");
        Tables.ensure(dynamo, EmulatorAws.table("bindings"), EmulatorAws.table("audit"), table);
        guard = new DynamoReplayGuard(dynamo, table, SKEW);
    }

    private static String request() {
        return UUID.randomUUID().toString();
    }

    private static Instant tokenExpiry() {
        return Instant.now().plusSeconds(300);
    }

    @Test
    void aTokenIdPassesOnceOnly() throws Exception {
        String jti = UUID.randomUUID().toString();
        Instant exp = tokenExpiry();

        assertThat(guard.firstUse(jti, exp, request())).as("first use").isTrue();
        assertThat(guard.firstUse(jti, exp, request())).as("second use").isFalse();
        assertThat(guard.firstUse(jti, exp.plusSeconds(60), request()))
                .as("third use, other expiry")
                .isFalse();
    }

    @Test
    void otherTokenIdsAreNotAffected() throws Exception {
        Instant exp = tokenExpiry();
        String first = UUID.randomUUID().toString();

        assertThat(guard.firstUse(first, exp, request())).isTrue();
        assertThat(guard.firstUse(UUID.randomUUID().toString(), exp, request())).isTrue();
        assertThat(guard.firstUse(first, exp, request())).isFalse();
    }

    @Test
    void theSameRequestDeliveredTwiceIsARefusedReplayToo() throws Exception {
        // Only the SDK's retry of one write finds its own use (LateAnswerChecks); a second call,
        // even with the request id of the first, is another use.
        String jti = UUID.randomUUID().toString();
        String request = request();
        Instant exp = tokenExpiry();

        assertThat(guard.firstUse(jti, exp, request)).as("first use").isTrue();
        assertThat(guard.firstUse(jti, exp, request))
                .as("the same request again")
                .isFalse();
    }

    @Test
    void theRecordOfAUseExpiresAfterTheToken() throws Exception {
        String jti = UUID.randomUUID().toString();
        Instant exp = tokenExpiry();

        String request = request();
        guard.firstUse(jti, exp, request);

        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                        .consistentRead(true)
                        .key(Map.of(DynamoReplayGuard.KEY, AttributeValue.fromS(jti))))
                .item();
        assertThat(item)
                .containsOnlyKeys(
                        DynamoReplayGuard.KEY,
                        DynamoReplayGuard.REQUEST_ID,
                        DynamoReplayGuard.USE_ID,
                        DynamoReplayGuard.TTL_ATTRIBUTE);
        assertThat(item.get(DynamoReplayGuard.REQUEST_ID).s()).isEqualTo(request);
        AttributeValue ttl = item.get(DynamoReplayGuard.TTL_ATTRIBUTE);
        assertThat(ttl.n())
                .as("a TTL attribute must be a number of epoch seconds")
                .isNotNull();
        long expiresAt = Long.parseLong(ttl.n());
        assertThat(expiresAt)
                .as("past the token's expiry and its clock skew")
                .isGreaterThan(exp.plus(SKEW).getEpochSecond())
                .as("but not kept for long after")
                .isLessThanOrEqualTo(exp.plus(SKEW).plus(Duration.ofMinutes(10)).getEpochSecond());
    }
}
