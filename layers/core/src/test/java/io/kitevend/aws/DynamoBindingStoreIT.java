package io.kitevend.aws;

import io.kitevend.testing.Emulators;
import java.net.URI;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/** {@link io.kitevend.aws.DynamoBindingStore} against moto and against dynalite. */
@Tag("integration")
class DynamoBindingStoreIT {

    @Nested
    class Moto extends BindingStoreChecks {
        @Override
        protected URI endpoint() {
            return Emulators.moto();
        }
    }

    @Nested
    class Dynalite extends BindingStoreChecks {
        @Override
        protected URI endpoint() {
            return Emulators.dynalite();
        }
    }
}
