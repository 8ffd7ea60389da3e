package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import io.kitevend.testing.Emulators;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** {@code ./kitevend dev --aws-endpoint <moto>}: real DynamoDB, STS and Secrets Manager wire protocols. */
class MotoRunnerIT extends RunnerBlackBoxSuite {
    /** A binary secret, so the job gets it base64-encoded. */
    static final byte[] SIGNING_KEY = {0, 1, (byte) 0xfe, (byte) 0xff, 's', 'k', '-', 'I', 'T', 0x7f};

    static final String ROTATED_NPM_TOKEN = "npm_IT_rotated_93b2d1";

    URI moto;

    @Override
    List<String> extraArgs() {
        moto = Emulators.moto();
        Emulators.resetMoto(moto);
        try (SecretsManagerClient sm = secretsManager()) {
            sm.createSecret(b -> b.name("kitevend/acme/npm-token").secretString(NPM_TOKEN));
            sm.createSecret(b -> b.name("kitevend/acme/database").secretString(DATABASE_JSON));
            sm.createSecret(b -> b.name("kitevend/acme/signing-key").secretBinary(SdkBytes.fromByteArray(SIGNING_KEY)));
        }
        // The suite mints its tokens from the dev issuer, which an emulator runner serves only when asked.
        return List.of("--aws-endpoint", moto.toString(), "--region", "us-east-1", "--dev-routes");
    }

    @Override
    String signingKey() {
        return Base64.getEncoder().encodeToString(SIGNING_KEY);
    }

    @Override
    List<String> storedSecretTexts() {
        return java.util.stream.Stream.concat(
                        super.storedSecretTexts().stream(), java.util.stream.Stream.of(ROTATED_NPM_TOKEN))
                .toList();
    }

    @Override
    String secretsSource() {
        return "secretsmanager";
    }

    SecretsManagerClient secretsManager() {
        return SecretsManagerClient.builder()
                .endpointOverride(moto)
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    DynamoDbClient dynamo() {
        return DynamoDbClient.builder()
                .endpointOverride(moto)
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    Map<String, AttributeValue> storedAuditItem(String requestId) {
        try (DynamoDbClient dynamo = dynamo()) {
            var items = dynamo.query(QueryRequest.builder()
                            .tableName("kitevend-audit")
                            .indexName("by-request-id")
                            .keyConditionExpression("request_id = :id")
                            .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(requestId)))
                            .build())
                    .items();
            assertThat(items).hasSize(1);
            return items.get(0);
        }
    }

    @Test
    void theDevRoutesWereAskedForAndTheRunnerSaysWhatThatMeans() {
        assertThat(String.join("\n", runner.stderr))
                .contains("WARNING: --dev-routes with --aws-endpoint")
                .contains("DEV ISSUER IS TRUSTED");
    }

    @Test
    void credentialsComeFromStsAndTheAuditRecordIsInTheTable() throws Exception {
        var r = vendWith(mint("deploy", "main"));
        assertThat(r.status()).isEqualTo(200);
        JsonNode body = Json.readTree(r.body());
        assertThat(body.has("Simulated")).isFalse();
        assertThat(body.get("AccessKeyId").asText()).startsWith("ASIA");
        String requestId = body.get("RequestId").asText();
        var item = storedAuditItem(requestId);
        assertThat(item.get("decision").s()).isEqualTo("allow");
        assertThat(item.get("access_key_id").s())
                .isEqualTo(body.get("AccessKeyId").asText());
        assertThat(Optional.ofNullable(moto)).isPresent();
    }

    @Test
    void theStoredAuditRecordNamesEachSecretsManagerVersionAndNoValue() throws Exception {
        String npmVersion;
        String databaseVersion;
        try (SecretsManagerClient sm = secretsManager()) {
            npmVersion = sm.getSecretValue(b -> b.secretId("kitevend/acme/npm-token"))
                    .versionId();
            databaseVersion =
                    sm.getSecretValue(b -> b.secretId("kitevend/acme/database")).versionId();
        }
        var r = secrets(mint("publish", "main"), "publish-main");
        assertThat(r.status()).isEqualTo(200);
        var item = storedAuditItem(Json.readTree(r.body()).get("request_id").asText());
        assertThat(item.get("kind").s()).isEqualTo("secrets");
        assertThat(item.get("secrets").s())
                .contains(
                        "NPM_TOKEN=kitevend/acme/npm-token@" + npmVersion,
                        "DB_PASSWORD=kitevend/acme/database#password@" + databaseVersion);
        assertThat(item.toString()).doesNotContain(storedSecretTexts());
    }

    @Test
    void aNewSecretVersionIsHandedOutOnTheNextRequestWithoutACache() throws Exception {
        try (SecretsManagerClient sm = secretsManager()) {
            String rotated = sm.putSecretValue(
                            b -> b.secretId("kitevend/acme/npm-token").secretString(ROTATED_NPM_TOKEN))
                    .versionId();
            try {
                var r = secrets(mint("publish", "main"), "publish-main");
                JsonNode body = Json.readTree(r.body());
                assertThat(body.get("secrets").get("NPM_TOKEN").asText()).isEqualTo(ROTATED_NPM_TOKEN);
                assertThat((String) auditRecord(body.get("request_id").asText()).get("secrets"))
                        .contains("NPM_TOKEN=kitevend/acme/npm-token@" + rotated);
            } finally {
                sm.putSecretValue(b -> b.secretId("kitevend/acme/npm-token").secretString(NPM_TOKEN));
            }
        }
    }
}
