package io.kitevend.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.audit.AuditRecord;
import io.kitevend.binding.Binding;
import io.kitevend.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The JSON and HTML forms of a report, without any emulator. */
class ReportOutputTest {
    private static final Instant FROM = Instant.parse("2025-05-14T00:00:00Z");
    private static final Instant TO = Instant.parse("2025-05-15T00:00:00Z");
    private static final String HOSTILE =
            "<script>alert('x')</script> & \"q\" \u0001\u0007 \uD800 ]]> <!-- --> \uD83D\uDE80";

    private static Map<String, Object> record(
            String id, String decision, String reason, String pipeline, String binding) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", id);
        m.put("time", AuditRecord.TIME.format(FROM.plusSeconds(3600)));
        m.put("kind", "vend");
        m.put("decision", decision);
        m.put("reason", reason);
        m.put("organization_slug", "acme");
        m.put("pipeline_slug", pipeline);
        if (binding != null) {
            m.put("binding", binding);
            m.put("role_arn", "arn:aws:iam::123456789012:role/kitevend/" + binding);
        }
        m.put("latency_ms", 42L);
        return m;
    }

    private static AuditReport hostileReport() {
        ReportBuilder b = new ReportBuilder(new ReportWindow(FROM, TO), ReportOptions.DEFAULTS, Optional.empty());
        b.accept(record("r1" + HOSTILE, "allow", "issued", "deploy" + HOSTILE, "b" + HOSTILE));
        b.accept(record("r2", "deny", "reason" + HOSTILE, "deploy", null));
        b.accept(record("r3", "deny", "token_replayed", HOSTILE, null));
        Map<String, Object> admin = new LinkedHashMap<>();
        admin.put("request_id", "adm" + HOSTILE);
        admin.put("time", AuditRecord.TIME.format(FROM.plusSeconds(60)));
        admin.put("kind", "admin");
        admin.put("decision", "allow");
        admin.put("principal", HOSTILE);
        admin.put("action", HOSTILE);
        admin.put("before", "{\"description\":\"" + "x</pre>" + "\"}");
        admin.put("after", HOSTILE);
        b.accept(admin);
        Binding risky = Binding.builder()
                .name("b-risky")
                .organization("acme")
                .pipeline("*" + HOSTILE)
                .roleArn("arn:aws:iam::123456789012:role/kitevend/" + HOSTILE)
                .maxDurationSeconds(43_200)
                .build();
        return b.finish(List.of(risky), TO);
    }

    @Test
    void hostileValuesAreEscapedAndThePageIsWellFormed() {
        AuditReport report = hostileReport();
        String html = ReportHtml.render(report);
        Document page = ReportChecks.parseXhtml(html);
        assertThat(page.getDocumentElement().getNamespaceURI()).isEqualTo(ReportChecks.XHTML);
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assertThat(page.getDocumentElement().getTextContent())
                .contains("<script>alert('x')</script> & \"q\"")
                .contains("\uD83D\uDE80")
                .doesNotContain("\u0001");
        assertThat(ReportChecks.externalReferences(page)).isEmpty();
        assertThat(ReportChecks.charts(page))
                .containsOnlyKeys(ReportHtml.CHART_DECISIONS, ReportHtml.CHART_PIPELINES, ReportHtml.CHART_REFUSALS);
        assertThat(ReportChecks.bars(page, ReportHtml.CHART_PIPELINES)).isEqualTo(1);
        assertThat(ReportChecks.bars(page, ReportHtml.CHART_REFUSALS)).isEqualTo(2);
    }

    @Test
    void hostileValuesSurviveTheJsonAndItMatchesTheSchema() throws Exception {
        AuditReport report = hostileReport();
        String json = ReportJson.write(report);
        assertThat(ReportChecks.schemaErrors(json)).isEmpty();
        JsonNode tree = Json.readTree(json);
        assertThat(tree.at("/schema_version").asInt()).isEqualTo(2);
        assertThat(tree.at("/vends/by_pipeline/0/pipeline").asText()).isEqualTo("deploy" + HOSTILE);
        assertThat(tree.at("/admin/changes/0/principal").asText()).isEqualTo(HOSTILE);
        assertThat(tree.at("/bindings/risky/0/reasons"))
                .extracting(JsonNode::asText)
                .containsExactly("glob_pipeline", "no_scoping_condition", "long_max_duration", "no_session_policy");
    }

    @Test
    void anEmptyReportIsValidAndStillHasItsCharts() {
        AuditReport empty = new ReportBuilder(new ReportWindow(FROM, TO), ReportOptions.DEFAULTS, Optional.empty())
                .finish(List.of(), TO);
        String json = ReportJson.write(empty);
        assertThat(ReportChecks.schemaErrors(json)).isEmpty();
        Document page = ReportChecks.parseXhtml(ReportHtml.render(empty));
        assertThat(ReportChecks.charts(page))
                .containsOnlyKeys(ReportHtml.CHART_DECISIONS, ReportHtml.CHART_PIPELINES, ReportHtml.CHART_REFUSALS);
        assertThat(ReportChecks.bars(page, ReportHtml.CHART_PIPELINES)).isZero();
        assertThat(page.getDocumentElement().getTextContent())
                .contains("No requests in this window", "No vends in this window");
    }

    @Test
    void theSchemaRefusesWhatItShould() throws Exception {
        String valid = ReportJson.write(hostileReport());
        assertThat(ReportChecks.schemaErrors(valid.replace("\"schema_version\" : 2", "\"schema_version\" : 1")))
                .isNotEmpty();
        com.fasterxml.jackson.databind.node.ObjectNode tree =
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.readTree(valid);
        tree.remove("latency_ms");
        assertThat(ReportChecks.schemaErrors(Json.write(tree))).anyMatch(e -> e.contains("latency_ms"));
        tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.readTree(valid);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("totals")).put("records", -1);
        assertThat(ReportChecks.schemaErrors(Json.write(tree))).isNotEmpty();
    }

    @Test
    void anEmptyReportsAxisShowsZeroOnce() {
        AuditReport empty = new ReportBuilder(new ReportWindow(FROM, TO), ReportOptions.DEFAULTS, Optional.empty())
                .finish(List.of(), TO);
        assertThat(yAxis(ReportChecks.parseXhtml(ReportHtml.render(empty)))).containsExactly("0");
    }

    @Test
    void theAxisLabelsAreDistinctAndRiseFromZero() {
        ReportBuilder b = new ReportBuilder(new ReportWindow(FROM, TO), ReportOptions.DEFAULTS, Optional.empty());
        b.accept(record("r1", "allow", "issued", "deploy", "deploy-main"));
        b.accept(record("r2", "deny", "no_matching_binding", "deploy", null));
        List<String> labels = yAxis(ReportChecks.parseXhtml(ReportHtml.render(b.finish(List.of(), TO))));
        assertThat(labels).containsExactly("0", "1", "2", "3", "4");
    }

    /** The y-axis labels of the decisions chart (right-aligned text), bottom up. */
    private static List<String> yAxis(Document page) {
        List<String> out = new java.util.ArrayList<>();
        var texts = ReportChecks.svg(page, ReportHtml.CHART_DECISIONS).getElementsByTagNameNS(ReportChecks.SVG, "text");
        for (int i = 0; i < texts.getLength(); i++) {
            var t = (org.w3c.dom.Element) texts.item(i);
            if (t.getAttribute("text-anchor").equals("end")) {
                out.add(t.getTextContent());
            }
        }
        return out;
    }

    @Test
    void axisTopsAreRoundAndDivideIntoQuarters() {
        for (long v = 1; v < 2_000_000; v = v * 3 / 2 + 1) {
            long top = ReportHtml.niceCeiling(v);
            assertThat(top).as("for %d", v).isGreaterThanOrEqualTo(v).isLessThanOrEqualTo((v + 3) * 4 / 3 + 4);
            assertThat(top % 4).as("for %d", v).isZero();
            long quarter = top / 4;
            assertThat(quarter < 10
                            || String.valueOf(quarter).replaceAll("0+$", "").length() <= 2)
                    .as("quarter %d of %d is round", quarter, top)
                    .isTrue();
        }
        assertThat(ReportHtml.niceCeiling(42_000)).isEqualTo(48_000);
        assertThat(ReportHtml.niceCeiling(0)).isZero();
    }
}
