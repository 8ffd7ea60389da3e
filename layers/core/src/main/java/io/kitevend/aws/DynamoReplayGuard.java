package io.kitevend.aws;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.replay.ReplayGuard;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One conditional PutItem per token: it succeeds only if the token id is new. The item names the
 * request that used the token (for admins) and a random id of this use: the SDK sends the same
 * item again when it retries a write whose answer came too late, so finding this use's own id
 * under the token id means the first attempt landed, not that the token was used before. Any
 * other use, even by the same request delivered twice, finds another id and is a replay. The item
 * carries a TTL attribute a little past the token's expiry, after which the token is refused as
 * expired anyway.
 */
public final class DynamoReplayGuard implements ReplayGuard {
    public static final String KEY = "jti";
    public static final String REQUEST_ID = "request_id";
    public static final String USE_ID = "use_id";
    public static final String TTL_ATTRIBUTE = "expires_at";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration clockSkew;

    public DynamoReplayGuard(DynamoDbClient dynamo, String table, Duration clockSkew) {
        this.dynamo = dynamo;
        this.table = table;
        this.clockSkew = clockSkew;
    }

    @Override
    public boolean firstUse(String tokenId, Instant tokenExpiresAt, String requestId)
            throws DependencyUnavailableException {
        long expiresAt = tokenExpiresAt.plus(clockSkew).plusSeconds(60).getEpochSecond();
        String useId = UUID.randomUUID().toString();
        try {
            return ConditionalPut.ifAbsent(
                            dynamo,
                            table,
                            List.of(KEY),
                            Map.of(
                                    KEY, AttributeValue.fromS(tokenId),
                                    REQUEST_ID, AttributeValue.fromS(requestId),
                                    USE_ID, AttributeValue.fromS(useId),
                                    TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(expiresAt))))
                    .map(stored -> stored.get(USE_ID) != null
                            && useId.equals(stored.get(USE_ID).s()))
                    .orElse(true);
        } catch (SdkException e) {
            throw AwsErrors.unavailable("replay-store", e);
        }
    }
}
