package io.kitevend.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.AuditTrail;
import io.kitevend.audit.Decision;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingsDocument;
import io.kitevend.binding.FieldError;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.HttpResponse;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import io.kitevend.json.Json;
import io.kitevend.json.LogLine;
import io.kitevend.text.Identifiers;
import io.kitevend.text.Text;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The admin API as one use case per request: establish who calls (readers read, writers also
 * change; everyone else gets 403 and an audit record), route, run the operation, answer in JSON
 * or RFC 9457 problem+json. The rules live in {@link BindingAdmin}, {@link Explainer} and
 * {@link AuditReader}; this class only maps HTTP to them.
 *
 * <pre>
 * GET    /v1/admin/bindings?organization=&amp;pipeline=&amp;limit=&amp;page=
 * GET    /v1/admin/bindings/{organization}/{name}
 * PUT    /v1/admin/bindings/{organization}/{name}     (If-Match: replace; none: create)
 * DELETE /v1/admin/bindings/{organization}/{name}     (If-Match required)
 * POST   /v1/admin/apply?dry_run=&amp;prune=
 * POST   /v1/admin/explain
 * GET    /v1/admin/audit?organization=&amp;pipeline=&amp;decision=&amp;from=&amp;to=&amp;limit=&amp;page=
 * </pre>
 */
public final class AdminService {
    public static final String PREFIX = "/v1/admin";
    public static final int MAX_BINDING_BODY = 64 * 1024;
    public static final int MAX_DOCUMENT_BODY = 1024 * 1024;
    public static final int MAX_EXPLAIN_BODY = 16 * 1024;
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;
    static final String BINDINGS_TOKEN = "bindings";

    private static final Pattern VERSION = Pattern.compile("\"?([0-9]{1,18})\"?");
    private static final Pattern JSON_TYPE = Pattern.compile("application/json\\s*(;.*)?");
    private static final Pattern DOCUMENT_TYPE =
            Pattern.compile("(application/json|application/yaml|text/yaml)\\s*(;.*)?");

    private final AdminAccess access;
    private final BindingAdmin bindings;
    private final Explainer explainer;
    private final AuditReader auditReader;
    private final AuditTrail audit;
    private final Set<String> organizations;
    private final Clock clock;
    private final PrintStream log;

    public AdminService(
            AdminAccess access,
            BindingAdmin bindings,
            Explainer explainer,
            AuditReader auditReader,
            AuditTrail audit,
            Set<String> organizations,
            Clock clock,
            PrintStream log) {
        this.access = access;
        this.bindings = bindings;
        this.explainer = explainer;
        this.auditReader = auditReader;
        this.audit = audit;
        this.organizations = Set.copyOf(organizations);
        this.clock = clock;
        this.log = log;
    }

    /** The operations, each needing a reader or a writer. */
    enum Operation {
        LIST,
        GET,
        PUT,
        DELETE,
        APPLY,
        EXPLAIN,
        AUDIT
    }

    /** A request's route: its operation (null when there is none) and the binding it names. */
    record Route(Operation operation, String organization, String name, int status, String allow) {
        static Route of(Operation op, String organization, String name) {
            return new Route(op, organization, name, 200, null);
        }

        static Route none(int status, String allow) {
            return new Route(null, null, null, status, allow);
        }
    }

    static Route route(String method, String path) {
        String p = path == null ? "" : path;
        int at = p.indexOf(PREFIX + "/");
        String rest = at < 0 ? "" : p.substring(at + PREFIX.length());
        String[] parts = rest.split("/", -1);
        // rest starts with "/", so parts[0] is empty.
        if (parts.length == 2 && parts[1].equals("bindings")) {
            return method.equals("GET") ? Route.of(Operation.LIST, null, null) : Route.none(405, "GET");
        }
        if (parts.length == 4 && parts[1].equals("bindings") && !parts[2].isEmpty() && !parts[3].isEmpty()) {
            return switch (method) {
                case "GET" -> Route.of(Operation.GET, parts[2], parts[3]);
                case "PUT" -> Route.of(Operation.PUT, parts[2], parts[3]);
                case "DELETE" -> Route.of(Operation.DELETE, parts[2], parts[3]);
                default -> Route.none(405, "GET, PUT, DELETE");
            };
        }
        if (parts.length == 2 && parts[1].equals("apply")) {
            return method.equals("POST") ? Route.of(Operation.APPLY, null, null) : Route.none(405, "POST");
        }
        if (parts.length == 2 && parts[1].equals("explain")) {
            return method.equals("POST") ? Route.of(Operation.EXPLAIN, null, null) : Route.none(405, "POST");
        }
        if (parts.length == 2 && parts[1].equals("audit")) {
            return method.equals("GET") ? Route.of(Operation.AUDIT, null, null) : Route.none(405, "GET");
        }
        return Route.none(404, null);
    }

