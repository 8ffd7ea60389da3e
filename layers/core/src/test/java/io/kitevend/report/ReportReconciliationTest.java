package io.kitevend.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import io.kitevend.report.GeneratedTraffic.Planned;
import io.kitevend.report.ReportChecks.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The report's numbers on generated traffic of every kind (vends and secrets requests allowed,
 * refused and failed, replays, 503s and 500s, admin changes and refused admin attempts): every
 * card equals the sum of its breakdown, and every number equals a count made here from what was
 * generated, never from the report code.
 */
class ReportReconciliationTest {
    private static final ReportWindow DAY =
            new ReportWindow(Instant.parse("2025-05-14T00:00:00Z"), Instant.parse("2025-05-15T00:00:00Z"));
    private static final List<String> KINDS = List.of("vend", "secrets", "admin");
    private static final String REPLAYED = "token_replayed";

    private static GeneratedTraffic traffic;

    @BeforeAll
    static void generate() {
        traffic = GeneratedTraffic.over(DAY, 20250514L, 600);
    }

    private static AuditReport report(ReportOptions options) {
        ReportBuilder builder = new ReportBuilder(DAY, options, Optional.empty());
        traffic.records.forEach(builder::accept);
        return builder.finish(traffic.bindingsAtEnd, DAY.to());
    }

    private static long count(java.util.function.Predicate<Planned> p) {
        return traffic.planned.stream().filter(p).count();
    }

    private static long count(String kind, String decision) {
        return count(p -> p.kind().equals(kind) && p.decision().equals(decision));
    }

    @Test
    void theGeneratedTrafficHasEveryKindOfRequest() {
        assertThat(traffic.records).hasSameSizeAs(traffic.planned);
        for (String kind : KINDS) {
            for (String decision : List.of("allow", "deny")) {
                assertThat(count(kind, decision)).as(kind + " " + decision).isPositive();
            }
        }
        assertThat(count("vend", "error")).isPositive();
        assertThat(count("secrets", "error")).isPositive();
        for (String reason : List.of("secret_not_found", "secret_unreadable", "sts_unavailable", "internal_error")) {
            assertThat(count(p -> p.reason().equals(reason))).as(reason).isPositive();
        }
        assertThat(count(p -> p.status() == 503)).isPositive();
        assertThat(count(p -> p.reason().equals(REPLAYED) && p.kind().equals("vend")))
                .isPositive();
        assertThat(count(p -> p.reason().equals(REPLAYED) && p.kind().equals("secrets")))
                .isPositive();
        assertThat(traffic.planned.stream().map(Planned::action).filter(Objects::nonNull))
                .contains("create", "replace", "delete");
    }

