package io.kitevend.admin;

import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.Tables;
import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/** {@link ApplyChecks} on the DynamoDB adapters, against moto and against dynalite. */
@Tag("integration")
class ApplyIT {

    static AdminFixture onDynamo(URI endpoint) {
        var dynamo = EmulatorAws.clients(endpoint).dynamo();
        String bindings = EmulatorAws.table("bindings");
        String audit = EmulatorAws.table("audit");
        Tables.ensure(dynamo, bindings, audit, EmulatorAws.table("replay"));
        return new AdminFixture(
                new DynamoBindingStore(dynamo, bindings), new DynamoAuditStore(dynamo, audit, Duration.ofDays(400), 4));
    }

    @Nested
    class Moto extends ApplyChecks {
        @Override
        protected AdminFixture newFixture() {
            return onDynamo(Emulators.moto());
        }
    }

    @Nested
    class Dynalite extends ApplyChecks {
        @Override
        protected AdminFixture newFixture() {
            return onDynamo(Emulators.dynalite());
        }
    }
}
