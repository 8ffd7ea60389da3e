package io.kitevend.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.Decision;
import io.kitevend.binding.Binding;
import io.kitevend.report.QueryLedger;
import io.kitevend.report.ReportWindow;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import io.kitevend.testing.JobClaims;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The report's DynamoDB readers against moto and against dynalite (stricter, real paging). */
@Tag("integration")
class DynamoAuditReaderIT {

    abstract static class Checks {
        private static final int SHARDS = 3;
        private final QueryLedger ledger = new QueryLedger();

        protected abstract URI endpoint();

        private DynamoDbClient dynamo() {
            return new ReportClients(
                            new AwsSettings(Region.US_EAST_1, Optional.of(endpoint()), EmulatorAws.TEST_CREDENTIALS),
                            List.of(ledger))
                    .dynamo();
        }

        @Test
        void readsExactlyTheWindowPageByPageAcrossDaysAndShards() throws Exception {
            DynamoDbClient dynamo = dynamo();
            String audit = EmulatorAws.table("reader-audit");
            Tables.ensure(dynamo, EmulatorAws.table("reader-bindings"), audit, EmulatorAws.table("reader-replay"));
            DynamoAuditStore store = new DynamoAuditStore(dynamo, audit, Duration.ofDays(400), SHARDS);
            Instant start = Instant.parse("2025-05-10T00:00:00Z");
            List<Instant> times = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                times.add(start.plus(Duration.ofMinutes(18L * i))); // 72 hours, every 18 minutes
            }
            Instant from = Instant.parse("2025-05-10T20:00:00Z");
            Instant to = Instant.parse("2025-05-12T07:30:00Z");
            times.add(from);
            times.add(from.minusMillis(1));
            times.add(to.minusMillis(1));
            times.add(to);
            for (int i = 0; i < times.size(); i++) {
                AuditRecord r = new AuditRecord("r" + i, times.get(i), AuditRecord.KIND_VEND);
                r.claims(JobClaims.job().jti("j" + i).build());
                r.outcome(Decision.DENY, "no_binding", "none matched", 403);
                r.latencyMillis(i);
                store.put(r);
            }
            ledger.clear();
            Set<String> expected = new java.util.TreeSet<>();
            for (int i = 0; i < times.size(); i++) {
                if (!times.get(i).isBefore(from) && times.get(i).isBefore(to)) {
                    expected.add("r" + i);
                }
            }
            DynamoAuditReader reader = new DynamoAuditReader(dynamo, audit, SHARDS, 7);
            List<Map<String, Object>> read;
            try (Stream<Map<String, Object>> s = reader.records(new ReportWindow(from, to))) {
                read = s.toList();
            }
            Set<String> ids = read.stream()
                    .map(m -> (String) m.get("request_id"))
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            assertThat(ids).isEqualTo(expected);
            assertThat(read).hasSize(expected.size());
            assertThat(read.getFirst())
                    .containsEntry("kind", "vend")
                    .containsEntry("organization_slug", "acme")
                    .containsKey("latency_ms")
                    .doesNotContainKeys("pk", "sk", "expires_at", "pipeline_key");
            assertThat(read.getFirst().get("latency_ms")).isInstanceOf(Long.class);
            assertThat(ledger.scans()).isZero();
            assertThat(ledger.itemsReturned(audit)).isEqualTo(expected.size());
            assertThat(ledger.queries(audit))
                    .extracting(QueryLedger.Query::partition)
                    .containsOnly(
                            "day#2025-05-10#0",
                            "day#2025-05-10#1",
                            "day#2025-05-10#2",
                            "day#2025-05-11#0",
                            "day#2025-05-11#1",
                            "day#2025-05-11#2",
                            "day#2025-05-12#0",
                            "day#2025-05-12#1",
                            "day#2025-05-12#2");
            assertThat(ledger.queries(audit).size())
                    .as("pages of at most 7")
                    .isGreaterThanOrEqualTo(expected.size() / 7);
        }

        @Test
        void readsTheBindingsOfTheConfiguredOrganizationsOnly() throws Exception {
            DynamoDbClient dynamo = dynamo();
            String table = EmulatorAws.table("reader-bindings");
            Tables.ensure(dynamo, table, EmulatorAws.table("reader-audit"), EmulatorAws.table("reader-replay"));
            DynamoBindingStore store = new DynamoBindingStore(dynamo, table);
            for (String org : List.of("acme", "globex", "initech")) {
                for (int i = 0; i < 4; i++) {
                    store.put(Binding.builder()
                            .name("b" + i)
                            .organization(org)
                            .pipeline(i == 0 ? "infra-*" : "p" + i)
                            .roleArn("arn:aws:iam::123456789012:role/kitevend/r" + i)
                            .build());
                }
            }
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of(
                            DynamoBindingStore.ORGANIZATION,
                            AttributeValue.fromS("acme"),
                            DynamoBindingStore.NAME,
                            AttributeValue.fromS("broken"),
                            DynamoBindingStore.PIPELINE_KEY,
                            AttributeValue.fromS("acme/broken"),
                            "max_duration_seconds",
                            AttributeValue.fromN("1.5"))));
            ledger.clear();
            List<String> problems = new ArrayList<>();
            List<Binding> read =
                    new DynamoBindingReader(dynamo, table, Set.of("acme", "globex"), problems::add).bindings();
            assertThat(read)
                    .extracting(b -> b.organization() + "/" + b.name())
                    .containsExactlyInAnyOrder(
                            "acme/b0",
                            "acme/b1",
                            "acme/b2",
                            "acme/b3",
                            "globex/b0",
                            "globex/b1",
                            "globex/b2",
                            "globex/b3");
            assertThat(problems).singleElement().asString().startsWith("acme/broken: ");
            assertThat(ledger.queries(table))
                    .extracting(QueryLedger.Query::partition)
                    .containsExactlyInAnyOrder("acme", "globex");
            assertThat(ledger.scans()).isZero();
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