    /** What a request attempts, in the words of the audit record. */
    static String action(Route route, AdminRequest request) {
        if (route.operation() == null) {
            return "unknown";
        }
        return switch (route.operation()) {
            case LIST -> "list";
            case GET -> "get";
            case PUT -> request.header("if-match") == null ? BindingAdmin.CREATE : BindingAdmin.REPLACE;
            case DELETE -> BindingAdmin.DELETE;
            case APPLY -> "apply";
            case EXPLAIN -> "explain";
            case AUDIT -> "audit";
        };
    }

    /** True when the request may change something: a writer's. A dry-run apply changes nothing, so readers may. */
    static boolean changes(Route route, AdminRequest request) {
        if (route.operation() == null) {
            return false;
        }
        return switch (route.operation()) {
            case PUT, DELETE -> true;
            case APPLY -> !"true".equals(request.param("dry_run"));
            default -> false;
        };
    }

    public HttpResponse handle(AdminRequest request) {
        long started = System.nanoTime();
        AdminAccess.Decision who = access.decide(request.caller());
        Route route = route(request.method(), request.http().path());
        boolean changes = changes(route, request);
        if (!who.role().mayRead() || (changes && !who.role().mayWrite())) {
            String detail = who.role().mayRead() ? "a reader may not make changes" : who.detail();
            recordRefusal(request, who, route, detail, started);
            return Problem.of(
                            ProblemType.FORBIDDEN,
                            who.role().mayRead()
                                    ? "This request changes bindings; only admin writers may make it."
                                    : "The caller is not an admin reader or writer of kitevend.")
                    .toResponse(request.requestId());
        }
        if (route.operation() == null) {
            if (route.status() == 405) {
                HttpResponse r = Problem.of(ProblemType.METHOD_NOT_ALLOWED, "This path accepts " + route.allow() + ".")
                        .toResponse(request.requestId());
                Map<String, String> headers = new LinkedHashMap<>(r.headers());
                headers.put("allow", route.allow());
                return new HttpResponse(405, headers, r.body());
            }
            return Problem.of(
                            ProblemType.NOT_FOUND,
                            "There is no admin route " + request.method() + " "
                                    + Text.printableAscii(
                                            Objects.toString(request.http().path(), ""), 100) + ".")
                    .toResponse(request.requestId());
        }
        Actor actor = new Actor(
                request.requestId(),
                who.principal(),
                request.http().sourceIp(),
                request.http().userAgent());
        try {
            if (request.header(HttpRequest.UNDECODABLE_BODY) != null) {
                throw AdminProblem.malformed("The body is not valid base64.");
            }
            return switch (route.operation()) {
                case LIST -> list(request);
                case GET -> get(route);
                case PUT -> put(request, route, actor);
                case DELETE -> delete(request, route, actor);
                case APPLY -> apply(request, actor);
                case EXPLAIN -> explain(request);
                case AUDIT -> audit(request);
            };
        } catch (AdminProblem p) {
            return p.problem().toResponse(request.requestId());
        } catch (DependencyUnavailableException e) {
            return Problem.unavailable(
                            "A service kitevend depends on is unavailable; nothing was changed by this request. Retry later.",
                            e.retryAfter())
                    .toResponse(request.requestId());
        } catch (RuntimeException e) {
            logError(request, e);
            return Problem.of(ProblemType.INTERNAL_ERROR, "Unexpected error.").toResponse(request.requestId());
        }
    }

    // ------------------------------------------------------------------ routes

    private HttpResponse list(AdminRequest request) throws AdminProblem, DependencyUnavailableException {
        int limit = limit(request.param("limit"), DEFAULT_LIMIT, MAX_LIMIT);
        String organization = request.param("organization");
        String pipeline = request.param("pipeline");
        String after = null;
        String page = request.param("page");
        if (page != null) {
            PageTokens.Decoded token = PageTokens.decode(BINDINGS_TOKEN, page);
            if (!token.agrees("organization", organization) || !token.agrees("pipeline", pipeline)) {
                throw AdminProblem.malformed("'page' belongs to a different query");
            }
            organization = token.get("organization");
            pipeline = token.get("pipeline");
            after = token.after();
        }
        if (organization == null) {
            if (organizations.size() != 1) {
                throw AdminProblem.malformed("'organization' is required: several organizations are configured");
            }
            organization = organizations.iterator().next();
        }
        if (!Identifiers.ORGANIZATION_SLUG.matches(organization)) {
            throw AdminProblem.malformed("'organization' is not an organization slug");
        }
        if (pipeline != null && !Identifiers.PIPELINE_SLUG.matches(pipeline)) {
            throw AdminProblem.malformed("'pipeline' is not a pipeline slug");
        }
        BindingAdmin.Listing listing = bindings.list(organization, pipeline, after, limit);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode list = body.putArray("bindings");
        listing.bindings().forEach(b -> list.add(BindingsDocument.toJson(b)));
        if (listing.nextAfter() != null) {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("organization", organization);
            q.put("pipeline", pipeline);
            body.put("next_page", PageTokens.encode(BINDINGS_TOKEN, q, listing.nextAfter()));
        }
        return json(200, body, Map.of());
    }

