package io.kitevend.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.json.Json;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProblemTest {

    @Test
    void unavailableIsA503WithRetryAfterOfAtLeastOneSecond() throws Exception {
        HttpResponse r = Problem.unavailable("Nothing was done. Retry later.", Duration.ofSeconds(7))
                .toResponse("req-1");

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.headers()).containsEntry("retry-after", "7").containsEntry("content-type", Problem.CONTENT_TYPE);
        var body = Json.readTree(r.body());
        assertThat(body.get("code").asText()).isEqualTo("dependency_unavailable");
        assertThat(body.get("detail").asText()).isEqualTo("Nothing was done. Retry later.");
        assertThat(body.get("request_id").asText()).isEqualTo("req-1");

        assertThat(Problem.unavailable("x", Duration.ofMillis(300)).retryAfterSeconds())
                .isEqualTo(1L);
    }

    @Test
    void unavailableCarriesExtensions() throws Exception {
        HttpResponse r = Problem.unavailable(
                        "Made, not audited.", Duration.ofSeconds(2), Map.of("change_applied", true))
                .toResponse("req-2");

        assertThat(Json.readTree(r.body()).get("change_applied").asBoolean()).isTrue();
    }
}
