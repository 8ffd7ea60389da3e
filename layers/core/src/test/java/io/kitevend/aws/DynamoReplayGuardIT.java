package io.kitevend.aws;

import io.kitevend.testing.Emulators;
import java.net.URI;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/** {@link io.kitevend.aws.DynamoReplayGuard} against moto and against dynalite. */
@Tag("integration")
class DynamoReplayGuardIT {

    @Nested
    class Moto extends ReplayGuardChecks {
        @Override
        protected URI endpoint() {
            return Emulators.moto();
        }
    }

    @Nested
    class Dynalite extends ReplayGuardChecks {
        @Override
        protected URI endpoint() {
            return Emulators.dynalite();
        }
    }
}
