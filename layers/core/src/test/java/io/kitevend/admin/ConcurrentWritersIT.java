package io.kitevend.admin;

import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.Emulators;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/** {@link ConcurrentWriterChecks} on the real DynamoDB adapters, against moto and against dynalite. */
@Tag("integration")
class ConcurrentWritersIT {

    @Nested
    class Moto extends ConcurrentWriterChecks {
        @Override
        protected AdminFixture newFixture() {
            return ApplyIT.onDynamo(Emulators.moto());
        }
    }

    @Nested
    class Dynalite extends ConcurrentWriterChecks {
        @Override
        protected AdminFixture newFixture() {
            return ApplyIT.onDynamo(Emulators.dynalite());
        }
    }
}
