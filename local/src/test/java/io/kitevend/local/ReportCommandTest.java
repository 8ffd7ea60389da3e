package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kitevend.report.ReportWindow;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The window and the folder of {@code ./kitevend report}, without a runner. */
class ReportCommandTest {
    /** A moment with microseconds, as {@code Instant.now()} has on Linux. */
    private static final Instant NOW = Instant.parse("2026-11-29T20:54:13.123456Z");

    private static ReportWindow window(String from, String to) {
        return ReportCommand.window(from, to, NOW);
    }

    @ParameterizedTest(name = "--from {0} --to {1}")
    @CsvSource(
            nullValues = "-",
            value = {
                // Nothing given: today so far, including the current millisecond.
                "-, -, 2026-11-29T00:00:00Z, 2026-11-29T20:54:13.124Z",
                // A date alone as --from (today, or earlier): from that day to now.
                "2026-11-29, -, 2026-11-29T00:00:00Z, 2026-11-29T20:54:13.124Z",
                "2026-11-24, -, 2026-11-24T00:00:00Z, 2026-11-29T20:54:13.124Z",
                // A date alone as --to: that whole day.
                "-, 2026-11-24, 2026-11-24T00:00:00Z, 2026-11-25T00:00:00Z",
                // Two dates: both days, the --to day included.
                "2026-11-24, 2026-11-25, 2026-11-24T00:00:00Z, 2026-11-26T00:00:00Z",
                "2026-11-24, 2026-11-24, 2026-11-24T00:00:00Z, 2026-11-25T00:00:00Z",
                // Times: an exclusive end; offsets and missing seconds; no zone is UTC.
                "2026-11-24T09:00:00Z, 2026-11-24T10:30:00Z, 2026-11-24T09:00:00Z, 2026-11-24T10:30:00Z",
                "2026-11-24T10:00+01:00, 2026-11-24T10:30, 2026-11-24T09:00:00Z, 2026-11-24T10:30:00Z",
                "-, 2026-11-24T12:00:00Z, 2026-11-24T00:00:00Z, 2026-11-24T12:00:00Z",
                // Sub-millisecond times widen the window to whole milliseconds.
                "2026-11-24T09:00:00.0005Z, 2026-11-24T09:00:01.0005Z, 2026-11-24T09:00:00Z, 2026-11-24T09:00:01.001Z"
            })
    void theWindowOf(String from, String to, String start, String end) {
        assertThat(window(from, to)).isEqualTo(new ReportWindow(Instant.parse(start), Instant.parse(end)));
    }

    @Test
    void badDatesAreNamedWithTheOptionAndAnExample() {
        assertThatThrownBy(() -> window("2026-13-01", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--from '2026-13-01' is not " + ReportCommand.DATE_OR_TIME);
        assertThatThrownBy(() -> window(null, "yesterday"))
                .hasMessageStartingWith("--to 'yesterday' is not a UTC date (2026-11-24)");
        assertThatThrownBy(() -> window("2026-11-30", null))
                .hasMessage("--from 2026-11-30 is in the future (now is 2026-11-29 20:54:13 UTC); reports cover what"
                        + " already happened");
        assertThatThrownBy(() -> window("2026-11-25T00:00:00Z", "2026-11-24T12:00:00Z"))
                .hasMessageStartingWith("--from 2026-11-25T00:00:00Z is not before --to 2026-11-24T12:00:00Z");
    }

    @Test
    void theReportsGoToTheHomeFolderOutsideAnyRepository() {
        assertThat(ReportCommand.defaultFolder("/home/dana", "/ignored")).isEqualTo(Path.of("/home/dana/.kitevend"));
        assertThat(ReportCommand.defaultFolder(null, "/home/erin")).isEqualTo(Path.of("/home/erin/.kitevend"));
    }
}
