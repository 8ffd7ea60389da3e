package io.kitevend.aws;

import static io.kitevend.testing.AwsCallRecorder.DYNAMODB;
import static io.kitevend.testing.AwsCallRecorder.STS;
import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.testing.AwsCallRecorder;
import io.kitevend.testing.AwsVendFixture;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import io.kitevend.vend.VendResult;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The AWS calls of one vend, as the design budgets them: with the bindings cached, one STS call
 * and at most two DynamoDB writes (replay guard, audit record), and no reads.
 */
@Tag("integration")
class AwsCallCountIT {
    private final AwsCallRecorder calls = new AwsCallRecorder();
    private AwsVendFixture f;

    @BeforeEach
    void wireVendAgainstMoto() throws Exception {
        URI moto = Emulators.moto();
        String roleArn = EmulatorAws.createKitevendRole(
                moto, "counted-" + UUID.randomUUID().toString().substring(0, 8));
        f = new AwsVendFixture(EmulatorAws.clients(moto, calls));
        f.bind(AwsVendFixture.binding("deploy-main", "deploy", roleArn));
        f.bind(AwsVendFixture.binding("infra-any", "infra-*", roleArn));
        calls.clear();
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static List<String> operations(List<AwsCallRecorder.Call> calls) {
        return calls.stream().map(AwsCallRecorder.Call::operation).toList();
    }

    @Test
    void aWarmVendMakesOneStsCallAndAtMostTwoDynamoDbWrites() {
        assertThat(f.vend("deploy")).as("warming vend").isInstanceOf(VendResult.Issued.class);
        calls.clear();

        VendResult result = f.vend("deploy");

        assertThat(result).isInstanceOf(VendResult.Issued.class);
        assertThat(operations(calls.calls(STS))).containsExactly("AssumeRole");
        List<String> dynamo = operations(calls.calls(DYNAMODB));
        assertThat(dynamo).as("DynamoDB calls").hasSizeBetween(1, 2).containsOnly("PutItem");
        assertThat(calls.calls()).as("no other AWS call").hasSize(1 + dynamo.size());
    }

    @Test
    void aColdVendReadsTheBindingsWithAtMostTwoQueries() {
        VendResult result = f.vend("deploy");

        assertThat(result).isInstanceOf(VendResult.Issued.class);
        assertThat(operations(calls.calls(STS))).containsExactly("AssumeRole");
        List<String> dynamo = operations(calls.calls(DYNAMODB));
        assertThat(dynamo.stream().filter(op -> !op.equals("PutItem")).toList())
                .as("reads")
                .hasSizeBetween(1, 2)
                .containsOnly("Query");
        assertThat(dynamo.stream().filter(op -> op.equals("PutItem")).count())
                .as("writes")
                .isBetween(1L, 2L);
    }
}
