package io.kitevend.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.audit.AuditFilter;
import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.Tables;
import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.AwsCallRecorder;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link AuditQueryChecks} on {@link DynamoAuditStore}, against moto and against dynalite; and
 * the reads are Queries on the table's keys and index, never a Scan.
 */
@Tag("integration")
class AuditQueryIT {

    abstract static class OnDynamo extends AuditQueryChecks {
        final AwsCallRecorder calls = new AwsCallRecorder();

        abstract URI endpoint();

        @Override
        protected AdminFixture newFixture() {
            var dynamo = EmulatorAws.clients(endpoint(), calls).dynamo();
            String bindings = EmulatorAws.table("bindings");
            String audit = EmulatorAws.table("audit");
            Tables.ensure(dynamo, bindings, audit, EmulatorAws.table("replay"));
            return new AdminFixture(
                    new DynamoBindingStore(dynamo, bindings),
                    new DynamoAuditStore(dynamo, audit, Duration.ofDays(400), 4));
        }

        @Test
        void readsAreQueriesNeverScans() throws Exception {
            calls.clear();
            f.auditQuery.query(new AuditFilter(NOON.minus(Duration.ofHours(72)), NOON, null, null, null), null, 500);
            f.auditQuery.query(
                    new AuditFilter(NOON.minus(Duration.ofHours(72)), NOON, "acme", "deploy", null), null, 500);
            f.auditQuery.query(
                    new AuditFilter(
                            NOON.minus(Duration.ofHours(72)), NOON, "acme", null, io.kitevend.audit.Decision.DENY),
                    null,
                    5);

            assertThat(calls.calls(AwsCallRecorder.DYNAMODB))
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c.operation()).isEqualTo("Query"));
            assertThat(calls.transmissions("Query"))
                    .anySatisfy(t -> assertThat(t.body()).contains("\"IndexName\":\"by-pipeline\""));
        }
    }

    @Nested
    class Moto extends OnDynamo {
        @Override
        URI endpoint() {
            return Emulators.moto();
        }
    }

    @Nested
    class Dynalite extends OnDynamo {
        @Override
        URI endpoint() {
            return Emulators.dynalite();
        }
    }
}
