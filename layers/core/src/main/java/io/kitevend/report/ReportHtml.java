package io.kitevend.report;

import io.kitevend.json.Json;
import io.kitevend.report.AuditReport.PipelineCount;
import io.kitevend.report.AuditReport.ReasonCount;
import io.kitevend.report.AuditReport.TimeBucket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained page: no scripts, no external style sheets, fonts or images;
 * three inline SVG charts (decisions over time, top pipelines, refusals by reason) and tables.
 * The markup is well-formed XML (XHTML in the HTML syntax), and every value from the audit trail
 * is escaped, with characters XML cannot carry replaced.
 *
 * <p>Every number that counts requests is shown with its breakdown, and the breakdown adds up:
 * each card lists its parts, each table ends with its total (and a "not listed" row when the
 * report kept only the first keys), and each bar chart ends with a bar for everything after its
 * top bars. Identifiers (ARNs, reason codes, request ids) may wrap only after their separators.
 */
public final class ReportHtml {
    public static final String CHART_DECISIONS = "chart-decisions";
    public static final String CHART_PIPELINES = "chart-pipelines";
    public static final String CHART_REFUSALS = "chart-refusals";

    private static final String ALLOW_COLOR = "#2f855a";
    private static final String DENY_COLOR = "#dd6b20";
    private static final String ERROR_COLOR = "#c53030";
    private static final String OTHER_COLOR = "#a0aec0";
    private static final String VEND_COLOR = "#2b6cb0";
    /** Bar colours of the request kinds, in the totals' order (vend, secrets, admin); other kinds grey. */
    private static final List<String> KIND_COLORS = List.of(VEND_COLOR, "#805ad5", "#2c7a7b");
    /**
     * The advance of one character of a chart label (monospace, 12 px): 0.6 em in the usual
     * monospace fonts (DejaVu Sans Mono, Menlo, Consolas is narrower), with a margin, so a label
     * cut to fit is known to fit.
     */
    private static final double CHAR_PX = 7.4;

