package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./kitevend dev} with everything in memory and STS simulated. */
class EmbeddedRunnerIT extends RunnerBlackBoxSuite {
    @Override
    List<String> extraArgs() {
        return List.of();
    }

    @Test
    void simulatedCredentialsSaySo() throws Exception {
        var r = vendWith(mint("deploy", "main"));
        JsonNode body = Json.readTree(r.body());
        assertThat(body.get("Simulated").asBoolean()).isTrue();
        assertThat(body.get("AccessKeyId").asText()).startsWith("SIMULATED");
        assertThat(String.join("\n", runner.stderr)).contains("SIMULATED");
    }
}
