package io.kitevend.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Checks a report's outputs the way a consumer would: JSON against the shipped schema, HTML with an XML parser. */
public final class ReportChecks {
    public static final String XHTML = "http://www.w3.org/1999/xhtml";
    public static final String SVG = "http://www.w3.org/2000/svg";

    private ReportChecks() {}

    public static String schemaText() {
        try (InputStream in = ReportJson.class.getResourceAsStream(ReportJson.SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("report.schema.json is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Schema violations of {@code json}, as messages; empty when valid. */
    public static List<String> schemaErrors(String json) {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(schemaText(), InputFormat.JSON);
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(json, InputFormat.JSON)) {
            out.add(e.toString());
        }
        return out;
    }

    private static final List<String> DECISIONS = List.of("allow", "deny", "error", "other");

    /**
     * What does not add up in a report's JSON: every total must equal the sum of its breakdown
     * (entries plus what is counted as not listed), and the same count must be the same wherever
     * it appears. Empty when everything reconciles.
     */
    public static List<String> reconciliationProblems(JsonNode r) {
        List<String> out = new ArrayList<>();
        long records = r.at("/totals/records").asLong();
        JsonNode byKind = r.at("/totals/by_kind");
        for (String d : DECISIONS) {
            long perKind = 0;
            for (JsonNode k : byKind) {
                perKind += k.path(d).asLong();
            }
            equal(
                    out,
                    "totals.by_decision." + d + " = sum of totals.by_kind.*." + d,
                    r.at("/totals/by_decision/" + d).asLong(),
                    perKind);
            long timeline = 0;
            for (JsonNode b : r.at("/timeline/buckets")) {
                timeline += b.path(d).asLong();
            }
            equal(
                    out,
                    "totals.by_decision." + d + " = sum of timeline buckets",
                    r.at("/totals/by_decision/" + d).asLong(),
                    timeline);
        }
        equal(out, "totals.records = sum of totals.by_decision", records, sum(r.at("/totals/by_decision"), DECISIONS));
        byKind.properties()
                .forEach(e -> equal(
                        out,
                        "totals.by_kind." + e.getKey() + ".total",
                        e.getValue().path("total").asLong(),
                        sum(e.getValue(), DECISIONS)));
        for (String[] section : new String[][] {{"refusals", "deny"}, {"errors", "error"}}) {
            JsonNode s = r.path(section[0]);
            String name = section[0];
            equal(
                    out,
                    name + ".total = totals.by_decision." + section[1],
                    s.path("total").asLong(),
                    r.at("/totals/by_decision/" + section[1]).asLong());
            long listed = 0;
            for (JsonNode reason : s.path("by_reason")) {
                listed += reason.path("count").asLong();
                long kinds = 0;
                for (JsonNode k : reason.path("by_kind")) {
                    kinds += k.asLong();
                }
                equal(
                        out,
                        name + " " + reason.path("reason").asText() + ": count = sum of by_kind",
                        reason.path("count").asLong(),
                        kinds);
            }
            equal(
                    out,
                    name + ".total = listed reasons + not_listed",
                    s.path("total").asLong(),
                    listed + s.at("/not_listed/by_reason").asLong());
            byKind.properties()
                    .forEach(e -> equal(
                            out,
                            name + ".by_kind." + e.getKey(),
                            s.path("by_kind").path(e.getKey()).asLong(),
                            e.getValue().path(section[1]).asLong()));
        }
        JsonNode vends = r.path("vends");
        equal(
                out,
                "vends.total = totals.by_kind.vend.allow",
                vends.path("total").asLong(),
                byKind.at("/vend/allow").asLong());
        for (String list : List.of("by_pipeline", "by_binding")) {
            equal(
                    out,
                    "vends.total = vends." + list + " + not_listed",
                    vends.path("total").asLong(),
                    counts(vends.path(list), "count")
                            + vends.at("/not_listed/" + list).asLong());
        }
        JsonNode secrets = r.path("secrets");
        equal(
                out,
                "secrets.total = totals.by_kind.secrets.total",
                secrets.path("total").asLong(),
                byKind.at("/secrets/total").asLong());
        for (String d : DECISIONS) {
            equal(
                    out,
                    "secrets.by_decision." + d,
                    secrets.at("/by_decision/" + d).asLong(),
                    byKind.at("/secrets/" + d).asLong());
        }
        equal(
                out,
                "secrets.total = secrets.by_binding + not_listed",
                secrets.path("total").asLong(),
                counts(secrets.path("by_binding"), "total")
                        + secrets.at("/not_listed/by_binding").asLong());
        JsonNode admin = r.path("admin");
        equal(
                out,
                "admin.total = totals.by_kind.admin.total",
                admin.path("total").asLong(),
                byKind.at("/admin/total").asLong());
        for (String d : DECISIONS) {
            equal(
                    out,
                    "admin.by_decision." + d,
                    admin.at("/by_decision/" + d).asLong(),
                    byKind.at("/admin/" + d).asLong());
        }
        for (String list : List.of("by_action", "by_principal")) {
            equal(
                    out,
                    "admin.total = admin." + list + " + not_listed",
                    admin.path("total").asLong(),
                    counts(admin.path(list), "total")
                            + admin.at("/not_listed/" + list).asLong());
        }
        for (JsonNode list : List.of(secrets.path("by_binding"), admin.path("by_action"), admin.path("by_principal"))) {
            for (JsonNode row : list) {
                equal(
                        out,
                        "row total = its decisions: " + row,
                        row.path("total").asLong(),
                        sum(row, DECISIONS));
            }
        }
        JsonNode replays = r.path("replays");
        long replayKinds = 0;
        for (JsonNode k : replays.path("by_kind")) {
            replayKinds += k.asLong();
        }
        equal(
                out,
                "replays.total = sum of replays.by_kind",
                replays.path("total").asLong(),
                replayKinds);
        equal(
                out,
                "replays.total = replays.by_pipeline + not_listed",
                replays.path("total").asLong(),
                counts(replays.path("by_pipeline"), "count")
                        + replays.at("/not_listed/by_pipeline").asLong());
        for (JsonNode reason : r.at("/refusals/by_reason")) {
            if (reason.path("reason").asText().equals("token_replayed")) {
                equal(
                        out,
                        "replays.total = refusals with reason token_replayed",
                        replays.path("total").asLong(),
                        reason.path("count").asLong());
                reason.path("by_kind")
                        .properties()
                        .forEach(e -> equal(
                                out,
                                "replays.by_kind." + e.getKey(),
                                replays.path("by_kind").path(e.getKey()).asLong(),
                                e.getValue().asLong()));
            }
        }
        equal(
                out,
                "latency_ms.count = vend requests",
                r.at("/latency_ms/count").asLong(),
                byKind.at("/vend/total").asLong());
        return out;
    }

    private static void equal(List<String> out, String what, long reported, long expected) {
        if (reported != expected) {
            out.add(what + ": " + reported + " != " + expected);
        }
    }

    private static long sum(JsonNode n, List<String> fields) {
        return fields.stream().mapToLong(f -> n.path(f).asLong()).sum();
    }

    private static long counts(JsonNode list, String field) {
        long total = 0;
        for (JsonNode e : list) {
            total += e.path(field).asLong();
        }
        return total;
    }

    /** Parses the page as XML (namespace-aware, no DTDs or external entities); fails when it is not well-formed. */
    public static Document parseXhtml(String html) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("the report page is not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** The page's SVG elements by id, each with its title. */
    public static Map<String, String> charts(Document page) {
        Map<String, String> out = new TreeMap<>();
        NodeList svgs = page.getElementsByTagNameNS(SVG, "svg");
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            NodeList titles = svg.getElementsByTagNameNS(SVG, "title");
            out.put(
                    svg.getAttribute("id"),
                    titles.getLength() == 0 ? "" : titles.item(0).getTextContent());
        }
        return out;
    }

    /** The SVG element with this id. */
    public static Element svg(Document page, String svgId) {
        NodeList svgs = page.getElementsByTagNameNS(SVG, "svg");
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            if (svg.getAttribute("id").equals(svgId)) {
                return svg;
            }
        }
        throw new AssertionError("no svg with id " + svgId);
    }

    /** The bars of a horizontal bar chart (each may be stacked of several {@code rect}s). */
    public static int bars(Document page, String svgId) {
        return byClass(svg(page, svgId), "bar").size();
    }

    /** The elements of the page (any namespace) whose class attribute lists {@code cls}. */
    public static List<Element> byClass(Document page, String cls) {
        return byClass(page.getDocumentElement(), cls);
    }

    /** The descendants of {@code parent} (any namespace) whose class attribute lists {@code cls}. */
    public static List<Element> byClass(Element parent, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList all = parent.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (List.of(e.getAttribute("class").split("\\s+")).contains(cls)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The first descendant of {@code parent} with class {@code cls}, or null. */
    public static Element child(Element parent, String cls) {
        NodeList all = parent.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (List.of(e.getAttribute("class").split("\\s+")).contains(cls)) {
                return e;
            }
        }
        return null;
    }

    /** A number as the page shows it ({@code 1,234}); null when the text is not one. */
    public static Long number(String text) {
        String digits = text.strip().replace(",", "");
        return digits.matches("\\d+") ? Long.valueOf(digits) : null;
    }

    /** The summary cards: label to the number shown (cards that show no plain number are left out). */
    public static Map<String, Long> cards(Document page) {
        Map<String, Long> out = new TreeMap<>();
        for (Element card : byClass(page, "card")) {
            Long value = number(child(card, "v").getTextContent());
            if (value != null) {
                out.put(child(card, "k").getTextContent().strip(), value);
            }
        }
        return out;
    }

    /** A table as the page shows it: its header cells and the cells of each body row. */
    public record Table(List<String> header, List<List<String>> rows) {
        /** The cells of the column with this header, one per body row. */
        public List<String> column(String name) {
            int i = header.indexOf(name);
            if (i < 0) {
                throw new AssertionError("no column " + name + " in " + header);
            }
            return rows.stream().map(r -> r.get(i)).toList();
        }

        /** The sum of a column of numbers. */
        public long sum(String name) {
            return column(name).stream()
                    .mapToLong(c -> {
                        Long n = number(c);
                        if (n == null) {
                            throw new AssertionError("not a number in column " + name + ": " + c);
                        }
                        return n;
                    })
                    .sum();
        }
    }

    /** The first table in the section headed {@code heading}; empty when the section has none. */
    public static Table table(Document page, String heading) {
        NodeList sections = page.getElementsByTagNameNS(XHTML, "section");
        for (int i = 0; i < sections.getLength(); i++) {
            Element section = (Element) sections.item(i);
            NodeList h2 = section.getElementsByTagNameNS(XHTML, "h2");
            if (h2.getLength() == 0 || !h2.item(0).getTextContent().strip().equals(heading)) {
                continue;
            }
            NodeList tables = section.getElementsByTagNameNS(XHTML, "table");
            if (tables.getLength() == 0) {
                return new Table(List.of(), List.of());
            }
            Element table = (Element) tables.item(0);
            List<String> header =
                    cells(table, "thead", "th").stream().findFirst().orElse(List.of());
            return new Table(header, cells(table, "tbody", "td"));
        }
        throw new AssertionError("no section headed " + heading);
    }

    private static List<List<String>> cells(Element table, String part, String cell) {
        List<List<String>> rows = new ArrayList<>();
        NodeList parts = table.getElementsByTagNameNS(XHTML, part);
        if (parts.getLength() == 0) {
            return rows;
        }
        NodeList trs = ((Element) parts.item(0)).getElementsByTagNameNS(XHTML, "tr");
        for (int r = 0; r < trs.getLength(); r++) {
            List<String> cells = new ArrayList<>();
            NodeList cs = ((Element) trs.item(r)).getElementsByTagNameNS(XHTML, cell);
            for (int c = 0; c < cs.getLength(); c++) {
                cells.add(cs.item(c).getTextContent().strip());
            }
            rows.add(cells);
        }
        return rows;
    }

    /** Every external reference (src, href, link, script) in the page; a self-contained page has none. */
    public static List<String> externalReferences(Document page) {
        List<String> out = new ArrayList<>();
        for (String tag : List.of("script", "link", "img", "iframe", "object", "embed")) {
            NodeList l = page.getElementsByTagNameNS(XHTML, tag);
            for (int i = 0; i < l.getLength(); i++) {
                out.add("<" + tag + ">");
            }
        }
        NodeList all = page.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            for (String attr : List.of("src", "href")) {
                if (e.hasAttribute(attr)) {
                    out.add(e.getTagName() + " " + attr + "=" + e.getAttribute(attr));
                }
            }
            if (e.hasAttributeNS("http://www.w3.org/1999/xlink", "href")) {
                out.add(e.getTagName() + " xlink:href");
            }
        }
        return out;
    }
}
