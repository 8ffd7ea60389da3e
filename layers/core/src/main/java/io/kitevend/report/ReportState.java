package io.kitevend.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * What one report run hands to the next ({@code reports/state.json}), so that a daily run reads
 * only its own window: when each pipeline → role pair was first seen, when each binding was last
 * used, and since when the reports have been watching ({@code since}). Its size grows with the
 * number of pairs and bindings, never with the number of records.
 *
 * <p>Merging is order-free: first-seen times take the minimum, last-used times the maximum, so
 * re-running a window (or running an older one) leaves the state as it would be anyway, and a
 * re-run reports the same new pairs.
 */
public record ReportState(
        Instant since, Instant through, Map<Pair, Instant> firstSeen, Map<BindingKey, Instant> lastUsed) {
    public static final int STATE_VERSION = 1;

    /** A pipeline → role pair. */
    public record Pair(String organization, String pipeline, String roleArn) {}

    /** A binding by its key: organization and name. */
    public record BindingKey(String organization, String name) {}

    public ReportState {
        firstSeen = Map.copyOf(firstSeen);
        lastUsed = Map.copyOf(lastUsed);
    }

    public static ReportState empty(Instant since) {
        return new ReportState(since, since, Map.of(), Map.of());
    }

    public String toJson(Instant updatedAt) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("state_version", STATE_VERSION);
        root.put("updated_at", updatedAt.toString());
        root.put("since", since.toString());
        root.put("through", through.toString());
        ArrayNode pairs = root.putArray("pairs");
        firstSeen.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(Pair::organization)
                        .thenComparing(Pair::pipeline)
                        .thenComparing(Pair::roleArn)))
                .forEach(e -> pairs.addObject()
                        .put("organization", e.getKey().organization())
                        .put("pipeline", e.getKey().pipeline())
                        .put("role_arn", e.getKey().roleArn())
                        .put("first_seen", e.getValue().toString()));
        ArrayNode used = root.putArray("last_used");
        lastUsed.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(
                        Comparator.comparing(BindingKey::organization).thenComparing(BindingKey::name)))
                .forEach(e -> used.addObject()
                        .put("organization", e.getKey().organization())
                        .put("binding", e.getKey().name())
                        .put("last_used", e.getValue().toString()));
        return Json.write(root);
    }

    /** Reads a saved state; a state that cannot be read is an error, never silently replaced. */
    public static ReportState fromJson(String json) {
        try {
            JsonNode root = Json.readTree(json);
            int version = root.path("state_version").asInt(-1);
            if (version != STATE_VERSION) {
                throw new ReportException("report state has version " + version + ", expected " + STATE_VERSION);
            }
            Map<Pair, Instant> pairs = new HashMap<>();
            for (JsonNode p : root.path("pairs")) {
                pairs.put(
                        new Pair(text(p, "organization"), text(p, "pipeline"), text(p, "role_arn")),
                        Instant.parse(text(p, "first_seen")));
            }
            Map<BindingKey, Instant> used = new HashMap<>();
            for (JsonNode u : root.path("last_used")) {
                used.put(
                        new BindingKey(text(u, "organization"), text(u, "binding")),
                        Instant.parse(text(u, "last_used")));
            }
            return new ReportState(
                    Instant.parse(text(root, "since")), Instant.parse(text(root, "through")), pairs, used);
        } catch (JsonProcessingException | DateTimeParseException e) {
            throw new ReportException("report state is unreadable: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new ReportException("report state: '" + field + "' is missing or not a string");
        }
        return v.asText();
    }
}
