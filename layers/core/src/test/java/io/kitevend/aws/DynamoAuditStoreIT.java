package io.kitevend.aws;

import io.kitevend.testing.Emulators;
import java.net.URI;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/** {@link io.kitevend.aws.DynamoAuditStore} against moto and against dynalite. */
@Tag("integration")
class DynamoAuditStoreIT {

    @Nested
    class Moto extends AuditStoreChecks {
        @Override
        protected URI endpoint() {
            return Emulators.moto();
        }
    }

    @Nested
    class Dynalite extends AuditStoreChecks {
        @Override
        protected URI endpoint() {
            return Emulators.dynalite();
        }
    }
}
