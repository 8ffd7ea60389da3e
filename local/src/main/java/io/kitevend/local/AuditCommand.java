package io.kitevend.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./kitevend audit}: audit records by pipeline, decision and time window; or, given a
 * request id (the one a refusal names), that request's whole record.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "Query the audit trail (default window: the last 24 hours; at most 31 days).",
            "With REQUEST_ID (the request id a refused job printed): that request's whole record."
        })
final class AuditCommand extends AdminCommand {
    enum DecisionFilter {
        allow,
        deny,
        error
    }

    /** Columns of the table, in order: header and record field. */
    private static final List<String[]> COLUMNS = List.of(
            new String[] {"TIME", "time"},
            new String[] {"KIND", "kind"},
            new String[] {"DECISION", "decision"},
            new String[] {"REASON", "reason"},
            new String[] {"ORGANIZATION", "organization_slug"},
            new String[] {"PIPELINE", "pipeline_slug"},
            new String[] {"BRANCH", "build_branch"},
            new String[] {"BINDING", "binding"},
            new String[] {"PRINCIPAL", "principal"},
            new String[] {"REQUEST", "request_id"});

    @Parameters(
            arity = "0..1",
            paramLabel = "REQUEST_ID",
            description = "Show every field of this request's audit record: reason, detail, claims, binding,"
                    + " role, and the access key id to search CloudTrail with.")
    String requestId;

    @Option(names = "--organization", paramLabel = "ORG", description = "Organization slug.")
    String organization;

    @Option(names = "--pipeline", paramLabel = "PIPELINE", description = "Pipeline slug.")
    String pipeline;

    @Option(names = "--decision", paramLabel = "allow|deny|error", description = "Only records with this decision.")
    DecisionFilter decision;

    @Option(names = "--from", paramLabel = "ISO", description = "Start of the window, e.g. 2026-01-31T00:00:00Z.")
    String from;

    @Option(names = "--to", paramLabel = "ISO", description = "End of the window.")
    String to;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "At most this many records (pages are followed). Default: ${DEFAULT-VALUE}.")
    int limit = 100;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "json|table",
            description = "Default: ${DEFAULT-VALUE}.")
    Format output = Format.json;

    @Override
    int execute(AdminClient client) throws IOException {
        if (requestId != null) {
            return lookUp(client);
        }
        if (limit < 1) {
            throw new UsageProblem("--limit must be at least 1");
        }
        ArrayNode records = Json.mapper().createArrayNode();
        String page = null;
        Set<String> seen = new HashSet<>();
        do {
            int want = Math.min(limit - records.size(), 100);
            var r = client.get(
                    List.of("v1", "admin", "audit"),
                    AdminClient.query(
                            "organization",
                            organization,
                            "pipeline",
                            pipeline,
                            "decision",
                            decision == null ? null : decision.name(),
                            "from",
                            from,
                            "to",
                            to,
                            "limit",
                            Integer.toString(want),
                            "page",
                            page));
            if (!succeeded(r)) {
                return 1;
            }
            JsonNode body = json(r);
            for (JsonNode rec : body.path("records")) {
                if (records.size() < limit) {
                    records.add(rec);
                }
            }
            page = body.hasNonNull("next_page") ? body.get("next_page").asText() : null;
            if (page != null && !seen.add(page)) {
                throw new IOException("the API returned the same next_page twice");
            }
        } while (page != null && records.size() < limit);

        if (output == Format.table) {
            List<String[]> shown = new ArrayList<>();
            for (String[] c : COLUMNS) {
                boolean any = false;
                for (JsonNode rec : records) {
                    any |= rec.hasNonNull(c[1]);
                }
                if (any || c[1].equals("time") || c[1].equals("decision")) {
                    shown.add(c);
                }
            }
            Table t = new Table(shown.stream().map(c -> c[0]).toArray(String[]::new));
            for (JsonNode rec : records) {
                t.row(shown.stream().map(c -> rec.path(c[1]).asText("")).toArray());
            }
            t.print(out());
            if (page != null) {
                out().println("(more records: raise --limit or narrow the window)");
                out().flush();
            }
        } else {
            ObjectNode result = Json.mapper().createObjectNode();
            result.set("records", records);
            if (page != null) {
                result.put("truncated", true);
            }
            printJson(result);
        }
        return 0;
    }

    /** One request's records, every field; in a table one row per field, then where to look in CloudTrail. */
    private int lookUp(AdminClient client) throws IOException {
        if (organization != null || pipeline != null || decision != null || from != null || to != null) {
            throw new UsageProblem(
                    "REQUEST_ID looks up one request: leave out --organization, --pipeline, --decision, --from and --to");
        }
        var r = client.get(List.of("v1", "admin", "audit", requestId), Map.of());
        if (!succeeded(r)) {
            return 1;
        }
        JsonNode body = json(r);
        if (output == Format.json) {
            printJson(body);
            return 0;
        }
        for (JsonNode rec : body.path("records")) {
            Table t = new Table("FIELD", "VALUE");
            rec.fields()
                    .forEachRemaining(field -> t.row(
                            field.getKey(),
                            field.getValue().isValueNode() ? field.getValue().asText() : Json.write(field.getValue())));
            t.print(out());
            if (rec.hasNonNull("access_key_id")) {
                out().println(
                                "CloudTrail: what these credentials did, in the role's account: aws cloudtrail lookup-events"
                                        + " --lookup-attributes AttributeKey=AccessKeyId,AttributeValue="
                                        + rec.get("access_key_id").asText());
            }
            out().println();
        }
        out().flush();
        return 0;
    }
}
