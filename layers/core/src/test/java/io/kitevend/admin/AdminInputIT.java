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

/** {@link AdminInputChecks} on the DynamoDB stores, against moto and against dynalite, where the 5xx came from. */
class AdminInputIT {

    abstract static class OnDynamo extends AdminInputChecks {
        abstract URI endpoint();

        @Override
        protected AdminFixture newFixture() {
            var dynamo = EmulatorAws.clients(endpoint()).dynamo();
            String bindings = EmulatorAws.table("bindings");
            String audit = EmulatorAws.table("audit");
            Tables.ensure(dynamo, bindings, audit, EmulatorAws.table("replay"));
            return new AdminFixture(
                    new DynamoBindingStore(dynamo, bindings),
                    new DynamoAuditStore(dynamo, audit, Duration.ofDays(400), 4));
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
