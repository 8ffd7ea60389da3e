package io.kitevend.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.AuditFilter;
import io.kitevend.audit.AuditPage;
import io.kitevend.audit.AuditQuery;
import io.kitevend.audit.Decision;
import io.kitevend.http.ProblemType;
import io.kitevend.json.Json;
import io.kitevend.text.Identifiers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the audit trail for admins: by organization, pipeline, decision and time window (default
 * the last 24 hours, at most 31 days), newest first, a page at a time.
 */
public final class AuditReader {
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    public static final Duration MAX_WINDOW = Duration.ofDays(31);
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;
    static final String TOKEN_KIND = "audit";
    static final int MAX_REQUEST_ID = 256;

    private static final Pattern REQUEST_ID = Pattern.compile("[\\x21-\\x7E]{1," + MAX_REQUEST_ID + "}");
    /** A record's position in the newest-first order (its time and request id, see {@link AuditQuery#position}). */
    private static final Pattern POSITION = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z#[\\x21-\\x7E]{1," + MAX_REQUEST_ID + "}");
    /** Four-digit years: the audit table's keys are fixed-width text, so its times are too. */
    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");

    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private final AuditQuery query;
    private final Set<String> organizations;
    private final Clock clock;

    public AuditReader(AuditQuery query, Set<String> organizations, Clock clock) {
        this.query = query;
        this.organizations = Set.copyOf(organizations);
        this.clock = clock;
    }

    /** A page of records (their stored fields; {@code before}/{@code after} as JSON) and the next page's token. */
    public record Result(List<Map<String, Object>> records, String nextPage) {}

    /**
     * Reads with the request's query parameters {@code organization, pipeline, decision, from, to,
     * limit, page} (an empty one counts as absent, as on every admin route).
     */
    public Result read(AdminRequest request) throws AdminProblem, DependencyUnavailableException {
        int limit = request.limit(DEFAULT_LIMIT, MAX_LIMIT);
        String organization = request.param("organization");
        String pipeline = request.param("pipeline");
        String decisionText = request.param("decision");
        String fromText = request.param("from");
        String toText = request.param("to");
        String after = null;
        String page = request.param("page");
        if (page != null) {
            PageTokens.Decoded token = PageTokens.decode(TOKEN_KIND, page, POSITION.asMatchPredicate());
            // The filters may be repeated with the token (as a CLI does), never changed; the window is the token's.
            for (String name : List.of("organization", "pipeline", "decision")) {
                if (!token.agrees(name, request.param(name))) {
                    throw AdminProblem.malformed("'page' belongs to a different query");
                }
            }
            organization = token.get("organization");
            pipeline = token.get("pipeline");
            decisionText = token.get("decision");
            fromText = token.get("from");
            toText = token.get("to");
            after = token.after();
        }
        if (pipeline != null && organization == null) {
            if (organizations.size() != 1) {
                throw AdminProblem.malformed(
                        "'organization' is required with 'pipeline' when several organizations are configured");
            }
            organization = organizations.iterator().next();
        }
        // Both filters are checked with the looser shape of a pipeline slug (an organization filter too).
        if (organization != null && !Identifiers.PIPELINE_SLUG.matches(organization)) {
            throw AdminProblem.malformed("'organization' is not an organization slug");
        }
        if (pipeline != null && !Identifiers.PIPELINE_SLUG.matches(pipeline)) {
            throw AdminProblem.malformed("'pipeline' is not a pipeline slug");
        }
        Decision decision = null;
        if (decisionText != null) {
            decision = switch (decisionText.toLowerCase(Locale.ROOT)) {
                case "allow" -> Decision.ALLOW;
                case "deny" -> Decision.DENY;
                case "error" -> Decision.ERROR;
                default -> throw AdminProblem.malformed("'decision' must be allow, deny or error");
            };
        }
        Instant to = toText == null ? clock.instant() : instant("to", toText);
        Instant from = fromText == null ? to.minus(DEFAULT_WINDOW) : instant("from", fromText);
        if (!from.isBefore(to)) {
            throw AdminProblem.malformed("'from' must be before 'to'");
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw AdminProblem.malformed("the window from 'from' to 'to' must be at most 31 days");
        }
        AuditPage result = query.query(new AuditFilter(from, to, organization, pipeline, decision), after, limit);
        List<Map<String, Object>> records = new ArrayList<>();
        for (Map<String, Object> r : result.records()) {
            records.add(readable(r));
        }
        String next = null;
        if (result.nextAfter() != null) {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("organization", organization);
            q.put("pipeline", pipeline);
            q.put("decision", decision == null ? null : decision.code());
            // The resolved window, so that the next page is of the same window however much later it is read.
            q.put("from", from.toString());
            q.put("to", to.toString());
            next = PageTokens.encode(TOKEN_KIND, q, result.nextAfter());
        }
        return new Result(records, next);
    }

    /**
     * The records of one request, oldest first: what a refused job's request id leads to (reason,
     * detail, claims, binding, role, the access key id to search CloudTrail with).
     */
    public Result byRequestId(String requestId) throws AdminProblem, DependencyUnavailableException {
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw AdminProblem.malformed("the request id must be 1 to " + MAX_REQUEST_ID
                    + " printable ASCII characters, as a refusal gives it (request_id)");
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (Map<String, Object> r : query.byRequestId(requestId, MAX_LIMIT)) {
            records.add(readable(r));
        }
        if (records.isEmpty()) {
            throw AdminProblem.of(
                    ProblemType.NOT_FOUND,
                    "There is no audit record of request " + requestId
                            + " (records expire after the retention period).");
        }
        return new Result(records, null);
    }

    /** The stored fields, with an admin record's before and after as JSON rather than text. */
    private static Map<String, Object> readable(Map<String, Object> fields) {
        Map<String, Object> out = new LinkedHashMap<>(fields);
        for (String name : List.of("before", "after")) {
            if (out.get(name) instanceof String text) {
                try {
                    JsonNode json = Json.readTree(text);
                    if (json != null && json.isObject()) {
                        out.put(name, json);
                    }
                } catch (Exception keepText) {
                    // not JSON: leave it as it was stored
                }
            }
        }
        return out;
    }

    private static Instant instant(String name, String text) throws AdminProblem {
        Instant t;
        try {
            t = Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                t = OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw AdminProblem.malformed("'" + name + "' must be an ISO-8601 time such as 2025-01-31T12:00:00Z");
            }
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw AdminProblem.malformed("'" + name + "' must be a time in a four-digit year (0000 to 9999)");
        }
        return t;
    }
}