    @Test
    void thePagesCardsEqualTheirBreakdownsAndTheGeneratedTraffic() {
        Document page = ReportChecks.parseXhtml(ReportHtml.render(report(ReportOptions.DEFAULTS)));
        Map<String, Long> cards = ReportChecks.cards(page);

        // The tables a reader adds up against the cards.
        Table refusals = ReportChecks.table(page, "Refusals");
        assertThat(refusals.sum("Requests"))
                .as("the Refusals table adds up to the Refused card")
                .isEqualTo(cards.get("Refused"));
        assertThat(cards.get("Refused")).isEqualTo(count(p -> p.decision().equals("deny")));
        assertThat(refusals.column("Reason")).contains("secret_not_found", "forbidden", REPLAYED);
        Table errors = ReportChecks.table(page, "Errors");
        assertThat(errors.sum("Requests")).as("the Errors table").isEqualTo(cards.get("Errors"));
        assertThat(cards.get("Errors")).isEqualTo(count(p -> p.decision().equals("error")));
        assertThat(cards.get("Replays detected"))
                .as("replays on both routes")
                .isEqualTo(count(p -> p.reason().equals(REPLAYED)));
        assertThat(ReportChecks.table(page, "Replays detected").sum("Replays"))
                .isEqualTo(cards.get("Replays detected"));
        assertThat(cards.get("Requests")).isEqualTo(traffic.planned.size());
        assertThat(cards.get("Allowed")).isEqualTo(count(p -> p.decision().equals("allow")));
        assertThat(cards.get("Admin changes")).isEqualTo(count("admin", "allow"));

        // Every card that is a count of requests shows its breakdown, and the parts add up.
        Map<String, Map<String, Long>> parts = cardParts(page);
        assertThat(parts).containsKeys("Requests", "Allowed", "Refused", "Errors", "Replays detected", "Admin changes");
        parts.forEach((card, p) -> assertThat(
                        p.values().stream().mapToLong(Long::longValue).sum())
                .as("the parts of the card %s: %s", card, p)
                .isEqualTo(cards.get(card)));
        assertThat(parts.get("Requests")).isEqualTo(byKind(p -> true));
        assertThat(parts.get("Allowed")).isEqualTo(byKind(p -> p.decision().equals("allow")));
        assertThat(parts.get("Refused")).isEqualTo(byKind(p -> p.decision().equals("deny")));
        assertThat(parts.get("Errors")).isEqualTo(byKind(p -> p.decision().equals("error")));
        assertThat(parts.get("Replays detected"))
                .isEqualTo(byKind(p -> p.reason().equals(REPLAYED)));
        assertThat(parts.get("Admin changes"))
                .isEqualTo(countBy(p -> p.kind().equals("admin") && p.decision().equals("allow"), Planned::action));

        // The kind by decision table: each row and column.
        Table kinds = ReportChecks.table(page, "Requests by kind");
        assertThat(kinds.column("Kind")).containsExactlyElementsOf(KINDS);
        for (int i = 0; i < KINDS.size(); i++) {
            String kind = KINDS.get(i);
            assertThat(ReportChecks.number(kinds.column("Allowed").get(i))).isEqualTo(count(kind, "allow"));
            assertThat(ReportChecks.number(kinds.column("Refused").get(i))).isEqualTo(count(kind, "deny"));
            assertThat(ReportChecks.number(kinds.column("Errors").get(i))).isEqualTo(count(kind, "error"));
            assertThat(ReportChecks.number(kinds.column("Requests").get(i)))
                    .isEqualTo(count(p -> p.kind().equals(kind)));
        }

        // Refusals and errors by reason and kind.
        for (String[] section : new String[][] {{"Refusals", "deny"}, {"Errors", "error"}}) {
            Table t = ReportChecks.table(page, section[0]);
            Map<String, Long> shown = new TreeMap<>();
            for (int i = 0; i < t.rows().size(); i++) {
                for (String kind : KINDS) {
                    Long n = ReportChecks.number(t.column(kind).get(i));
                    if (n != null && n > 0) {
                        shown.put(t.column("Reason").get(i) + " " + kind, n);
                    }
                }
            }
            assertThat(shown)
                    .as(section[0])
                    .isEqualTo(countBy(p -> p.decision().equals(section[1]), p -> p.reason() + " " + p.kind()));
        }

        // Secrets requests by binding, admin requests by action and by principal.
        assertThat(rowsByDecision(ReportChecks.table(page, "Secrets requests by binding"), "Binding"))
                .isEqualTo(byDecision(
                        p -> p.kind().equals("secrets"),
                        p -> p.binding() == null ? "(no binding)" : p.organization() + "/" + p.binding()));
        assertThat(rowsByDecision(ReportChecks.table(page, "Admin requests by action"), "Action"))
                .isEqualTo(byDecision(p -> p.kind().equals("admin"), Planned::action));
        assertThat(rowsByDecision(ReportChecks.table(page, "Admin requests by principal"), "Principal"))
                .isEqualTo(byDecision(p -> p.kind().equals("admin"), Planned::principal));

        // Vends by binding; the charts add up to their cards.
        Table vends = ReportChecks.table(page, "Vends by binding");
        assertThat(vends.sum("Vends")).isEqualTo(count("vend", "allow"));
        assertThat(chartTotal(page, ReportHtml.CHART_PIPELINES)).isEqualTo(count("vend", "allow"));
        assertThat(chartTotal(page, ReportHtml.CHART_REFUSALS)).isEqualTo(cards.get("Refused"));
    }

