package io.kitevend.aws;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.replay.ReplayGuard;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * One conditional PutItem per token: it succeeds only if the token id is new. The item carries a
 * TTL attribute a little past the token's expiry, after which the token is refused as expired anyway.
 */
public final class DynamoReplayGuard implements ReplayGuard {
    public static final String KEY = "jti";
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
    public boolean firstUse(String tokenId, Instant tokenExpiresAt) throws DependencyUnavailableException {
        long expiresAt = tokenExpiresAt.plus(clockSkew).plusSeconds(60).getEpochSecond();
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(Map.of(
                            KEY, AttributeValue.fromS(tokenId),
                            TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(expiresAt))))
                    .conditionExpression("attribute_not_exists(#jti)")
                    .expressionAttributeNames(Map.of("#jti", KEY))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw AwsErrors.unavailable("replay-store", e);
        }
    }
}
