package io.kitevend.report;

import io.kitevend.json.Json;
import io.kitevend.report.AuditReport.PipelineCount;
import io.kitevend.report.AuditReport.ReasonCount;
import io.kitevend.report.AuditReport.TimeBucket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained page: no scripts, no external style sheets, fonts or images;
 * three inline SVG charts (decisions over time, top pipelines, refusals by reason) and tables.
 * The markup is well-formed XML (XHTML in the HTML syntax), and every value from the audit trail
 * is escaped, with characters XML cannot carry replaced.
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
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
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
            .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin-top:16px}
            .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
            .card .v{font-size:1.5rem;font-weight:600}.card .k{color:var(--muted);font-size:.85rem}
            .card.warn{border-color:#f6ad55;background:#fffaf0}.card.bad{border-color:#fc8181;background:#fff5f5}
            .two{display:grid;grid-template-columns:1fr 1fr;gap:24px}@media(max-width:800px){.two{grid-template-columns:1fr}}
            table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
            th{background:var(--card);font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
            code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em;word-break:break-all}
            .tag{display:inline-block;border-radius:4px;padding:0 6px;margin:1px 2px;font-size:.8rem;background:#fed7d7;color:#822727}
            pre{white-space:pre-wrap;word-break:break-all;background:var(--card);padding:6px;border-radius:4px;margin:4px 0}
            svg{display:block;max-width:100%;height:auto}svg text{font-family:system-ui,sans-serif;font-size:12px;fill:#4a5568}
            footer{margin-top:32px;font-size:.85rem;color:var(--muted)}
            """;

    private final StringBuilder out = new StringBuilder(64 * 1024);
    private final AuditReport r;
    private final int top;

    private ReportHtml(AuditReport r, int top) {
        this.r = r;
        this.top = top;
    }

    public static String render(AuditReport report) {
        return render(report, ReportOptions.DEFAULTS.chartTop());
    }

    /** {@code top}: bars in the top-pipelines and refusals charts. */
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
        raw("<section><h2>Decisions over time</h2>\n");
        decisionsChart();
        raw("</section>\n<div class=\"two\">\n<section><h2>Top pipelines by vends</h2>\n");
        barChart(
                CHART_PIPELINES,
                "Top pipelines by vends",
                r.vends().byPipeline().stream()
                        .limit(top)
                        .map(p -> new Bar(p.organization() + "/" + p.pipeline(), p.count()))
                        .toList(),
                VEND_COLOR,
                "No vends in this window");
        raw("</section>\n<section><h2>Refusals by reason</h2>\n");
        barChart(
                CHART_REFUSALS,
                "Refusals by reason",
                r.refusals().byReason().stream()
                        .limit(top)
                        .map(c -> new Bar(c.reason(), c.count()))
                        .toList(),
                DENY_COLOR,
                "No refusals in this window");
        raw("</section>\n</div>\n");
        newPairs();
        risky();
        stale();
        reasons("Refusals", r.refusals(), "No refusals.");
        reasons("Errors", r.errors(), "No errors.");
        replays();
        admin();
        vendsByBinding();
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

    private void cards() {
        raw("<section class=\"cards\">\n");
        card("Requests", n(r.totals().records()), "");
        card("Allowed", n(r.totals().allow()), "");
        card("Refused", n(r.totals().deny()), "");
        card("Errors", n(r.totals().error()), r.totals().error() > 0 ? "warn" : "");
        card("Replays detected", n(r.replays().total()), r.replays().total() > 0 ? "bad" : "");
        card(
                "New pipeline → role pairs",
                n(r.newPairs().pairs().size()),
                r.newPairs().pairs().isEmpty() ? "" : "warn");
        card(
                "Risky bindings",
                n(r.bindings().risky().size()),
                r.bindings().risky().isEmpty() ? "" : "warn");
        card(
                "Stale bindings",
                n(r.bindings().stale().size()),
                r.bindings().stale().isEmpty() ? "" : "warn");
        card("Admin changes", n(r.admin().total()), "");
        card(
                "Vend latency median / p99",
                r.latency().count() == 0
                        ? "–"
                        : r.latency().medianMs() + " / " + r.latency().p99Ms() + " ms",
                "");
        raw("</section>\n");
    }

    private void card(String label, String value, String cls) {
        raw("<div class=\"card")
                .raw(cls.isEmpty() ? "" : " " + cls)
                .raw("\"><div class=\"v\">")
                .text(value)
                .raw("</div><div class=\"k\">")
                .text(label)
                .raw("</div></div>\n");
    }

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
        // Grid and y labels.
        for (int i = 0; i <= 4; i++) {
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
            raw("<text x=\"")
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

    private record Bar(String label, long value) {}

    private void barChart(String id, String title, List<Bar> bars, String color, String empty) {
        int width = 520;
        int rowH = 24;
        int labelW = 190;
        int valueW = 60;
        int height = Math.max(60, 16 + rowH * bars.size());
        svgOpen(id, title, width, height);
        if (bars.isEmpty()) {
            raw("<text x=\"")
                    .num(width / 2)
                    .raw("\" y=\"34\" text-anchor=\"middle\">")
                    .text(empty)
                    .raw("</text>\n");
        }
        long max = bars.stream().mapToLong(Bar::value).max().orElse(1);
        double plotW = width - labelW - valueW;
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = 8 + rowH * i;
            double w = Math.max(1, plotW * b.value() / Math.max(1, max));
            raw("<g><title>").text(b.label() + ": " + n(b.value())).raw("</title>");
            raw("<text x=\"")
                    .num(labelW - 8)
                    .raw("\" y=\"")
                    .num(y + 15)
                    .raw("\" text-anchor=\"end\">")
                    .text(cut(b.label(), 28))
                    .raw("</text>");
            raw("<rect x=\"")
                    .num(labelW)
                    .raw("\" y=\"")
                    .num(y + 3)
                    .raw("\" width=\"")
                    .num(w)
                    .raw("\" height=\"")
                    .num(rowH - 6)
                    .raw("\" rx=\"2\" fill=\"")
                    .raw(color)
                    .raw("\"/>");
            raw("<text x=\"")
                    .num(labelW + w + 6)
                    .raw("\" y=\"")
                    .num(y + 15)
                    .raw("\">")
                    .text(n(b.value()))
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
            raw(
                    "<table><thead><tr><th>Pipeline</th><th>Role</th><th>Binding</th><th>First seen (UTC)</th><th>Request</th><th class=\"n\">Vends</th></tr></thead><tbody>\n");
            r.newPairs()
                    .pairs()
                    .forEach(p -> raw("<tr><td>")
                            .text(p.organization() + "/" + p.pipeline())
                            .raw("</td><td><code>")
                            .text(p.roleArn())
                            .raw("</code></td><td>")
                            .text(p.binding())
                            .raw("</td><td>")
                            .text(MINUTE.format(p.firstSeen()))
                            .raw("</td><td><code>")
                            .text(p.requestId())
                            .raw("</code></td><td class=\"n\">")
                            .text(n(p.vends()))
                            .raw("</td></tr>\n"));
            raw("</tbody></table>\n");
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
            raw(
                    "<table><thead><tr><th>Binding</th><th>Pipeline</th><th>Role</th><th class=\"n\">Max session</th><th>Why</th></tr></thead><tbody>\n");
            r.bindings().risky().forEach(b -> {
                raw("<tr><td>")
                        .text(b.organization() + "/" + b.name())
                        .raw("</td><td><code>")
                        .text(b.pipeline())
                        .raw("</code></td><td><code>")
                        .text(b.roleArn())
                        .raw("</code></td><td class=\"n\">")
                        .text(duration(b.maxDurationSeconds()))
                        .raw("</td><td>");
                b.reasons()
                        .forEach(reason -> raw("<span class=\"tag\">")
                                .text(reason.replace('_', ' '))
                                .raw("</span>"));
                raw("</td></tr>\n");
            });
            raw("</tbody></table>\n");
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
            raw(
                    "<table><thead><tr><th>Binding</th><th>Pipeline</th><th>Role</th><th>Last used (UTC)</th><th class=\"n\">Unused for</th></tr></thead><tbody>\n");
            r.bindings()
                    .stale()
                    .forEach(s -> raw("<tr><td>")
                            .text(s.organization() + "/" + s.name())
                            .raw("</td><td><code>")
                            .text(s.pipeline())
                            .raw("</code></td><td><code>")
                            .text(s.roleArn())
                            .raw("</code></td><td>")
                            .text(
                                    s.lastUsed() != null
                                            ? MINUTE.format(s.lastUsed())
                                            : BindingReview.BASIS_CREATED.equals(s.basis())
                                                    ? "never (created " + MINUTE.format(s.since()) + ")"
                                                    : "not since " + MINUTE.format(s.since()))
                            .raw("</td><td class=\"n\">")
                            .text(s.unusedDays() + " days")
                            .raw("</td></tr>\n"));
            raw("</tbody></table>\n");
        }
        raw("</section>\n");
    }

    private void reasons(String heading, AuditReport.Reasons reasons, String none) {
        raw("<section><h2>").text(heading).raw("</h2>\n");
        if (reasons.byReason().isEmpty()) {
            raw("<p class=\"muted\">").text(none).raw("</p>\n");
        } else {
            raw(
                    "<table><thead><tr><th>Reason</th><th class=\"n\">Requests</th><th>Example request ids</th></tr></thead><tbody>\n");
            for (ReasonCount c : reasons.byReason()) {
                raw("<tr><td><code>")
                        .text(c.reason())
                        .raw("</code></td><td class=\"n\">")
                        .text(n(c.count()))
                        .raw("</td><td>");
                c.sampleRequestIds().forEach(id -> raw("<code>").text(id).raw("</code> "));
                raw("</td></tr>\n");
            }
            raw("</tbody></table>\n");
        }
        truncatedNote(reasons.truncated());
        raw("</section>\n");
    }

    private void replays() {
        raw("<section><h2>Replays detected</h2>\n");
        if (r.replays().total() == 0) {
            raw("<p class=\"muted\">No token was presented twice.</p>\n");
        } else {
            raw("<p>")
                    .text(n(r.replays().total()))
                    .raw(" requests presented a token that had already been used. Examples: ");
            r.replays().sampleRequestIds().forEach(id -> raw("<code>").text(id).raw("</code> "));
            raw("</p>\n<table><thead><tr><th>Pipeline</th><th class=\"n\">Replays</th></tr></thead><tbody>\n");
            for (PipelineCount p : r.replays().byPipeline()) {
                raw("<tr><td>")
                        .text(p.organization().isEmpty() ? "(unknown)" : p.organization() + "/" + p.pipeline())
                        .raw("</td><td class=\"n\">")
                        .text(n(p.count()))
                        .raw("</td></tr>\n");
            }
            raw("</tbody></table>\n");
        }
        raw("</section>\n");
    }

    private void admin() {
        raw("<section><h2>Admin changes</h2>\n");
        if (r.admin().total() == 0) {
            raw("<p class=\"muted\">No admin changes in this window.</p>\n");
        } else {
            raw(
                    "<table><thead><tr><th>Time (UTC)</th><th>Principal</th><th>Action</th><th>Decision</th><th>Details</th></tr></thead><tbody>\n");
            for (Map<String, Object> c : r.admin().changes()) {
                raw("<tr><td>")
                        .text(str(c.get("time")))
                        .raw("</td><td><code>")
                        .text(str(c.get("principal")))
                        .raw("</code></td><td>")
                        .text(str(c.get("action")))
                        .raw("</td><td>")
                        .text(str(c.get("decision")))
                        .raw("</td><td>");
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
            raw("</tbody></table>\n");
            truncatedNote(r.admin().truncated());
        }
        raw("</section>\n");
    }

    private void vendsByBinding() {
        raw("<section><h2>Vends by binding</h2>\n");
        if (r.vends().byBinding().isEmpty()) {
            raw("<p class=\"muted\">No vends in this window.</p>\n");
        } else {
            raw("<table><thead><tr><th>Binding</th><th>Role</th><th class=\"n\">Vends</th></tr></thead><tbody>\n");
            r.vends()
                    .byBinding()
                    .forEach(b -> raw("<tr><td>")
                            .text(b.organization() + "/" + b.binding())
                            .raw("</td><td><code>")
                            .text(b.roleArn())
                            .raw("</code></td><td class=\"n\">")
                            .text(n(b.count()))
                            .raw("</td></tr>\n"));
            raw("</tbody></table>\n");
        }
        truncatedNote(r.vends().truncated());
        raw("</section>\n");
    }

    private void truncatedNote(boolean truncated) {
        if (truncated) {
            raw("<p class=\"muted\">Only the first entries are listed; the totals include the rest.</p>\n");
        }
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
