package io.kitevend.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The report as JSON, in the shape {@code report.schema.json} describes (schema version
 * {@value AuditReport#SCHEMA_VERSION}); names are snake_case like the audit records'.
 */
public final class ReportJson {
    /** The classpath resource of the JSON Schema. */
    public static final String SCHEMA_RESOURCE = "/report.schema.json";

    private ReportJson() {}

    public static String write(AuditReport r) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report", e);
        }
    }

    public static ObjectNode tree(AuditReport r) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("schema_version", AuditReport.SCHEMA_VERSION);
        root.put("generated_at", r.generatedAt().toString());
        root.putObject("window")
                .put("from", r.window().from().toString())
                .put("to", r.window().to().toString())
                .put("day", r.window().day().toString());
        root.putObject("history")
                .put("bootstrapped", r.history().bootstrapped())
                .put("since", r.history().since().toString())
                .put("bootstrap_days", r.history().bootstrapDays());
        root.putObject("source")
                .put("records_read", r.source().recordsRead())
                .put("records_outside_window", r.source().outsideWindow())
                .put("records_malformed", r.source().malformed());

        ObjectNode totals = root.putObject("totals");
        totals.put("records", r.totals().records());
        decisions(totals.putObject("by_decision"), r.totals().byDecision());
        ObjectNode kinds = totals.putObject("by_kind");
        r.totals().byKind().forEach((kind, d) -> decisions(kinds.putObject(kind).put("total", d.total()), d));

        ObjectNode timeline = root.putObject("timeline");
        timeline.put("bucket_seconds", r.bucket().toSeconds());
        ArrayNode buckets = timeline.putArray("buckets");
        r.timeline()
                .forEach(b -> buckets.addObject()
                        .put("start", b.start().toString())
                        .put("allow", b.allow())
                        .put("deny", b.deny())
                        .put("error", b.error())
                        .put("other", b.other()));

        ObjectNode vends = root.putObject("vends");
        vends.put("total", r.vends().total());
        vends.put("truncated", r.vends().truncated());
        vends.putObject("not_listed")
                .put("by_pipeline", r.vends().byPipelineNotListed())
                .put("by_binding", r.vends().byBindingNotListed());
        ArrayNode byPipeline = vends.putArray("by_pipeline");
        r.vends().byPipeline().forEach(p -> pipeline(byPipeline.addObject(), p));
        ArrayNode byBinding = vends.putArray("by_binding");
        r.vends()
                .byBinding()
                .forEach(b -> byBinding
                        .addObject()
                        .put("organization", b.organization())
                        .put("binding", b.binding())
                        .put("role_arn", b.roleArn())
                        .put("count", b.count()));

        ObjectNode secrets = root.putObject("secrets");
        secrets.put("total", r.secrets().total());
        decisions(secrets.putObject("by_decision"), r.secrets().byDecision());
        secrets.put("truncated", r.secrets().truncated());
        secrets.putObject("not_listed").put("by_binding", r.secrets().byBindingNotListed());
        ArrayNode secretsByBinding = secrets.putArray("by_binding");
        r.secrets()
                .byBinding()
                .forEach(b -> requests(
                        secretsByBinding
                                .addObject()
                                .put("organization", b.organization())
                                .put("binding", b.binding()),
                        b.requests()));

        reasons(root.putObject("refusals"), r.refusals());
        reasons(root.putObject("errors"), r.errors());

        ObjectNode newPairs = root.putObject("new_pairs");
        newPairs.put("seen_in_window", r.newPairs().pairsSeen());
        newPairs.put("truncated", r.newPairs().truncated());
        ArrayNode pairs = newPairs.putArray("pairs");
        r.newPairs()
                .pairs()
                .forEach(p -> pairs.addObject()
                        .put("organization", p.organization())
                        .put("pipeline", p.pipeline())
                        .put("role_arn", p.roleArn())
                        .put("binding", p.binding())
                        .put("first_seen", p.firstSeen().toString())
                        .put("request_id", p.requestId())
                        .put("vends", p.vends()));

        ObjectNode bindings = root.putObject("bindings");
        bindings.put("total", r.bindings().total());
        bindings.put("enabled", r.bindings().enabled());
        bindings.put("stale_after_days", r.bindings().staleAfterDays());
        bindings.put("long_duration_seconds", r.bindings().longDurationSeconds());
        ArrayNode stale = bindings.putArray("stale");
        r.bindings()
                .stale()
                .forEach(s -> stale.addObject()
                        .put("organization", s.organization())
                        .put("name", s.name())
                        .put("pipeline", s.pipeline())
                        .put("role_arn", s.roleArn())
                        .put("last_used", instant(s.lastUsed()))
                        .put("basis", s.basis())
                        .put("since", s.since().toString())
                        .put("unused_days", s.unusedDays()));
        ArrayNode risky = bindings.putArray("risky");
        r.bindings().risky().forEach(b -> {
            ObjectNode n = risky.addObject()
                    .put("organization", b.organization())
                    .put("name", b.name())
                    .put("pipeline", b.pipeline())
                    .put("role_arn", b.roleArn())
                    .put("max_duration_seconds", b.maxDurationSeconds());
            ArrayNode reasons = n.putArray("reasons");
            b.reasons().forEach(reasons::add);
        });

        ObjectNode admin = root.putObject("admin");
        admin.put("total", r.admin().total());
        decisions(admin.putObject("by_decision"), r.admin().byDecision());
        ArrayNode byAction = admin.putArray("by_action");
        r.admin().byAction().forEach(a -> requests(byAction.addObject().put("action", a.key()), a.requests()));
        ArrayNode byPrincipal = admin.putArray("by_principal");
        r.admin().byPrincipal().forEach(p -> requests(byPrincipal.addObject().put("principal", p.key()), p.requests()));
        admin.putObject("not_listed")
                .put("by_action", r.admin().byActionNotListed())
                .put("by_principal", r.admin().byPrincipalNotListed());
        admin.put("changes_truncated", r.admin().changesTruncated());
        ArrayNode changes = admin.putArray("changes");
        r.admin().changes().forEach(c -> changes.add(adminChange(c)));

        ObjectNode replays = root.putObject("replays");
        replays.put("total", r.replays().total());
        ObjectNode replayKinds = replays.putObject("by_kind");
        r.replays().byKind().forEach(replayKinds::put);
        replays.putObject("not_listed").put("by_pipeline", r.replays().byPipelineNotListed());
        strings(replays.putArray("sample_request_ids"), r.replays().sampleRequestIds());
        ArrayNode replayPipelines = replays.putArray("by_pipeline");
        r.replays().byPipeline().forEach(p -> pipeline(replayPipelines.addObject(), p));

        root.putObject("latency_ms")
                .put("count", r.latency().count())
                .put("median", r.latency().medianMs())
                .put("p99", r.latency().p99Ms())
                .put("max", r.latency().maxMs())
                .put("mean", Math.round(r.latency().meanMs() * 100) / 100.0)
                .put("relative_error", r.latency().relativeError());
        return root;
    }

    private static void pipeline(ObjectNode n, AuditReport.PipelineCount p) {
        n.put("organization", p.organization()).put("pipeline", p.pipeline()).put("count", p.count());
    }

    private static void reasons(ObjectNode n, AuditReport.Reasons r) {
        n.put("total", r.total());
        ObjectNode kinds = n.putObject("by_kind");
        r.byKind().forEach(kinds::put);
        n.put("truncated", r.truncated());
        n.putObject("not_listed").put("by_reason", r.notListed());
        ArrayNode list = n.putArray("by_reason");
        r.byReason().forEach(c -> {
            ObjectNode e = list.addObject().put("reason", c.reason()).put("count", c.count());
            ObjectNode byKind = e.putObject("by_kind");
            c.byKind().forEach(byKind::put);
            strings(e.putArray("sample_request_ids"), c.sampleRequestIds());
        });
    }

    private static void decisions(ObjectNode n, AuditReport.Decisions d) {
        n.put("allow", d.allow()).put("deny", d.deny()).put("error", d.error()).put("other", d.other());
    }

    /** A row of requests by decision: its total, then each decision. */
    private static void requests(ObjectNode n, AuditReport.Decisions d) {
        decisions(n.put("total", d.total()), d);
    }

    /** An admin record's fields; {@code before} and {@code after} written as JSON text become JSON again. */
    private static ObjectNode adminChange(Map<String, Object> fields) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        fields.forEach((k, v) -> {
            JsonNode value = Json.mapper().valueToTree(v);
            if ((k.equals("before") || k.equals("after"))
                    && v instanceof String s
                    && (s.startsWith("{") || s.startsWith("["))) {
                try {
                    value = Json.readTree(s);
                } catch (JsonProcessingException notJson) {
                    // kept as the text it is
                }
            }
            n.set(k, value);
        });
        return n;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static String instant(Instant t) {
        return t == null ? null : t.toString();
    }
}