    @Test
    void theJsonEqualsTheGeneratedTrafficAndEveryTotalItsBreakdown() throws Exception {
        String text = ReportJson.write(report(ReportOptions.DEFAULTS));
        assertThat(ReportChecks.schemaErrors(text)).isEmpty();
        JsonNode json = Json.readTree(text);
        assertThat(ReportChecks.reconciliationProblems(json)).isEmpty();

        assertThat(json.at("/totals/records").asLong()).isEqualTo(traffic.planned.size());
        for (String kind : KINDS) {
            for (String decision : List.of("allow", "deny", "error")) {
                assertThat(json.at("/totals/by_kind/" + kind + "/" + decision).asLong())
                        .as(kind + " " + decision)
                        .isEqualTo(count(kind, decision));
            }
        }
        for (String[] section : new String[][] {{"refusals", "deny"}, {"errors", "error"}}) {
            Map<String, Long> reported = new TreeMap<>();
            for (JsonNode r : json.at("/" + section[0] + "/by_reason")) {
                r.get("by_kind")
                        .properties()
                        .forEach(e -> reported.put(
                                r.get("reason").asText() + " " + e.getKey(),
                                e.getValue().asLong()));
                r.get("sample_request_ids")
                        .forEach(id -> assertThat(traffic.planned)
                                .anyMatch(p -> p.requestId().equals(id.asText())
                                        && p.reason().equals(r.get("reason").asText())));
            }
            reported.values().removeIf(n -> n == 0);
            assertThat(reported)
                    .as(section[0])
                    .isEqualTo(countBy(p -> p.decision().equals(section[1]), p -> p.reason() + " " + p.kind()));
        }
        assertThat(json.at("/replays/total").asLong())
                .isEqualTo(count(p -> p.reason().equals(REPLAYED)));
        assertThat(json.at("/replays/by_kind/secrets").asLong())
                .isEqualTo(count(p -> p.reason().equals(REPLAYED) && p.kind().equals("secrets")));

        Map<String, Map<String, Long>> secrets = new TreeMap<>();
        for (JsonNode b : json.at("/secrets/by_binding")) {
            secrets.put(
                    b.get("binding").isNull()
                            ? "(no binding)"
                            : b.get("organization").asText() + "/"
                                    + b.get("binding").asText(),
                    decisions(b));
        }
        assertThat(secrets)
                .isEqualTo(byDecision(
                        p -> p.kind().equals("secrets"),
                        p -> p.binding() == null ? "(no binding)" : p.organization() + "/" + p.binding()));
        for (String[] list : new String[][] {{"by_action", "action"}, {"by_principal", "principal"}}) {
            Map<String, Map<String, Long>> reported = new TreeMap<>();
            json.at("/admin/" + list[0])
                    .forEach(n -> reported.put(n.get(list[1]).asText(), decisions(n)));
            assertThat(reported)
                    .as(list[0])
                    .isEqualTo(byDecision(
                            p -> p.kind().equals("admin"),
                            list[1].equals("action") ? Planned::action : Planned::principal));
        }
        Map<String, Long> vendsByPipeline = new TreeMap<>();
        json.at("/vends/by_pipeline")
                .forEach(n -> vendsByPipeline.put(
                        n.get("organization").asText() + "/" + n.get("pipeline").asText(),
                        n.get("count").asLong()));
        assertThat(vendsByPipeline)
                .isEqualTo(countBy(
                        p -> p.kind().equals("vend") && p.decision().equals("allow"),
                        p -> p.organization() + "/" + p.pipeline()));
        long timeline = 0;
        for (JsonNode b : json.at("/timeline/buckets")) {
            timeline += b.get("allow").asLong()
                    + b.get("deny").asLong()
                    + b.get("error").asLong()
                    + b.get("other").asLong();
        }
        assertThat(timeline).isEqualTo(traffic.planned.size());
    }

    @Test
    void withFewListedKeysTheRestIsCountedAsNotListedAndEverythingStillAddsUp() throws Exception {
        AuditReport small = report(ReportOptions.DEFAULTS.withMaxKeys(2).withChartTop(2));
        JsonNode json = Json.readTree(ReportJson.write(small));
        assertThat(ReportChecks.schemaErrors(Json.write(json))).isEmpty();
        assertThat(ReportChecks.reconciliationProblems(json)).isEmpty();
        assertThat(json.at("/refusals/not_listed/by_reason").asLong()).isPositive();
        assertThat(json.at("/refusals/truncated").asBoolean()).isTrue();

        Document page = ReportChecks.parseXhtml(ReportHtml.render(small, 2));
        Map<String, Long> cards = ReportChecks.cards(page);
        assertThat(ReportChecks.table(page, "Refusals").sum("Requests")).isEqualTo(cards.get("Refused"));
        assertThat(ReportChecks.table(page, "Errors").sum("Requests")).isEqualTo(cards.get("Errors"));
        assertThat(ReportChecks.table(page, "Replays detected").sum("Replays"))
                .isEqualTo(cards.get("Replays detected"));
        assertThat(ReportChecks.table(page, "Vends by binding").sum("Vends")).isEqualTo(count("vend", "allow"));
        assertThat(ReportChecks.table(page, "Secrets requests by binding").sum("Requests"))
                .isEqualTo(count(p -> p.kind().equals("secrets")));
        assertThat(ReportChecks.table(page, "Admin requests by principal").sum("Requests"))
                .isEqualTo(count(p -> p.kind().equals("admin")));
        assertThat(chartTotal(page, ReportHtml.CHART_REFUSALS)).isEqualTo(cards.get("Refused"));
        assertThat(chartTotal(page, ReportHtml.CHART_PIPELINES)).isEqualTo(count("vend", "allow"));
    }

