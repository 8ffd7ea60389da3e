package io.kitevend.aws;

import io.kitevend.testing.Emulators;
import java.net.URI;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/**
 * Late DynamoDB answers on the vend path, with moto and with dynalite behind the tables. moto
 * returns the stored item with a failed condition ({@code ReturnValuesOnConditionCheckFailure});
 * dynalite ignores that parameter, so there the guard reads the item itself.
 */
@Tag("integration")
class LateAnswerIT {

    @Nested
    class Moto extends LateAnswerChecks {
        @Override
        protected URI dynamo() {
            return Emulators.moto();
        }

        @Override
        protected boolean returnsItemOnFailedCondition() {
            return true;
        }
    }

    @Nested
    class Dynalite extends LateAnswerChecks {
        @Override
        protected URI dynamo() {
            return Emulators.dynalite();
        }

        @Override
        protected boolean returnsItemOnFailedCondition() {
            return false;
        }
    }
}