    private HttpResponse get(Route route) throws AdminProblem, DependencyUnavailableException {
        checkKey(route);
        Binding b = bindings.get(route.organization(), route.name());
        return json(200, BindingsDocument.toJson(b), Map.of("etag", etag(b)));
    }

    private HttpResponse put(AdminRequest request, Route route, Actor actor)
            throws AdminProblem, DependencyUnavailableException {
        Long ifMatch = ifMatch(request);
        JsonNode body = jsonBody(request, MAX_BINDING_BODY);
        List<FieldError> errors = new ArrayList<>();
        Binding parsed = BindingsDocument.fromJson(body, errors);
        for (String field : List.of("organization", "name")) {
            JsonNode given = body.get(field);
            String inPath = field.equals("name") ? route.name() : route.organization();
            if (given != null
                    && !given.isNull()
                    && !(given.isTextual() && given.asText().equals(inPath))) {
                errors.add(new FieldError(
                        field, "path_mismatch", "must be left out or equal the " + field + " in the path"));
            }
        }
        Binding candidate = (parsed == null ? Binding.builder().build() : parsed)
                .toBuilder()
                        .organization(route.organization())
                        .name(route.name())
                        .build();
        errors.addAll(bindings.validate(candidate));
        if (!errors.isEmpty()) {
            throw AdminProblem.invalid(errors);
        }
        if (ifMatch == null) {
            Binding created = bindings.create(actor, candidate);
            return json(
                    201,
                    BindingsDocument.toJson(created),
                    Map.of(
                            "etag",
                            etag(created),
                            "location",
                            PREFIX + "/bindings/" + created.organization() + "/" + created.name()));
        }
        Binding replaced = bindings.replace(actor, candidate, ifMatch);
        return json(200, BindingsDocument.toJson(replaced), Map.of("etag", etag(replaced)));
    }

    private HttpResponse delete(AdminRequest request, Route route, Actor actor)
            throws AdminProblem, DependencyUnavailableException {
        Long ifMatch = ifMatch(request);
        if (ifMatch == null) {
            throw AdminProblem.of(
                    ProblemType.IF_MATCH_REQUIRED, "Send If-Match with the binding's ETag (from GET) to delete it.");
        }
        checkKey(route);
        bindings.delete(actor, route.organization(), route.name(), ifMatch);
        return new HttpResponse(204, Map.of("cache-control", "no-store"), null);
    }

    private HttpResponse apply(AdminRequest request, Actor actor) throws AdminProblem, DependencyUnavailableException {
        boolean dryRun = flag(request, "dry_run");
        boolean prune = flag(request, "prune");
        String text =
                body(request, MAX_DOCUMENT_BODY, DOCUMENT_TYPE, "application/yaml, text/yaml or application/json");
        List<Binding> document;
        try {
            document = BindingsDocument.parse(text, bindings::validate);
        } catch (BindingsDocument.InvalidDocumentException e) {
            throw AdminProblem.invalid(e.errors());
        }
        BindingAdmin.ApplyResult result = bindings.apply(actor, document, dryRun, prune);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("dry_run", result.dryRun());
        body.put("prune", result.prune());
        strings(body.putArray("created"), result.created());
        strings(body.putArray("updated"), result.updated());
        strings(body.putArray("unchanged"), result.unchanged());
        strings(body.putArray("deleted"), result.deleted());
        ArrayNode changes = body.putArray("changes");
        result.changes().forEach(c -> changes.add(BindingAdmin.json(c)));
        return json(200, body, Map.of());
    }

