package io.kitevend.replay;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.aws.AwsErrors;
import io.kitevend.aws.ConditionalPut;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One conditional PutItem per token: it succeeds only if the token id is new. The item names the
 * request that used the token, so that the SDK's retry of a write that landed but was answered
 * too late is recognised as that request's own use, not as a replay. The item carries a TTL
 * attribute a little past the token's expiry, after which the token is refused as expired anyway.
 */
public final class DynamoReplayGuard implements ReplayGuard {
    public static final String KEY = "jti";
    public static final String REQUEST_ID = "request_id";
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
        try {
            return ConditionalPut.ifAbsent(
                            dynamo,
                            table,
                            List.of(KEY),
                            Map.of(
                                    KEY, AttributeValue.fromS(tokenId),
                                    REQUEST_ID, AttributeValue.fromS(requestId),
                                    TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(expiresAt))))
                    .map(stored -> stored.get(REQUEST_ID) != null
                            && requestId.equals(stored.get(REQUEST_ID).s()))
                    .orElse(true);
        } catch (SdkException e) {
            throw AwsErrors.unavailable("replay-store", e);
        }
    }
}