    // ------------------------------------------------------------------ counting what was generated

    private static <K extends Comparable<K>> Map<K, Long> countBy(
            java.util.function.Predicate<Planned> which, java.util.function.Function<Planned, K> key) {
        Map<K, Long> out = new TreeMap<>();
        traffic.planned.stream().filter(which).forEach(p -> out.merge(key.apply(p), 1L, Long::sum));
        return out;
    }

    private static Map<String, Long> byKind(java.util.function.Predicate<Planned> which) {
        Map<String, Long> out = countBy(which, Planned::kind);
        return out;
    }

    /** Key to decision to count, decisions "allow", "deny", "error" with zeros left out. */
    private static Map<String, Map<String, Long>> byDecision(
            java.util.function.Predicate<Planned> which, java.util.function.Function<Planned, String> key) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        traffic.planned.stream()
                .filter(which)
                .forEach(p -> out.computeIfAbsent(Objects.toString(key.apply(p)), k -> new TreeMap<>())
                        .merge(p.decision(), 1L, Long::sum));
        return out;
    }

    // ------------------------------------------------------------------ reading the report

    private static Map<String, Long> decisions(JsonNode n) {
        Map<String, Long> out = new TreeMap<>();
        for (String d : List.of("allow", "deny", "error")) {
            if (n.get(d).asLong() > 0) {
                out.put(d, n.get(d).asLong());
            }
        }
        return out;
    }

    /** A table with Allowed/Refused/Errors columns as key to decision to count, zeros left out. */
    private static Map<String, Map<String, Long>> rowsByDecision(Table t, String keyColumn) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        String[][] columns = {{"Allowed", "allow"}, {"Refused", "deny"}, {"Errors", "error"}};
        for (int i = 0; i < t.rows().size(); i++) {
            Map<String, Long> d = new TreeMap<>();
            long requests = 0;
            for (String[] c : columns) {
                long n = ReportChecks.number(t.column(c[0]).get(i));
                requests += n;
                if (n > 0) {
                    d.put(c[1], n);
                }
            }
            assertThat(ReportChecks.number(t.column("Requests").get(i))).isEqualTo(requests);
            out.put(t.column(keyColumn).get(i), d);
        }
        return out;
    }

    /** Each card's breakdown: the label of each part to its number. */
    private static Map<String, Map<String, Long>> cardParts(Document page) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        for (Element card : ReportChecks.byClass(page, "card")) {
            Element list = ReportChecks.child(card, "parts");
            if (list == null) {
                continue;
            }
            Map<String, Long> parts = new TreeMap<>();
            for (Element part : ReportChecks.byClass(card, "part")) {
                parts.put(
                        ReportChecks.child(part, "part-label").getTextContent().strip(),
                        ReportChecks.number(ReportChecks.child(part, "n").getTextContent()));
            }
            out.put(ReportChecks.child(card, "k").getTextContent().strip(), parts);
        }
        return out;
    }

    /** The sum of the numbers a bar chart shows at the end of its bars. */
    private static long chartTotal(Document page, String chartId) {
        Element svg = ReportChecks.svg(page, chartId);
        long total = 0;
        for (Element v : ReportChecks.byClass(page, "bar-value")) {
            if (isInside(v, svg)) {
                total += ReportChecks.number(v.getTextContent());
            }
        }
        return total;
    }

    private static boolean isInside(Element e, Element ancestor) {
        for (org.w3c.dom.Node n = e; n != null; n = n.getParentNode()) {
            if (n.isSameNode(ancestor)) {
                return true;
            }
        }
        return false;
    }
}