    private HttpResponse explain(AdminRequest request) throws AdminProblem, DependencyUnavailableException {
        JsonNode body = jsonBody(request, MAX_EXPLAIN_BODY);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!Set.of("claims", "token", "binding").contains(field)) {
                throw AdminProblem.malformed("the body has an unknown field; accepted fields: claims, token, binding");
            }
        }
        boolean hasClaims = body.hasNonNull("claims");
        boolean hasToken = body.hasNonNull("token");
        if (hasClaims == hasToken) {
            throw AdminProblem.malformed("send exactly one of 'claims' and 'token'");
        }
        String requested = null;
        JsonNode b = body.get("binding");
        if (b != null && !b.isNull()) {
            if (!b.isTextual() || !Identifiers.BINDING_NAME.matches(b.asText())) {
                throw AdminProblem.malformed(
                        "'binding' must be a binding name (" + Identifiers.BINDING_NAME.pattern() + ")");
            }
            requested = b.asText();
        }
        Explainer.Explanation e;
        if (hasToken) {
            if (!body.get("token").isTextual()) {
                throw AdminProblem.malformed("'token' must be a string");
            }
            e = explainer.explainToken(body.get("token").asText().strip(), requested);
        } else {
            e = explainer.explainClaims(body.get("claims"), requested);
        }
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
        return json(200, out, Map.of());
    }

    private HttpResponse audit(AdminRequest request) throws AdminProblem, DependencyUnavailableException {
        AuditReader.Result result = auditReader.read(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("records", result.records());
        if (result.nextPage() != null) {
            body.put("next_page", result.nextPage());
        }
        return json(200, Json.mapper().valueToTree(body), Map.of());
    }

    // ------------------------------------------------------------------ request parts

    private static void checkKey(Route route) throws AdminProblem {
        if (!Identifiers.ORGANIZATION_SLUG.matches(route.organization())
                || !Identifiers.BINDING_NAME.matches(route.name())) {
            throw AdminProblem.malformed("the path must name a binding as /v1/admin/bindings/ORGANIZATION/NAME");
        }
    }

    /** The version in If-Match ({@code "3"}, as the ETag gives it, or {@code 3}); null when absent. */
    private static Long ifMatch(AdminRequest request) throws AdminProblem {
        String raw = request.header("if-match");
        if (raw == null) {
            return null;
        }
        var m = VERSION.matcher(raw.strip());
        if (!m.matches()) {
            throw AdminProblem.malformed(
                    "If-Match must be the binding's ETag, such as \"3\" (one version; no * or lists)");
        }
        return Long.parseLong(m.group(1));
    }

    private static boolean flag(AdminRequest request, String name) throws AdminProblem {
        String v = request.param(name);
        if (v == null) {
            return false;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw AdminProblem.malformed("'" + name + "' must be true or false");
        };
    }

    /** Parses a limit parameter: a whole number from 1 to {@code max}. */
    static int limit(String raw, int fallback, int max) throws AdminProblem {
        if (raw == null) {
            return fallback;
        }
        if (!raw.matches("[0-9]{1,4}") || Integer.parseInt(raw) < 1 || Integer.parseInt(raw) > max) {
            throw AdminProblem.malformed("'limit' must be a whole number from 1 to " + max);
        }
        return Integer.parseInt(raw);
    }

    private static String body(AdminRequest request, int max, Pattern types, String accepted) throws AdminProblem {
        String body = request.body();
        if (body == null || body.isBlank()) {
            throw AdminProblem.malformed("The request needs a body (" + accepted + ").");
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > max) {
            throw AdminProblem.of(ProblemType.PAYLOAD_TOO_LARGE, "The body must be at most " + max + " bytes.");
        }
        String type = request.header("content-type");
        if (type == null
                || !types.matcher(type.toLowerCase(Locale.ROOT).strip()).matches()) {
            throw AdminProblem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as " + accepted + ".");
        }
        return body;
    }

    private static JsonNode jsonBody(AdminRequest request, int max) throws AdminProblem {
        String text = body(request, max, JSON_TYPE, "application/json");
        JsonNode node;
        try {
            node = Json.readTree(text);
        } catch (JsonProcessingException e) {
            throw AdminProblem.malformed("The body " + Text.printableAscii(Json.problem(e, "JSON"), 200) + ".");
        }
        if (node == null || !node.isObject()) {
            throw AdminProblem.malformed("The body must be a JSON object.");
        }
        return node;
    }

    // ------------------------------------------------------------------ answers

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

    /** A refused attempt is an audit record too (a read is not, when it is allowed). */
    private void recordRefusal(
            AdminRequest request, AdminAccess.Decision who, Route route, String detail, long started) {
        AuditRecord r = new AuditRecord(request.requestId(), clock.instant(), AuditRecord.KIND_ADMIN);
        r.outcome(Decision.DENY, "forbidden", detail, ProblemType.FORBIDDEN.status());
        r.principal(who.principal());
        r.action(action(route, request));
        if (route.name() != null
                && Identifiers.BINDING_NAME.matches(route.name())
                && Identifiers.ORGANIZATION_SLUG.matches(route.organization())) {
            r.binding(route.name());
            r.bindingOrganization(route.organization());
        }
        r.sourceIp(request.http().sourceIp());
        r.userAgent(request.http().userAgent());
        r.latencyMillis((System.nanoTime() - started) / 1_000_000);
        try {
            audit.write(r, unstored -> {});
        } catch (DependencyUnavailableException e) {
            // Still refused; the record is in the log.
        }
    }

    private void logError(AdminRequest request, RuntimeException e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", request.requestId());
        fields.put("error", e.getClass().getName());
        LogLine.print(log, "ERROR", "admin request failed", fields);
    }
}
