package io.kitevend.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.binding.BindingStore;
import io.kitevend.binding.ConditionalWriteChecks;
import io.kitevend.testing.AwsCallRecorder;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import java.net.URI;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link ConditionalWriteChecks} on {@link DynamoBindingStore}, against moto and against dynalite;
 * and the writes are single conditional PutItem/DeleteItem calls, never transactions.
 */
@Tag("integration")
class DynamoConditionalWritesIT {

    abstract static class OnDynamo extends ConditionalWriteChecks {
        final AwsCallRecorder calls = new AwsCallRecorder();

        abstract URI endpoint();

        @Override
        protected BindingStore newStore() {
            var dynamo = EmulatorAws.clients(endpoint(), calls).dynamo();
            String table = EmulatorAws.table("bindings");
            Tables.ensure(dynamo, table, EmulatorAws.table("audit"), EmulatorAws.table("replay"));
            return new DynamoBindingStore(dynamo, table);
        }

        @Test
        void eachWriteIsOneConditionalCall() throws Exception {
            calls.clear();
            store.create(binding("deploy-main", 1));
            store.replace(binding("deploy-main", 2), 1);
            store.delete("acme", "deploy-main", 2);

            assertThat(calls.calls(AwsCallRecorder.DYNAMODB))
                    .extracting(AwsCallRecorder.Call::operation)
                    .containsExactly("PutItem", "PutItem", "DeleteItem");
            assertThat(calls.transmissions("PutItem").get(0).body()).contains("attribute_not_exists(#key)");
            assertThat(calls.transmissions("PutItem").get(1).body())
                    .contains("#version = :expected")
                    .contains("ALL_OLD");
            assertThat(calls.transmissions("DeleteItem").get(0).body()).contains("#version = :expected");
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
