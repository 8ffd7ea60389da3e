package io.kitevend.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogLineTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void oneJsonObjectOnOneLineWithLevelAndMessageFirst() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", "r-1");
        fields.put("detail", "two\nlines");

        LogLine.print(out, "WARN", "something happened", fields);

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text.lines()).hasSize(1);
        assertThat(text).startsWith("{\"level\":\"WARN\",\"message\":\"something happened\",\"request_id\":\"r-1\"");
        assertThat(Json.readTree(text).get("detail").asText()).isEqualTo("two\nlines");
    }

    @Test
    void aLineWithoutFields() throws Exception {
        LogLine.print(out, "INFO", "done");

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("{\"level\":\"INFO\",\"message\":\"done\"}\n");
    }
}
