package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import io.kitevend.testing.LateAnswerProxy;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./kitevend dev --aws-endpoint} against an emulator that is slow to create tables (as moto
 * is under load): the set-up calls have limits of their own, so the runner starts, where the
 * request path's 3-second limit per call failed it with ApiCallTimeoutException.
 */
class SlowEmulatorSetUpIT {
    private static final PrintStream QUIET =
            new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);

    private static RunnerOptions options(URI endpoint) {
        RunnerOptions options = new RunnerOptions();
        options.port = 0;
        options.region = "us-east-1";
        options.awsEndpoint = endpoint;
        options.bindingsTable = EmulatorAws.table("bindings");
        options.auditTable = EmulatorAws.table("audit");
        options.replayTable = EmulatorAws.table("replay");
        return options;
    }

    @Test
    void tablesThatTakeSecondsToCreateDoNotStopTheRunner() throws Exception {
        URI moto = Emulators.moto();
        try (LateAnswerProxy slow = new LateAnswerProxy(moto, moto, Duration.ofMillis(3_500))) {
            slow.delayEveryAnswer(request -> "DynamoDB_20120810.CreateTable".equals(request.target()));
            RunnerOptions options = options(slow.endpoint());
            try (LocalRunner runner = LocalRunner.start(options, QUIET, QUIET)) {
                assertThat(runner.mode()).isEqualTo(LocalRunner.Mode.ENDPOINT);
            }
            assertThat(slow.lateAnswers()).as("every table's creation was slow").isEqualTo(3);
            List<String> tables =
                    EmulatorAws.clients(moto).dynamo().listTables().tableNames();
            assertThat(tables).contains(options.bindingsTable, options.auditTable, options.replayTable);
        }
    }
}
