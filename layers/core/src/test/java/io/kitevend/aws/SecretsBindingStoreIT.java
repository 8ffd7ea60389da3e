package io.kitevend.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.binding.Binding;
import io.kitevend.binding.SecretGrant;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The secrets of a binding through {@link DynamoBindingStore}, against moto and against dynalite. */
@Tag("integration")
class SecretsBindingStoreIT {
    static final String ROLE = "arn:aws:iam::123456789012:role/kitevend/deployer";
    static final String SIGNING_ARN =
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:kitevend/acme/signing-AbCdEf";

    abstract static class Checks {
        private DynamoDbClient dynamo;
        private String table;
        private DynamoBindingStore store;

        protected abstract URI endpoint();

        @BeforeEach
        void createTables() {
            dynamo = EmulatorAws.clients(endpoint()).dynamo();
            table = EmulatorAws.table("bindings");
            Tables.ensure(dynamo, table, EmulatorAws.table("audit"), EmulatorAws.table("replay"));
            store = new DynamoBindingStore(dynamo, table);
        }

        private static Binding withSecrets() {
            Map<String, SecretGrant> secrets = new LinkedHashMap<>();
            secrets.put("NPM_TOKEN", SecretGrant.whole("kitevend/acme/npm-token"));
            secrets.put("DB_PASSWORD", new SecretGrant("kitevend/acme/db", "password"));
            secrets.put("SIGNING_KEY", SecretGrant.whole(SIGNING_ARN));
            return Binding.builder()
                    .name("deploy-main")
                    .organization("acme")
                    .pipeline("deploy")
                    .roleArn(ROLE)
                    .secrets(secrets)
                    .version(3)
                    .createdAt(Instant.parse("2025-05-01T10:00:00Z"))
                    .createdBy("admin")
                    .updatedAt(Instant.parse("2025-05-02T10:00:00Z"))
                    .updatedBy("admin")
                    .build();
        }

        private Map<String, AttributeValue> rawItem(String org, String name) {
            return dynamo.getItem(b -> b.tableName(table)
                            .consistentRead(true)
                            .key(Map.of(
                                    DynamoBindingStore.ORGANIZATION, AttributeValue.fromS(org),
                                    DynamoBindingStore.NAME, AttributeValue.fromS(name))))
                    .item();
        }

        @Test
        void secretsSurviveTheRoundTripInBothForms() throws Exception {
            Binding binding = withSecrets();

            store.put(binding);

            Binding read = store.get("acme", "deploy-main").orElseThrow();
            assertThat(read).isEqualTo(binding);
            assertThat(read.secrets())
                    .containsOnly(
                            Map.entry("NPM_TOKEN", SecretGrant.whole("kitevend/acme/npm-token")),
                            Map.entry("DB_PASSWORD", new SecretGrant("kitevend/acme/db", "password")),
                            Map.entry("SIGNING_KEY", SecretGrant.whole(SIGNING_ARN)));
            // The vend path's query reads the same secrets.
            assertThat(store.exactPipeline("acme", "deploy"))
                    .singleElement()
                    .satisfies(b -> assertThat(b.secrets()).isEqualTo(binding.secrets()));
        }

        @Test
        void theItemHoldsIdsAndKeysAsAMapOfMaps() throws Exception {
            store.put(withSecrets());

            Map<String, AttributeValue> secrets =
                    rawItem("acme", "deploy-main").get("secrets").m();

            assertThat(secrets).containsOnlyKeys("NPM_TOKEN", "DB_PASSWORD", "SIGNING_KEY");
            assertThat(secrets.get("NPM_TOKEN").m())
                    .isEqualTo(Map.of("secret_id", AttributeValue.fromS("kitevend/acme/npm-token")));
            assertThat(secrets.get("DB_PASSWORD").m())
                    .isEqualTo(Map.of(
                            "secret_id",
                            AttributeValue.fromS("kitevend/acme/db"),
                            "key",
                            AttributeValue.fromS("password")));
        }

        @Test
        void aBindingWithoutSecretsHasNoSecretsAttributeAndReadsBackEmpty() throws Exception {
            Binding plain = Binding.builder()
                    .name("build-any")
                    .organization("acme")
                    .pipeline("build")
                    .roleArn(ROLE)
                    .build();

            store.put(plain);

            assertThat(rawItem("acme", "build-any")).doesNotContainKey("secrets");
            assertThat(store.get("acme", "build-any").orElseThrow().secrets()).isEmpty();
        }

        @Test
        void replacingABindingReplacesItsSecrets() throws Exception {
            Binding first = withSecrets();
            store.create(first);
            Binding second = first.toBuilder()
                    .secrets(Map.of("ONLY_ONE", new SecretGrant("kitevend/acme/other", "token")))
                    .version(first.version() + 1)
                    .build();

            store.replace(second, first.version());

            assertThat(store.get("acme", "deploy-main").orElseThrow().secrets())
                    .containsExactly(Map.entry("ONLY_ONE", new SecretGrant("kitevend/acme/other", "token")));
            // Removing every secret removes the attribute.
            Binding third = second.toBuilder()
                    .secrets(Map.of())
                    .version(second.version() + 1)
                    .build();
            store.replace(third, second.version());
            assertThat(rawItem("acme", "deploy-main")).doesNotContainKey("secrets");
            assertThat(store.get("acme", "deploy-main").orElseThrow().secrets()).isEmpty();
        }
    }

    @Nested
    class Moto extends Checks {
        @Override
        protected URI endpoint() {
            return Emulators.moto();
        }
    }

    @Nested
    class Dynalite extends Checks {
        @Override
        protected URI endpoint() {
            return Emulators.dynalite();
        }
    }
}
