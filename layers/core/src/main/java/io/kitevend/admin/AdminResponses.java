package io.kitevend.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingsDocument;
import io.kitevend.http.HttpResponse;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import io.kitevend.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin API's answers, as JSON (never cached) or, for problems, RFC 9457 problem+json. */
final class AdminResponses {
    private AdminResponses() {}

    /** One binding, with its version as ETag. */
    static HttpResponse binding(int status, Binding b) {
        return json(status, BindingsDocument.toJson(b), Map.of("etag", etag(b)));
    }

    /** 201: the binding created, where it is, its ETag. */
    static HttpResponse created(Binding b) {
        return json(
                201,
                BindingsDocument.toJson(b),
                Map.of(
                        "etag",
                        etag(b),
                        "location",
                        AdminRoute.PREFIX + "/bindings/" + b.organization() + "/" + b.name()));
    }

    static HttpResponse deleted() {
        return new HttpResponse(204, Map.of("cache-control", "no-store"), null);
    }

    /** A page of bindings and, unless it is the last, the token of the next. */
    static HttpResponse listing(BindingAdmin.Listing listing, String nextPage) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode list = body.putArray("bindings");
        listing.bindings().forEach(b -> list.add(BindingsDocument.toJson(b)));
        if (nextPage != null) {
            body.put("next_page", nextPage);
        }
        return json(200, body, Map.of());
    }

    /** What an apply did or, in a dry run, would do. */
    static HttpResponse applied(BindingAdmin.ApplyResult result) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("dry_run", result.dryRun());
        body.put("prune", result.prune());
        strings(body.putArray("created"), result.created());
        strings(body.putArray("updated"), result.updated());
        strings(body.putArray("unchanged"), result.unchanged());
        strings(body.putArray("deleted"), result.deleted());
        ArrayNode changes = body.putArray("changes");
        result.changes().forEach(c -> changes.add(change(c)));
        return json(200, body, Map.of());
    }

    /** The JSON form of a change; {@code before} and {@code after} are null where there is none. */
    private static ObjectNode change(BindingAdmin.Change c) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("action", c.action().code());
        m.put("organization", c.organization());
        m.put("name", c.name());
        m.set("before", c.before() == null ? m.nullNode() : BindingsDocument.toJson(c.before()));
        m.set("after", c.after() == null ? m.nullNode() : BindingsDocument.toJson(c.after()));
        return m;
    }

    static HttpResponse explanation(Explainer.Explanation e) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("organization", e.organization());
        out.put("pipeline", e.pipeline());
        ArrayNode list = out.putArray("bindings");
        for (Explainer.Candidate c : e.bindings()) {
            ObjectNode n = list.addObject();
            n.put("name", c.name());
            n.put("matched", c.matched());
            n.put("reason", c.reason());
        }
        out.put("decision", e.decision());
        out.put("selected", e.selected());
        out.put("reason", e.reason());
        ArrayNode matched = out.putArray("matched");
        e.matched().forEach(matched::add);
        ObjectNode assumed = out.putObject("assumed_claims");
        e.assumedClaims().forEach(assumed::put);
        ArrayNode missing = out.putArray("missing_claims");
        e.missingClaims().forEach(missing::add);
        return json(200, out, Map.of());
    }

    /** Audit records and, when more follow, the token of the next page. */
    static HttpResponse auditRecords(AuditReader.Result result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("records", result.records());
        if (result.nextPage() != null) {
            body.put("next_page", result.nextPage());
        }
        return json(200, Json.mapper().valueToTree(body), Map.of());
    }

    /** 405 with the methods the path accepts, in {@code Allow} too. */
    static HttpResponse methodNotAllowed(String allow, String requestId) {
        HttpResponse r = Problem.of(ProblemType.METHOD_NOT_ALLOWED, "This path accepts " + allow + ".")
                .toResponse(requestId);
        Map<String, String> headers = new LinkedHashMap<>(r.headers());
        headers.put("allow", allow);
        return new HttpResponse(405, headers, r.body());
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static String etag(Binding b) {
        return "\"" + b.version() + "\"";
    }

    private static HttpResponse json(int status, JsonNode body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("cache-control", "no-store");
        headers.putAll(extraHeaders);
        return new HttpResponse(status, headers, Json.write(body));
    }
}
