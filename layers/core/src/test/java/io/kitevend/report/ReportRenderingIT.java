package io.kitevend.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The report page as a browser lays it out: headless Chromium draws a full report (generated
 * traffic of every kind, with long pipeline names, ARNs and reason codes) and an empty one, in a
 * wide and a narrow window. A probe script run in a copy of each page measures it: no chart text
 * outside its chart or over another, no axis label repeated, nothing wider than the window, no identifier wrapped inside
 * a word. Screenshots for a person to look at: {@code layers/core/target/report-rendering/*.png}.
 */
@Tag("integration")
class ReportRenderingIT {
    static final Path OUT = Path.of("target", "report-rendering");
    private static final ReportWindow DAY =
            new ReportWindow(Instant.parse("2025-05-14T00:00:00Z"), Instant.parse("2025-05-15T00:00:00Z"));
    private static final Pattern PROBE = Pattern.compile("<pre id=\"kitevend-probe\">([^<]*)</pre>");

    private static HeadlessChromium chromium;

    @BeforeAll
    static void writePages() throws IOException {
        chromium = HeadlessChromium.find();
        Files.createDirectories(OUT);
        GeneratedTraffic traffic = GeneratedTraffic.over(DAY, 20250514L, 600);
        ReportBuilder full = new ReportBuilder(DAY, ReportOptions.DEFAULTS, Optional.empty());
        traffic.records.forEach(full::accept);
        Files.writeString(OUT.resolve("full.html"), ReportHtml.render(full.finish(traffic.bindingsAtEnd, DAY.to())));
        Files.writeString(
                OUT.resolve("empty.html"),
                ReportHtml.render(
                        new ReportBuilder(DAY, ReportOptions.DEFAULTS, Optional.empty()).finish(List.of(), DAY.to())));
    }

    static Stream<Arguments> pages() {
        return Stream.of(
                Arguments.of("full", 1280),
                Arguments.of("full", 760),
                Arguments.of("empty", 1280),
                Arguments.of("empty", 760));
    }

    @ParameterizedTest(name = "{0} report, {1} px")
    @MethodSource("pages")
    void nothingIsClippedOverlappingOrBrokenInsideAWord(String name, int width) throws IOException {
        Path page = OUT.resolve(name + ".html").toAbsolutePath();
        JsonNode probe = probe(page, width);
        List<String> problems = new ArrayList<>();
        probe.get("problems").forEach(p -> problems.add(p.asText()));
        assertThat(problems).as("%s at %d px", name, width).isEmpty();

        // The probe looked at what it should: every chart and its texts, every identifier.
        JsonNode checked = probe.get("checked");
        assertThat(checked.get("charts").asInt()).isEqualTo(3);
        assertThat(checked.get("axisLabels").asInt())
                .as("the labels of the time chart's axis")
                .isGreaterThanOrEqualTo(name.equals("full") ? 5 : 1);
        if (name.equals("full")) {
            assertThat(checked.get("texts").asInt()).isGreaterThan(40);
            assertThat(checked.get("identifiers").asInt()).isGreaterThan(60);
            if (width < 800) {
                assertThat(checked.get("wrapped").asInt())
                        .as("identifiers that wrap in the narrow window, each only after a separator")
                        .isPositive();
            }
        }

        Path png = OUT.resolve(name + "-" + width + ".png");
        chromium.screenshot(page, png, width, Math.min(9000, probe.get("height").asInt() + 40));
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }

    /** Runs the probe in a copy of the page that may run it (the page itself allows no script). */
    private static JsonNode probe(Path page, int width) throws IOException {
        String html = Files.readString(page, StandardCharsets.UTF_8);
        String script;
        try (InputStream in = ReportRenderingIT.class.getResourceAsStream("/report-probe.js")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String probed = html.replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "")
                .replace("</body>", "<script>\n" + script + "\n</script>\n</body>");
        assertThat(probed).doesNotContain("Content-Security-Policy").contains("kitevend-probe");
        Path copy = page.resolveSibling(page.getFileName().toString().replace(".html", ".probe.html"));
        Files.writeString(copy, probed, StandardCharsets.UTF_8);
        String dom = chromium.dumpDom(copy, width, 2000);
        // The last match: the script's own text names the element too.
        Matcher m = PROBE.matcher(dom);
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        assertThat(found).as("the probe's result in the DOM of %s", copy).isNotNull();
        return Json.readTree(found.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
    }
}
