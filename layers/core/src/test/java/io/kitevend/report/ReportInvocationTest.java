package io.kitevend.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReportInvocationTest {
    private static final Instant NOW = Instant.parse("2025-06-01T13:45:00Z");
    private static final Duration MAX = Duration.ofDays(31);

    private static ReportWindow window(String from, String to) {
        return new ReportWindow(Instant.parse(from), Instant.parse(to));
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of(
                        Named.of("no input: yesterday", (Map<String, Object>) null),
                        window("2025-05-31T00:00:00Z", "2025-06-01T00:00:00Z")),
                Arguments.of(
                        Named.of("empty input: yesterday", Map.of()),
                        window("2025-05-31T00:00:00Z", "2025-06-01T00:00:00Z")),
                Arguments.of(
                        Named.of(
                                "scheduled event: the day before its time",
                                Map.of(
                                        "detail-type",
                                        "Scheduled Event",
                                        "source",
                                        "aws.events",
                                        "time",
                                        "2025-05-15T00:05:00Z",
                                        "detail",
                                        Map.of())),
                        window("2025-05-14T00:00:00Z", "2025-05-15T00:00:00Z")),
                Arguments.of(
                        Named.of("scheduled event delivered late in the day", Map.of("time", "2025-05-15T23:59:59Z")),
                        window("2025-05-14T00:00:00Z", "2025-05-15T00:00:00Z")),
                Arguments.of(
                        Named.of(
                                "direct window of a week",
                                Map.of("from", "2025-05-08T00:00:00Z", "to", "2025-05-15T00:00:00Z")),
                        window("2025-05-08T00:00:00Z", "2025-05-15T00:00:00Z")),
                Arguments.of(
                        Named.of(
                                "direct window with milliseconds and an offset",
                                Map.of("from", "2025-05-14T10:00:00.250+02:00", "to", "2025-05-14T12:00:00Z")),
                        window("2025-05-14T08:00:00.250Z", "2025-05-14T12:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void windows(Map<String, Object> input, ReportWindow expected) {
        assertThat(ReportInvocation.window(input, NOW, MAX)).isEqualTo(expected);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(Named.of("from without to", Map.of("from", "2025-05-08T00:00:00Z")), "'to'"),
                Arguments.of(Named.of("to without from", Map.of("to", "2025-05-08T00:00:00Z")), "'from'"),
                Arguments.of(
                        Named.of("not a time", Map.of("from", "last tuesday", "to", "2025-05-08T00:00:00Z")), "'from'"),
                Arguments.of(Named.of("a number", Map.of("from", 1, "to", "2025-05-08T00:00:00Z")), "'from'"),
                Arguments.of(
                        Named.of("from after to", Map.of("from", "2025-05-09T00:00:00Z", "to", "2025-05-08T00:00:00Z")),
                        "before"),
                Arguments.of(
                        Named.of("empty window", Map.of("from", "2025-05-08T00:00:00Z", "to", "2025-05-08T00:00:00Z")),
                        "before"),
                Arguments.of(
                        Named.of(
                                "microseconds",
                                Map.of("from", "2025-05-08T00:00:00.000001Z", "to", "2025-05-09T00:00:00Z")),
                        "milliseconds"),
                Arguments.of(
                        Named.of(
                                "longer than allowed",
                                Map.of("from", "2025-01-01T00:00:00Z", "to", "2025-03-01T00:00:00Z")),
                        "at most 31 days"),
                Arguments.of(Named.of("a scheduled event with a bad time", Map.of("time", "soon")), "'time'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedInputs(Map<String, Object> input, String message) {
        assertThatThrownBy(() -> ReportInvocation.window(new HashMap<>(input), NOW, MAX))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void windowDaysAndKeys() {
        ReportWindow w = window("2025-05-30T12:00:00Z", "2025-06-02T00:00:00Z");
        assertThat(w.days()).extracting(Object::toString).containsExactly("2025-05-30", "2025-05-31", "2025-06-01");
        assertThat(ReportStore.jsonKey(w.day())).isEqualTo("reports/2025/05/30/report.json");
        assertThat(ReportStore.htmlKey(w.day())).isEqualTo("reports/2025/05/30/report.html");
        assertThat(window("2025-05-30T00:00:00Z", "2025-05-31T00:00:00Z").days())
                .hasSize(1);
    }
}