    private static final String NOT_LISTED = "(not listed)";
    private static final String BREAK_AFTER = ":/_-.@#,=+";
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR_LABEL =
            DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_LABEL =
            DateTimeFormatter.ofPattern("MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final String STYLE = """
            :root{color-scheme:light;--fg:#1a202c;--muted:#4a5568;--line:#e2e8f0;--card:#f7fafc}
            *{box-sizing:border-box}
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);margin:0 auto;max-width:1100px;padding:24px;line-height:1.45}
            h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.15rem;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
            .muted{color:var(--muted)}.note{background:#fffbea;border:1px solid #f6e05e;padding:8px 12px;border-radius:6px}
            .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:10px;margin-top:16px}
            .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
            .card .v{font-size:1.5rem;font-weight:600}.card .k{color:var(--muted);font-size:.85rem}
            .card .parts{list-style:none;margin:4px 0 0;padding:4px 0 0;border-top:1px solid var(--line);font-size:.8rem;color:var(--muted)}
            .card .parts .n{font-weight:600;color:var(--fg);font-variant-numeric:tabular-nums}
            .card.warn{border-color:#f6ad55;background:#fffaf0}.card.bad{border-color:#fc8181;background:#fff5f5}
            .two{display:grid;grid-template-columns:1fr 1fr;gap:24px}@media(max-width:800px){.two{grid-template-columns:1fr}}
            .scroll{overflow-x:auto}
            table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
            th{background:var(--card);font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
            tfoot td{font-weight:600;border-top:2px solid var(--line)}
            code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em}
            .nowrap{white-space:nowrap}
            .tag{display:inline-block;white-space:nowrap;border-radius:4px;padding:0 6px;margin:1px 2px;font-size:.8rem;background:#fed7d7;color:#822727}
            pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--card);padding:6px;border-radius:4px;margin:4px 0}
            svg{display:block;max-width:100%;height:auto}svg text{font-family:system-ui,sans-serif;font-size:12px;fill:#4a5568}
            svg text.mono{font-family:ui-monospace,SFMono-Regular,Menlo,"DejaVu Sans Mono",monospace}
            footer{margin-top:32px;font-size:.85rem;color:var(--muted)}
            """;

    private final StringBuilder out = new StringBuilder(64 * 1024);
    private final AuditReport r;
    private final int top;
    private final List<String> kinds;

    private ReportHtml(AuditReport r, int top) {
        this.r = r;
        this.top = top;
        this.kinds = List.copyOf(r.totals().byKind().keySet());
    }

    public static String render(AuditReport report) {
        return render(report, ReportOptions.DEFAULTS.chartTop());
    }

    /** {@code top}: bars in the top-pipelines and refusals charts (before the bar for the rest). */
    public static String render(AuditReport report, int top) {
        ReportHtml page = new ReportHtml(report, top);
        page.page();
        return page.out.toString();
    }

    private void page() {
        String title = "kitevend audit report " + r.window().day();
        raw(
                "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        raw(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n");
        raw("<title>").text(title).raw("</title>\n<style>\n").raw(STYLE).raw("</style>\n</head>\n<body>\n");
        raw("<header><h1>Audit report</h1><p class=\"muted\">")
                .text(MINUTE.format(r.window().from()))
                .raw(" to ")
                .text(MINUTE.format(r.window().to()))
                .raw(" UTC · generated ")
                .text(MINUTE.format(r.generatedAt()))
                .raw(" UTC</p></header>\n");
        if (r.history().bootstrapped()) {
            raw("<p class=\"note\">No earlier report state was found: history starts ")
                    .text(MINUTE.format(r.history().since()))
                    .raw(
                            " UTC. Every pipeline → role pair seen since then counts as new, and bindings are only called stale once that history is ")
                    .text(Integer.toString(r.bindings().staleAfterDays()))
                    .raw(" days long.</p>\n");
        }
        cards();
        requestsByKind();
        raw("<section><h2>Decisions over time</h2>\n");
        decisionsChart();
        raw("</section>\n<div class=\"two\">\n<section><h2>Top pipelines by vends</h2>\n");
        pipelinesChart();
        raw("</section>\n<section><h2>Refusals by reason</h2>\n");
        refusalsChart();
        raw("</section>\n</div>\n");
        newPairs();
        risky();
        stale();
        reasons("Refusals", r.refusals(), "No refusals.");
        reasons("Errors", r.errors(), "No errors.");
        replays();
        vendsByBinding();
        secretsByBinding();
        adminBy(
                "Admin requests by action",
                "Action",
                r.admin().byAction(),
                r.admin().byActionNotListed());
        adminBy(
                "Admin requests by principal",
                "Principal",
                r.admin().byPrincipal(),
                r.admin().byPrincipalNotListed());
        admin();
        raw("<footer>Schema version ")
                .text(Integer.toString(AuditReport.SCHEMA_VERSION))
                .raw(" · records read ")
                .text(n(r.source().recordsRead()))
                .raw(" · outside the window ")
                .text(n(r.source().outsideWindow()))
                .raw(" · unreadable ")
                .text(n(r.source().malformed()))
                .raw(" · history since ")
                .text(MINUTE.format(r.history().since()))
                .raw(" UTC · latency percentiles within ")
                .text(String.format(Locale.ROOT, "%.1f %%", r.latency().relativeError() * 100))
                .raw("</footer>\n");
        raw("</body>\n</html>\n");
    }

    // ------------------------------------------------------------------ cards

    /** One line of a card's breakdown. */
    private record Part(String label, long count) {}

    private List<Part> perKind(java.util.function.ToLongFunction<AuditReport.Decisions> which) {
        List<Part> parts = new ArrayList<>();
        r.totals().byKind().forEach((kind, d) -> parts.add(new Part(kind, which.applyAsLong(d))));
        return parts;
    }

    private void cards() {
        AuditReport.Totals t = r.totals();
        raw("<section class=\"cards\">\n");
        card("Requests", n(t.records()), "", perKind(AuditReport.Decisions::total));
        card("Allowed", n(t.allow()), "", perKind(AuditReport.Decisions::allow));
        card("Refused", n(t.deny()), "", perKind(AuditReport.Decisions::deny));
        card("Errors", n(t.error()), t.error() > 0 ? "warn" : "", perKind(AuditReport.Decisions::error));
        if (t.other() > 0) {
            card("Unreadable decision", n(t.other()), "warn", perKind(AuditReport.Decisions::other));
        }
        List<Part> replayParts = new ArrayList<>();
        r.replays().byKind().forEach((kind, count) -> replayParts.add(new Part(kind, count)));
        card("Replays detected", n(r.replays().total()), r.replays().total() > 0 ? "bad" : "", replayParts);
        List<Part> actions = new ArrayList<>();
        long listed = 0;
        for (AuditReport.KeyRequests a : r.admin().byAction()) {
            actions.add(new Part(a.key(), a.requests().allow()));
            listed += a.requests().allow();
        }
        actions.add(new Part(NOT_LISTED, r.admin().changesMade() - listed));
        card("Admin changes", n(r.admin().changesMade()), "", actions);
        card(
                "New pipeline → role pairs",
                n(r.newPairs().pairs().size()),
                r.newPairs().pairs().isEmpty() ? "" : "warn",
                null);
        card(
                "Risky bindings",
                n(r.bindings().risky().size()),
                r.bindings().risky().isEmpty() ? "" : "warn",
                null);
        card(
                "Stale bindings",
                n(r.bindings().stale().size()),
                r.bindings().stale().isEmpty() ? "" : "warn",
                null);
        card(
                "Vend latency median / p99",
                r.latency().count() == 0
                        ? "–"
                        : r.latency().medianMs() + " / " + r.latency().p99Ms() + " ms",
                "",
                null);
        raw("</section>\n");
    }

    /** {@code parts} null: a card that is not a count of requests; otherwise its non-zero parts are listed. */
    private void card(String label, String value, String cls, List<Part> parts) {
        raw("<div class=\"card")
                .raw(cls.isEmpty() ? "" : " " + cls)
                .raw("\"><div class=\"v\">")
                .text(value)
                .raw("</div><div class=\"k\">")
                .text(label)
                .raw("</div>");
        if (parts != null && parts.stream().anyMatch(p -> p.count() > 0)) {
            raw("<ul class=\"parts\">");
            for (Part p : parts) {
                if (p.count() > 0) {
                    raw("<li class=\"part\"><span class=\"n\">")
                            .text(n(p.count()))
                            .raw("</span> <span class=\"part-label\">")
                            .text(p.label())
                            .raw("</span></li>");
                }
            }
            raw("</ul>");
        }
        raw("</div>\n");
    }

    /** The table every card's breakdown comes from: kinds by decision, with totals both ways. */
    private void requestsByKind() {
        boolean other = r.totals().other() > 0;
        raw("<section><h2>Requests by kind</h2>\n<div class=\"scroll\"><table><thead><tr><th>Kind</th>");
        raw("<th class=\"n\">Allowed</th><th class=\"n\">Refused</th><th class=\"n\">Errors</th>");
        if (other) {
            raw("<th class=\"n\">Unreadable</th>");
        }
        raw("<th class=\"n\">Requests</th></tr></thead><tbody>\n");
        r.totals().byKind().forEach((kind, d) -> {
            raw("<tr><td>").text(kind).raw("</td>");
            decisionCells(d, other);
            raw("</tr>\n");
        });
        raw("</tbody><tfoot><tr><td>Total</td>");
        decisionCells(r.totals().byDecision(), other);
        raw("</tr></tfoot></table></div>\n");
        raw("<p class=\"muted\">A request is one audited call: a <b>vend</b> (<code>POST /v1/credentials</code>), a"
                + " <b>secrets</b> request (<code>POST /v1/secrets</code>) or an <b>admin</b> request (a change of a"
                + " binding, or a refused attempt; an allowed read is an <b>admin_read</b>). <b>Allowed</b>: credentials or"
                + " secrets handed out, a binding changed or read. <b>Refused</b>: kitevend said no (the reasons are"
                + " below). <b>Errors</b>: kitevend could not answer: a service it depends on was unavailable"
                + " (503), or it failed (500). A <b>replay</b> is a refusal of a token used before. In the"
                + " tables and charts below, a <b>vend</b> is an allowed vend request.</p>\n");
        raw("</section>\n");
    }

    private void decisionCells(AuditReport.Decisions d, boolean other) {
        raw("<td class=\"n\">").text(n(d.allow())).raw("</td>");
        raw("<td class=\"n\">").text(n(d.deny())).raw("</td>");
        raw("<td class=\"n\">").text(n(d.error())).raw("</td>");
        if (other) {
            raw("<td class=\"n\">").text(n(d.other())).raw("</td>");
        }
        raw("<td class=\"n\">").text(n(d.total())).raw("</td>");
    }

    // ------------------------------------------------------------------ charts

    private void decisionsChart() {
        List<TimeBucket> buckets = r.timeline();
        int width = 960;
        int height = 280;
        int left = 56;
        int right = 12;
        int topPad = 28;
        int bottom = 40;
        double plotW = width - left - right;
        double plotH = height - topPad - bottom;
        long max = buckets.stream().mapToLong(TimeBucket::total).max().orElse(0);
        long scale = niceCeiling(max);
        svgOpen(CHART_DECISIONS, "Decisions over time", width, height);
        // Legend.
        int lx = left;
        for (String[] item : new String[][] {
            {"allow", ALLOW_COLOR}, {"deny", DENY_COLOR}, {"error", ERROR_COLOR}, {"other", OTHER_COLOR}
        }) {
            raw("<rect x=\"")
                    .num(lx)
                    .raw("\" y=\"6\" width=\"12\" height=\"12\" fill=\"")
                    .raw(item[1])
                    .raw("\"/>");
            raw("<text x=\"").num(lx + 16).raw("\" y=\"16\">").text(item[0]).raw("</text>\n");
            lx += 70;
        }
        // Grid and y labels: a quarter of the axis top each; an empty chart has only its base line.
        int gridLines = scale == 0 ? 0 : 4;
        for (int i = 0; i <= gridLines; i++) {
            double y = topPad + plotH - plotH * i / 4;
            long value = scale * i / 4;
            raw("<line x1=\"")
                    .num(left)
                    .raw("\" x2=\"")
                    .num(width - right)
                    .raw("\" y1=\"")
                    .num(y)
                    .raw("\" y2=\"")
                    .num(y)
                    .raw("\" stroke=\"#e2e8f0\"/>");
            raw("<text class=\"y-label\" x=\"")
                    .num(left - 6)
                    .raw("\" y=\"")
                    .num(y + 4)
                    .raw("\" text-anchor=\"end\">")
                    .text(n(value))
                    .raw("</text>\n");
        }
        if (max == 0) {
            raw("<text x=\"")
                    .num(left + plotW / 2)
                    .raw("\" y=\"")
                    .num(topPad + plotH / 2)
                    .raw("\" text-anchor=\"middle\">No requests in this window</text>\n");
        }
        double slot = plotW / Math.max(1, buckets.size());
        double barW = Math.max(1, slot * 0.8);
        DateTimeFormatter labels = r.bucket().compareTo(Duration.ofDays(1)) < 0 ? HOUR_LABEL : DAY_LABEL;
        int labelEvery = Math.max(1, (int) Math.ceil(buckets.size() / 12.0));
        for (int i = 0; i < buckets.size(); i++) {
            TimeBucket b = buckets.get(i);
            double x = left + slot * i + (slot - barW) / 2;
            double base = topPad + plotH;
            raw("<g><title>")
                    .text(MINUTE.format(b.start()) + " UTC: allow " + b.allow() + ", deny " + b.deny() + ", error "
                            + b.error() + (b.other() > 0 ? ", other " + b.other() : ""))
                    .raw("</title>");
            long[] values = {b.allow(), b.deny(), b.error(), b.other()};
            String[] colors = {ALLOW_COLOR, DENY_COLOR, ERROR_COLOR, OTHER_COLOR};
            for (int k = 0; k < values.length; k++) {
                if (values[k] == 0 || scale == 0) {
                    continue;
                }
                double h = plotH * values[k] / scale;
                base -= h;
                raw("<rect x=\"")
                        .num(x)
                        .raw("\" y=\"")
                        .num(base)
                        .raw("\" width=\"")
                        .num(barW)
                        .raw("\" height=\"")
                        .num(h)
                        .raw("\" fill=\"")
                        .raw(colors[k])
                        .raw("\"/>");
            }
            raw("</g>\n");
            if (i % labelEvery == 0) {
                raw("<text x=\"")
                        .num(left + slot * i + slot / 2)
                        .raw("\" y=\"")
                        .num(height - bottom + 16)
                        .raw("\" text-anchor=\"middle\">")
                        .text(labels.format(b.start()))
                        .raw("</text>\n");
            }
        }
        raw("</svg>\n");
    }

    /** A series of a bar chart: its name (for the legend and titles) and colour. */
    private record Series(String name, String color) {}

    /** One bar: its label and its value in each series (stacked). */
    private record Bar(String label, long[] values) {
        long total() {
            long t = 0;
            for (long v : values) {
                t += v;
            }
            return t;
        }
    }

    private void pipelinesChart() {
        List<Bar> bars = new ArrayList<>();
        long shown = 0;
        for (PipelineCount p : r.vends().byPipeline().stream().limit(top).toList()) {
            bars.add(new Bar(p.organization() + "/" + p.pipeline(), new long[] {p.count()}));
            shown += p.count();
        }
        if (r.vends().total() > shown) {
            bars.add(new Bar("all other pipelines", new long[] {r.vends().total() - shown}));
        }
        barChart(
                CHART_PIPELINES,
                "Top pipelines by vends",
                List.of(new Series("vends", VEND_COLOR)),
                bars,
                "No vends in this window");
    }

    /** Refusals of the top reasons, each bar stacked by kind, then one bar for every other reason. */
    private void refusalsChart() {
        List<Series> series = new ArrayList<>();
        for (int k = 0; k < kinds.size(); k++) {
            series.add(new Series(kinds.get(k), k < KIND_COLORS.size() ? KIND_COLORS.get(k) : OTHER_COLOR));
        }
        List<Bar> bars = new ArrayList<>();
        long[] rest = new long[kinds.size()];
        for (int k = 0; k < kinds.size(); k++) {
            rest[k] = r.refusals().byKind().getOrDefault(kinds.get(k), 0L);
        }
        for (ReasonCount c : r.refusals().byReason().stream().limit(top).toList()) {
            long[] values = new long[kinds.size()];
            for (int k = 0; k < kinds.size(); k++) {
                values[k] = c.byKind().getOrDefault(kinds.get(k), 0L);
                rest[k] -= values[k];
            }
            bars.add(new Bar(c.reason(), values));
        }
        Bar others = new Bar("all other reasons", rest);
        if (others.total() > 0) {
            bars.add(others);
        }
        barChart(CHART_REFUSALS, "Refusals by reason", series, bars, "No refusals in this window");
    }

    /**
     * A horizontal bar chart: each bar's label on its own line above the bar (so a long label never
     * runs into the bar or out of the chart; it is cut to the chart's width, whole in the bar's
     * title), the bar stacked by series, its total after it. A legend names the series when
     * there are several.
     */
    private void barChart(String id, String title, List<Series> series, List<Bar> bars, String empty) {
        int width = 520;
        int rowH = 36;
        boolean legend = series.size() > 1 && !bars.isEmpty();
        int top = legend ? 26 : 4;
        int height = Math.max(60, top + rowH * bars.size() + 4);
        svgOpen(id, title, width, height);
        if (bars.isEmpty()) {
            raw("<text x=\"")
                    .num(width / 2)
                    .raw("\" y=\"34\" text-anchor=\"middle\">")
                    .text(empty)
                    .raw("</text>\n");
        }
        if (legend) {
            double lx = 0;
            for (Series s : series) {
                raw("<rect x=\"")
                        .num(lx)
                        .raw("\" y=\"4\" width=\"12\" height=\"12\" fill=\"")
                        .raw(s.color())
                        .raw("\"/>");
                raw("<text class=\"mono\" x=\"")
                        .num(lx + 16)
                        .raw("\" y=\"14\">")
                        .text(s.name())
                        .raw("</text>\n");
                lx += 16 + s.name().length() * CHAR_PX + 18;
            }
        }
        long max = bars.stream().mapToLong(Bar::total).max().orElse(1);
        int valueChars =
                bars.stream().mapToInt(b -> n(b.total()).length()).max().orElse(1);
        double plotW = width - 8 - valueChars * CHAR_PX;
        int labelChars = (int) Math.floor(width / CHAR_PX) - 1;
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = top + rowH * i;
            StringBuilder tip = new StringBuilder(b.label()).append(": ").append(n(b.total()));
            if (series.size() > 1) {
                List<String> split = new ArrayList<>();
                for (int k = 0; k < series.size(); k++) {
                    if (b.values()[k] > 0) {
                        split.add(series.get(k).name() + " " + n(b.values()[k]));
                    }
                }
                tip.append(" (").append(String.join(", ", split)).append(')');
            }
            raw("<g class=\"bar\"><title>").text(tip.toString()).raw("</title>");
            raw("<text class=\"mono bar-label\" x=\"0\" y=\"")
                    .num(y + 12)
                    .raw("\">")
                    .text(cut(b.label(), labelChars))
                    .raw("</text>");
            double x = 0;
            for (int k = 0; k < series.size(); k++) {
                if (b.values()[k] <= 0) {
                    continue;
                }
                double w = Math.max(1, plotW * b.values()[k] / Math.max(1, max));
                raw("<rect x=\"")
                        .num(x)
                        .raw("\" y=\"")
                        .num(y + 17)
                        .raw("\" width=\"")
                        .num(w)
                        .raw("\" height=\"13\" fill=\"")
                        .raw(series.get(k).color())
                        .raw("\"/>");
                x += w;
            }
            raw("<text class=\"mono bar-value\" x=\"")
                    .num(x + 6)
                    .raw("\" y=\"")
                    .num(y + 28)
                    .raw("\">")
                    .text(n(b.total()))
                    .raw("</text></g>\n");
        }
        raw("</svg>\n");
    }

    private void svgOpen(String id, String title, int width, int height) {
        raw("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"")
                .raw(id)
                .raw("\" role=\"img\" aria-labelledby=\"")
                .raw(id)
                .raw("-title\" viewBox=\"0 0 ")
                .num(width)
                .raw(" ")
                .num(height)
                .raw("\" width=\"")
                .num(width)
                .raw("\" height=\"")
                .num(height)
                .raw("\">\n<title id=\"")
                .raw(id)
                .raw("-title\">")
                .text(title)
                .raw("</title>\n");
    }

    private void newPairs() {
        raw("<section><h2>New pipeline → role pairs</h2>\n");
        if (r.newPairs().pairs().isEmpty()) {
            raw(
                    "<p class=\"muted\">None: every role vended in this window had been vended to the same pipeline before.</p>\n");
        } else {
            tableOpen("<th>Pipeline</th><th>Role</th><th>Binding</th><th>First seen (UTC)</th><th>Request</th>"
                    + "<th class=\"n\">Vends</th>");
            r.newPairs().pairs().forEach(p -> {
                raw("<tr><td>").text(p.organization() + "/" + p.pipeline()).raw("</td><td>");
                code(p.roleArn()).raw("</td><td>").text(p.binding()).raw("</td><td class=\"nowrap\">");
                text(MINUTE.format(p.firstSeen())).raw("</td><td>");
                code(p.requestId())
                        .raw("</td><td class=\"n\">")
                        .text(n(p.vends()))
                        .raw("</td></tr>\n");
            });
            tableClose(null);
        }
        truncatedNote(r.newPairs().truncated());
        raw("</section>\n");
    }

    private void risky() {
        raw("<section><h2>Risky bindings</h2>\n");
        if (r.bindings().risky().isEmpty()) {
            raw("<p class=\"muted\">None of the ")
                    .text(n(r.bindings().enabled()))
                    .raw(" enabled bindings.</p>\n");
        } else {
            tableOpen("<th>Binding</th><th>Pipeline</th><th>Role</th><th class=\"n\">Max session</th><th>Why</th>");
            r.bindings().risky().forEach(b -> {
                raw("<tr><td>").text(b.organization() + "/" + b.name()).raw("</td><td>");
                code(b.pipeline()).raw("</td><td>");
                code(b.roleArn()).raw("</td><td class=\"n nowrap\">");
                text(duration(b.maxDurationSeconds())).raw("</td><td>");
                b.reasons()
                        .forEach(reason -> raw("<span class=\"tag\">")
                                .text(reason.replace('_', ' '))
                                .raw("</span>"));
                raw("</td></tr>\n");
            });
            tableClose(null);
        }
        raw("<p class=\"muted\">Risky: a glob pipeline; no condition on branch, tag, step, build source or queue; a maximum session over ")
                .text(duration(r.bindings().longDurationSeconds()))
                .raw("; or no session policy.</p>\n</section>\n");
    }

    private void stale() {
        raw("<section><h2>Stale bindings</h2>\n");
        if (r.bindings().stale().isEmpty()) {
            raw("<p class=\"muted\">None: every enabled binding was used within ")
                    .text(n(r.bindings().staleAfterDays()))
                    .raw(" days, is newer than that, or history is shorter.</p>\n");
        } else {
            tableOpen("<th>Binding</th><th>Pipeline</th><th>Role</th><th>Last used (UTC)</th>"
                    + "<th class=\"n\">Unused for</th>");
            r.bindings().stale().forEach(s -> {
                raw("<tr><td>").text(s.organization() + "/" + s.name()).raw("</td><td>");
                code(s.pipeline()).raw("</td><td>");
                code(s.roleArn()).raw("</td><td>");
                text(s.lastUsed() != null
                                ? MINUTE.format(s.lastUsed())
                                : BindingReview.BASIS_CREATED.equals(s.basis())
                                        ? "never (created " + MINUTE.format(s.since()) + ")"
                                        : "not since " + MINUTE.format(s.since()))
                        .raw("</td><td class=\"n nowrap\">")
                        .text(s.unusedDays() + " days")
                        .raw("</td></tr>\n");
            });
            tableClose(null);
        }
        raw("</section>\n");
    }

    /** Refusals or errors: a row per reason with its count per kind, then what is not listed, then the totals. */
    private void reasons(String heading, AuditReport.Reasons reasons, String none) {
        raw("<section><h2>").text(heading).raw("</h2>\n");
        if (reasons.total() == 0) {
            raw("<p class=\"muted\">").text(none).raw("</p>\n</section>\n");
            return;
        }
        StringBuilder header = new StringBuilder("<th>Reason</th>");
        kinds.forEach(k -> header.append("<th class=\"n\">").append(escape(k)).append("</th>"));
        header.append("<th class=\"n\">Requests</th><th>Example request ids</th>");
        tableOpen(header.toString());
        long[] listed = new long[kinds.size()];
        for (ReasonCount c : reasons.byReason()) {
            raw("<tr><td>");
            code(c.reason()).raw("</td>");
            for (int k = 0; k < kinds.size(); k++) {
                long v = c.byKind().getOrDefault(kinds.get(k), 0L);
                listed[k] += v;
                raw("<td class=\"n\">").text(v == 0 ? "" : n(v)).raw("</td>");
            }
            raw("<td class=\"n\">").text(n(c.count())).raw("</td><td>");
            c.sampleRequestIds().forEach(id -> code(id).raw(" "));
            raw("</td></tr>\n");
        }
        if (reasons.notListed() > 0) {
            raw("<tr><td>").text(NOT_LISTED).raw("</td>");
            for (int k = 0; k < kinds.size(); k++) {
                long v = reasons.byKind().getOrDefault(kinds.get(k), 0L) - listed[k];
                raw("<td class=\"n\">").text(v == 0 ? "" : n(v)).raw("</td>");
            }
            raw("<td class=\"n\">").text(n(reasons.notListed())).raw("</td><td></td></tr>\n");
        }
        StringBuilder total = new StringBuilder("<td>Total</td>");
        kinds.forEach(k -> total.append("<td class=\"n\">")
                .append(n(reasons.byKind().getOrDefault(k, 0L)))
                .append("</td>"));
        total.append("<td class=\"n\">").append(n(reasons.total())).append("</td><td></td>");
        tableClose(total.toString());
        truncatedNote(reasons.truncated());
        raw("</section>\n");
    }

    private void replays() {
        raw("<section><h2>Replays detected</h2>\n");
        AuditReport.Replays replays = r.replays();
        if (replays.total() == 0) {
            raw("<p class=\"muted\">No token was presented twice.</p>\n</section>\n");
            return;
        }
        List<String> perKind = new ArrayList<>();
        replays.byKind().forEach((kind, count) -> {
            if (count > 0) {
                perKind.add(n(count) + " " + kind);
            }
        });
        raw("<p>")
                .text(n(replays.total()))
                .raw(" requests presented a token that had already been used (")
                .text(String.join(", ", perKind))
                .raw("); they are counted among the refusals. Examples: ");
        replays.sampleRequestIds().forEach(id -> code(id).raw(" "));
        raw("</p>\n");
        tableOpen("<th>Pipeline</th><th class=\"n\">Replays</th>");
        for (PipelineCount p : replays.byPipeline()) {
            raw("<tr><td>")
                    .text(p.organization().isEmpty() ? "(unknown)" : p.organization() + "/" + p.pipeline())
                    .raw("</td><td class=\"n\">")
                    .text(n(p.count()))
                    .raw("</td></tr>\n");
        }
        notListedRow(replays.byPipelineNotListed(), 2);
        tableClose("<td>Total</td><td class=\"n\">" + n(replays.total()) + "</td>");
        raw("</section>\n");
    }

    private void vendsByBinding() {
        raw("<section><h2>Vends by binding</h2>\n");
        if (r.vends().total() == 0) {
            raw("<p class=\"muted\">No vends in this window.</p>\n</section>\n");
            return;
        }
        tableOpen("<th>Binding</th><th>Role</th><th class=\"n\">Vends</th>");
        r.vends().byBinding().forEach(b -> {
            raw("<tr><td>").text(b.organization() + "/" + b.binding()).raw("</td><td>");
            code(b.roleArn()).raw("</td><td class=\"n\">").text(n(b.count())).raw("</td></tr>\n");
        });
        notListedRow(r.vends().byBindingNotListed(), 3);
        tableClose("<td>Total</td><td></td><td class=\"n\">" + n(r.vends().total()) + "</td>");
        raw("</section>\n");
    }

    private void secretsByBinding() {
        raw("<section><h2>Secrets requests by binding</h2>\n");
        AuditReport.Secrets secrets = r.secrets();
        if (secrets.total() == 0) {
            raw("<p class=\"muted\">No secrets requests in this window.</p>\n</section>\n");
            return;
        }
        boolean other = secrets.byDecision().other() > 0;
        tableOpen("<th>Binding</th>" + decisionHeaders(other));
        long[] listed = new long[4];
        for (AuditReport.BindingRequests b : secrets.byBinding()) {
            raw("<tr><td>")
                    .text(b.binding() == null ? "(no binding)" : b.organization() + "/" + b.binding())
                    .raw("</td>");
            decisionCells(b.requests(), other);
            raw("</tr>\n");
            add(listed, b.requests());
        }
        if (secrets.byBindingNotListed() > 0) {
            raw("<tr><td>").text(NOT_LISTED).raw("</td>");
            decisionCells(minus(secrets.byDecision(), listed), other);
            raw("</tr>\n");
        }
        tableClose(footer(secrets.byDecision(), other));
        raw("<p class=\"muted\">Refused and failed secrets requests are also in the Refusals and Errors tables,"
                + " by reason.</p>\n");
        raw("</section>\n");
    }

    /** Admin requests by action or by principal: changes made (allowed), refused and failed. */
    private void adminBy(String heading, String keyHeader, List<AuditReport.KeyRequests> rows, long notListed) {
        raw("<section><h2>").text(heading).raw("</h2>\n");
        if (r.admin().total() == 0) {
            raw("<p class=\"muted\">No admin requests in this window.</p>\n</section>\n");
            return;
        }
        boolean other = r.admin().byDecision().other() > 0;
        tableOpen("<th>" + escape(keyHeader) + "</th>" + decisionHeaders(other));
        long[] listed = new long[4];
        for (AuditReport.KeyRequests k : rows) {
            raw("<tr><td>");
            code(k.key()).raw("</td>");
            decisionCells(k.requests(), other);
            raw("</tr>\n");
            add(listed, k.requests());
        }
        if (notListed > 0) {
            raw("<tr><td>").text(NOT_LISTED).raw("</td>");
            decisionCells(minus(r.admin().byDecision(), listed), other);
            raw("</tr>\n");
        }
        tableClose(footer(r.admin().byDecision(), other));
        raw("</section>\n");
    }

    private void admin() {
        raw("<section><h2>Admin requests</h2>\n");
        if (r.admin().total() == 0) {
            raw("<p class=\"muted\">No admin requests in this window.</p>\n");
        } else {
            tableOpen("<th>Time (UTC)</th><th>Principal</th><th>Action</th><th>Decision</th><th>Details</th>");
            for (Map<String, Object> c : r.admin().changes()) {
                long t = AuditTimes.parseMillis(c.get("time"));
                raw("<tr><td class=\"nowrap\">")
                        .text(t == AuditTimes.INVALID ? str(c.get("time")) : SECOND.format(Instant.ofEpochMilli(t)))
                        .raw("</td><td>");
                code(str(c.get("principal"))).raw("</td><td>");
                text(str(c.get("action"))).raw("</td><td>");
                text(str(c.get("decision"))).raw("</td><td>");
                Object target = c.containsKey("binding") ? c.get("binding") : c.get("name");
                if (target != null) {
                    raw("<div>").text(str(target)).raw("</div>");
                }
                for (String side : List.of("before", "after")) {
                    if (c.get(side) != null) {
                        raw("<details><summary>")
                                .text(side)
                                .raw("</summary><pre>")
                                .text(jsonText(c.get(side)))
                                .raw("</pre></details>");
                    }
                }
                raw("</td></tr>\n");
            }
            tableClose(null);
            if (r.admin().changesTruncated()) {
                raw("<p class=\"muted\">Only the first ")
                        .text(n(r.admin().changes().size()))
                        .raw(" admin requests are listed; the counts above include the rest.</p>\n");
            }
        }
        raw("</section>\n");
    }

    private static String decisionHeaders(boolean other) {
        return "<th class=\"n\">Allowed</th><th class=\"n\">Refused</th><th class=\"n\">Errors</th>"
                + (other ? "<th class=\"n\">Unreadable</th>" : "") + "<th class=\"n\">Requests</th>";
    }

    private static String footer(AuditReport.Decisions d, boolean other) {
        return "<td>Total</td><td class=\"n\">" + n(d.allow()) + "</td><td class=\"n\">" + n(d.deny())
                + "</td><td class=\"n\">" + n(d.error()) + "</td>"
                + (other ? "<td class=\"n\">" + n(d.other()) + "</td>" : "") + "<td class=\"n\">" + n(d.total())
                + "</td>";
    }

    private static void add(long[] sums, AuditReport.Decisions d) {
        sums[0] += d.allow();
        sums[1] += d.deny();
        sums[2] += d.error();
        sums[3] += d.other();
    }

    private static AuditReport.Decisions minus(AuditReport.Decisions d, long[] listed) {
        return new AuditReport.Decisions(
                d.allow() - listed[0], d.deny() - listed[1], d.error() - listed[2], d.other() - listed[3]);
    }

    /** The row of what a count table of {@code columns} columns did not list, its count in the last column. */
    private void notListedRow(long count, int columns) {
        if (count > 0) {
            raw("<tr><td>").text(NOT_LISTED).raw("</td>");
            for (int i = 2; i < columns; i++) {
                raw("<td></td>");
            }
            raw("<td class=\"n\">").text(n(count)).raw("</td></tr>\n");
        }
    }

    /** A table that may scroll sideways on a narrow screen rather than widen the page. */
    private void tableOpen(String headerCells) {
        raw("<div class=\"scroll\"><table><thead><tr>").raw(headerCells).raw("</tr></thead><tbody>\n");
    }

    /** {@code footerCells} null: no total row. */
    private void tableClose(String footerCells) {
        raw("</tbody>");
        if (footerCells != null) {
            raw("<tfoot><tr>").raw(footerCells).raw("</tr></tfoot>");
        }
        raw("</table></div>\n");
    }

    private void truncatedNote(boolean truncated) {
        if (truncated) {
            raw("<p class=\"muted\">Only the first entries are listed; the totals include the rest.</p>\n");
        }
    }

    /** An identifier in {@code code}, which may wrap only after one of its separators, never inside a word. */
    private ReportHtml code(String s) {
        raw("<code>");
        String value = s == null ? "" : s;
        int from = 0;
        for (int i = 0; i < value.length(); i++) {
            if (BREAK_AFTER.indexOf(value.charAt(i)) >= 0 && i + 1 < value.length()) {
                out.append(escape(value.substring(from, i + 1))).append("<wbr/>");
                from = i + 1;
            }
        }
        out.append(escape(value.substring(from)));
        return raw("</code>");
    }

    private ReportHtml raw(String s) {
        out.append(s);
        return this;
    }

    private ReportHtml num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            out.append((long) v);
        } else {
            out.append(String.format(Locale.ROOT, "%.2f", v));
        }
        return this;
    }

    /** Escaped text; characters that XML 1.0 cannot carry become U+FFFD. */
    private ReportHtml text(String s) {
        out.append(escape(s));
        return this;
    }

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                            || Character.isSurrogate(c)
                            || c == '\uFFFE'
                            || c == '\uFFFF') {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String str(Object v) {
        return v == null ? "" : v.toString();
    }

    private static String jsonText(Object v) {
        if (v instanceof String s) {
            return s;
        }
        return Json.write(v);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String duration(int seconds) {
        if (seconds % 3600 == 0) {
            return seconds / 3600 + " h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + " min";
        }
        return seconds + " s";
    }

    /**
     * The axis top: four times a round quarter (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of
     * ten, whole numbers below 10), so the grid labels are round and the top is at most a third
     * above the highest bar; 0 for 0.
     */
    static long niceCeiling(long v) {
        if (v <= 0) {
            return 0;
        }
        long quarter = (v + 3) / 4;
        if (quarter < 10) {
            return 4 * quarter;
        }
        for (long pow = 1; ; pow *= 10) {
            for (long m : new long[] {10, 12, 15, 20, 25, 30, 40, 50, 60, 80}) {
                if (m * pow >= quarter) {
                    return 4 * m * pow;
                }
            }
        }
    }
}
