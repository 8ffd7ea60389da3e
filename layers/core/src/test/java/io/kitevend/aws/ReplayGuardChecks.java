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

    private static Instant tokenExpiry() {
        return Instant.now().plusSeconds(300);
    }

    @Test
    void aTokenIdPassesOnceOnly() throws Exception {
        String jti = UUID.randomUUID().toString();
        Instant exp = tokenExpiry();

        assertThat(guard.firstUse(jti, exp)).as("first use").isTrue();
        assertThat(guard.firstUse(jti, exp)).as("second use").isFalse();
        assertThat(guard.firstUse(jti, exp.plusSeconds(60)))
                .as("third use, other expiry")
                .isFalse();
    }

    @Test
    void otherTokenIdsAreNotAffected() throws Exception {
        Instant exp = tokenExpiry();
        String first = UUID.randomUUID().toString();

        assertThat(guard.firstUse(first, exp)).isTrue();
        assertThat(guard.firstUse(UUID.randomUUID().toString(), exp)).isTrue();
        assertThat(guard.firstUse(first, exp)).isFalse();
    }

    @Test
    void theRecordOfAUseExpiresAfterTheToken() throws Exception {
        String jti = UUID.randomUUID().toString();
        Instant exp = tokenExpiry();

        guard.firstUse(jti, exp);

        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                        .consistentRead(true)
                        .key(Map.of(DynamoReplayGuard.KEY, AttributeValue.fromS(jti))))
                .item();
        assertThat(item).containsOnlyKeys(DynamoReplayGuard.KEY, DynamoReplayGuard.TTL_ATTRIBUTE);
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
