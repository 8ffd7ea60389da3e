package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import io.kitevend.testing.Emulators;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import java.util.Map;

/** {@code ./kitevend dev --aws-endpoint <moto>}: real DynamoDB and STS wire protocols. */
class MotoRunnerIT extends RunnerBlackBoxSuite {
    URI moto;

    @Override
    List<String> extraArgs() {
        moto = Emulators.moto();
        Emulators.resetMoto(moto);
        return List.of("--aws-endpoint", moto.toString(), "--region", "us-east-1");
    }

    @Test
    void credentialsComeFromStsAndTheAuditRecordIsInTheTable() throws Exception {
        var r = vendWith(mint("deploy", "main"));
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = Json.readTree(r.body());
        assertThat(body.has("Simulated")).isFalse();
        assertThat(body.get("AccessKeyId").asText()).startsWith("ASIA");
        String requestId = body.get("RequestId").asText();
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(moto).region(Region.US_EAST_1)
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
            var items = dynamo.query(QueryRequest.builder().tableName("kitevend-audit").indexName("by-request-id")
                    .keyConditionExpression("request_id = :id")
                    .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(requestId))).build()).items();
            assertThat(items).hasSize(1);
            assertThat(items.get(0).get("decision").s()).isEqualTo("allow");
            assertThat(items.get(0).get("access_key_id").s()).isEqualTo(body.get("AccessKeyId").asText());
        }
        assertThat(Optional.ofNullable(moto)).isPresent();
    }
}
