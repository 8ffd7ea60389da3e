package io.kitevend.admin;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.kitevend.json.LogLine;
import io.kitevend.text.Identifiers;
import io.kitevend.text.Text;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The admin API's routes ({@link AdminRoute}), one use case per request: establish who calls
 * (readers read, writers also change; everyone else gets 403), resolve the route, read the
 * request's parts ({@link AdminRequest}), run the operation, answer ({@link AdminResponses}), and
 * audit it, reads and refusals included. The rules live in {@link BindingAdmin}, {@link Explainer}
 * and {@link AuditReader}.
 */
public final class AdminService {
    public static final int MAX_BINDING_BODY = BindingAdmin.MAX_BINDING_JSON;
    public static final int MAX_DOCUMENT_BODY = 1024 * 1024;
    public static final int MAX_EXPLAIN_BODY = 16 * 1024;
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;
    static final String BINDINGS_TOKEN = "bindings";

    private static final Set<String> EXPLAIN_FIELDS = Set.of("claims", "token", "binding");

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

    /** What a request attempts, in the words of the audit record. */
    static String action(AdminRoute route, AdminRequest request) {
        if (route == null) {
            return "unknown";
        }
        return switch (route) {
            case LIST_BINDINGS -> "list";
            case GET_BINDING -> "get";
            case PUT_BINDING -> request.header("if-match") == null ? BindingAdmin.CREATE : BindingAdmin.REPLACE;
            case DELETE_BINDING -> BindingAdmin.DELETE;
            case APPLY -> "apply";
            case EXPLAIN -> "explain";
            case QUERY_AUDIT -> "audit";
            case GET_AUDIT_RECORD -> "audit_record";
        };
    }

    /** True when the request may change something: a writer's. A dry-run apply changes nothing, so readers may. */
    static boolean changes(AdminRoute route, AdminRequest request) {
        if (route == null) {
            return false;
        }
        return switch (route) {
            case PUT_BINDING, DELETE_BINDING -> true;
            case APPLY -> !"true".equals(request.param("dry_run"));
            case LIST_BINDINGS, GET_BINDING, EXPLAIN, QUERY_AUDIT, GET_AUDIT_RECORD -> false;
        };
    }

    /**
     * Answers one request and audits it: a change is audited by the change itself (one record
     * per binding changed, with before and after); every other request, read, refusal or failed
     * attempt, by one record of its own with the principal, the action, what it named and its
     * outcome. When that record cannot be stored it is still in the log, and the answer stands.
     */
    public HttpResponse handle(AdminRequest request) {
        long started = System.nanoTime();
        AdminAccess.Decision who = access.decide(request.caller());
        AdminRoute.Resolution resolved =
                AdminRoute.resolve(request.method(), request.http().path());
        AuditRecord record = newRecord(request, who, resolved);
        Answer answer = answer(request, who, resolved, record);
        if (!answer.changesRecorded()) {
            record.latencyMillis((System.nanoTime() - started) / 1_000_000);
            try {
                audit.write(record, unstored -> {});
            } catch (DependencyUnavailableException e) {
                // The record is in the log; the answer stands.
            }
        }
        return answer.response();
    }

    /** An answer, and whether what it changed was audited change by change (then the request needs no record of its own). */
    private record Answer(HttpResponse response, boolean changesRecorded) {}

    private Answer answer(
            AdminRequest request, AdminAccess.Decision who, AdminRoute.Resolution resolved, AuditRecord record) {
        AdminRoute route = resolved.route();
        if (!who.role().mayRead() || (changes(route, request) && !who.role().mayWrite())) {
            String detail = who.role().mayRead() ? "a reader may not make changes" : who.detail();
            Problem refusal = Problem.of(
                    ProblemType.FORBIDDEN,
                    who.role().mayRead()
                            ? "This request changes bindings; only admin writers may make it."
                            : "The caller is not an admin reader or writer of kitevend.");
            record.outcome(Decision.DENY, "forbidden", detail, refusal.type().status());
            return new Answer(refusal.toResponse(request.requestId()), false);
        }
        if (route == null) {
            if (resolved.status() == 405) {
                record.outcome(Decision.DENY, ProblemType.METHOD_NOT_ALLOWED.code(), null, 405);
                return new Answer(AdminResponses.methodNotAllowed(resolved.allow(), request.requestId()), false);
            }
            return problem(
                    request,
                    record,
                    Problem.of(
                            ProblemType.NOT_FOUND,
                            "There is no admin route " + request.method() + " "
                                    + Text.printableAscii(
                                            Objects.toString(request.http().path(), ""), 100) + "."));
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
            Answer answer = switch (route) {
                case LIST_BINDINGS -> read(list(request));
                case GET_BINDING -> read(get(resolved));
                case PUT_BINDING -> new Answer(put(request, resolved, actor), true);
                case DELETE_BINDING -> new Answer(delete(request, resolved, actor), true);
                case APPLY -> {
                    BindingAdmin.ApplyResult result = apply(request, actor);
                    boolean changed = !result.dryRun() && !result.changes().isEmpty();
                    yield new Answer(AdminResponses.applied(result), changed);
                }
                case EXPLAIN -> read(explain(request, record));
                case QUERY_AUDIT -> read(AdminResponses.auditRecords(auditReader.read(request)));
                case GET_AUDIT_RECORD ->
                    read(AdminResponses.auditRecords(auditReader.byRequestId(resolved.parameter("request_id"))));
            };
            record.outcome(
                    Decision.ALLOW,
                    changes(route, request) ? AuditRecord.ADMIN_UNCHANGED : AuditRecord.ADMIN_READ,
                    null,
                    answer.response().status());
            return answer;
        } catch (AdminProblem p) {
            return problem(request, record, p.problem());
        } catch (DependencyUnavailableException e) {
            return problem(
                    request,
                    record,
                    Problem.unavailable(
                            "A service kitevend depends on is unavailable; nothing was changed by this request. Retry later.",
                            e.retryAfter()));
        } catch (RuntimeException e) {
            logError(request, e);
            return problem(request, record, Problem.of(ProblemType.INTERNAL_ERROR, "Unexpected error."));
        }
    }

    private static Answer read(HttpResponse response) {
        return new Answer(response, false);
    }

    /**
     * A problem for the caller, and as the request's outcome: refused (4xx) or failed (5xx). A
     * change made before a failure to store its record is audited already, in the log.
     */
    private static Answer problem(AdminRequest request, AuditRecord record, Problem problem) {
        int status = problem.type().status();
        record.outcome(
                status >= 500 ? Decision.ERROR : Decision.DENY,
                problem.type().code(),
                Text.printable(problem.detail(), 300),
                status);
        return new Answer(
                problem.toResponse(request.requestId()), problem.extensions().containsKey("change_applied"));
    }

    private HttpResponse list(AdminRequest request) throws AdminProblem, DependencyUnavailableException {
        int limit = request.limit(DEFAULT_LIMIT, MAX_LIMIT);
        String organization = request.param("organization");
        String pipeline = request.param("pipeline");
        String after = null;
        String page = request.param("page");
        if (page != null) {
            PageTokens.Decoded token = PageTokens.decode(BINDINGS_TOKEN, page, Identifiers.BINDING_NAME::matches);
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
        String next = null;
        if (listing.nextAfter() != null) {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("organization", organization);
            q.put("pipeline", pipeline);
            next = PageTokens.encode(BINDINGS_TOKEN, q, listing.nextAfter());
        }
        return AdminResponses.listing(listing, next);
    }

    private HttpResponse get(AdminRoute.Resolution route) throws AdminProblem, DependencyUnavailableException {
        checkKey(route);
        return AdminResponses.binding(200, bindings.get(route.parameter("organization"), route.parameter("name")));
    }

    private HttpResponse put(AdminRequest request, AdminRoute.Resolution route, Actor actor)
            throws AdminProblem, DependencyUnavailableException {
        Long ifMatch = request.ifMatch();
        JsonNode body = request.jsonBody(MAX_BINDING_BODY);
        String organization = route.parameter("organization");
        String name = route.parameter("name");
        List<FieldError> errors = new ArrayList<>();
        Binding parsed = BindingsDocument.fromJson(body, errors);
        for (String field : List.of("organization", "name")) {
            JsonNode given = body.get(field);
            String inPath = route.parameter(field);
            if (given != null
                    && !given.isNull()
                    && !(given.isTextual() && given.asText().equals(inPath))) {
                errors.add(new FieldError(
                        field, "path_mismatch", "must be left out or equal the " + field + " in the path"));
            }
        }
        Binding candidate = (parsed == null ? Binding.builder().build() : parsed)
                .toBuilder().organization(organization).name(name).build();
        errors.addAll(bindings.validate(candidate));
        if (!errors.isEmpty()) {
            throw AdminProblem.invalid(errors);
        }
        if (ifMatch == null) {
            return AdminResponses.created(bindings.create(actor, candidate));
        }
        return AdminResponses.binding(200, bindings.replace(actor, candidate, ifMatch));
    }

    private HttpResponse delete(AdminRequest request, AdminRoute.Resolution route, Actor actor)
            throws AdminProblem, DependencyUnavailableException {
        Long ifMatch = request.ifMatch();
        if (ifMatch == null) {
            throw AdminProblem.of(
                    ProblemType.IF_MATCH_REQUIRED, "Send If-Match with the binding's ETag (from GET) to delete it.");
        }
        checkKey(route);
        bindings.delete(actor, route.parameter("organization"), route.parameter("name"), ifMatch);
        return AdminResponses.deleted();
    }

    private BindingAdmin.ApplyResult apply(AdminRequest request, Actor actor)
            throws AdminProblem, DependencyUnavailableException {
        boolean dryRun = request.flag("dry_run");
        boolean prune = request.flag("prune");
        String text = request.documentBody(MAX_DOCUMENT_BODY);
        List<Binding> document;
        try {
            document = BindingsDocument.parse(text, bindings::validate);
        } catch (BindingsDocument.InvalidDocumentException e) {
            throw AdminProblem.invalid(e.errors());
        }
        return bindings.apply(actor, document, dryRun, prune);
    }

    /** Explains; the request's record names the organization and pipeline explained. */
    private HttpResponse explain(AdminRequest request, AuditRecord record)
            throws AdminProblem, DependencyUnavailableException {
        JsonNode body = request.jsonBody(MAX_EXPLAIN_BODY);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            if (!EXPLAIN_FIELDS.contains(it.next())) {
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
        Explainer.Explanation explained;
        if (hasToken) {
            if (!body.get("token").isTextual()) {
                throw AdminProblem.malformed("'token' must be a string");
            }
            explained = explainer.explainToken(body.get("token").asText().strip(), requested);
        } else {
            explained = explainer.explainClaims(body.get("claims"), requested);
        }
        record.bindingOrganization(explained.organization());
        record.target(Text.printableAscii(
                "pipeline=" + explained.pipeline() + (hasToken ? " by=token" : " by=claims")
                        + (requested == null ? "" : " binding=" + requested),
                300));
        return AdminResponses.explanation(explained);
    }

    private static void checkKey(AdminRoute.Resolution route) throws AdminProblem {
        if (!Identifiers.ORGANIZATION_SLUG.matches(route.parameter("organization"))
                || !Identifiers.BINDING_NAME.matches(route.parameter("name"))) {
            throw AdminProblem.malformed("the path must name a binding as /v1/admin/bindings/ORGANIZATION/NAME");
        }
    }

    /**
     * The request's own record, before its outcome: who, what it attempts, and what it names (the
     * binding of its path, or its path parameters and query, such as a read's filters).
     */
    private AuditRecord newRecord(AdminRequest request, AdminAccess.Decision who, AdminRoute.Resolution route) {
        AuditRecord r = new AuditRecord(request.requestId(), clock.instant(), AuditRecord.KIND_ADMIN);
        r.principal(who.principal());
        r.action(action(route.route(), request));
        String organization = route.parameter("organization");
        String name = route.parameter("name");
        if (name != null
                && Identifiers.BINDING_NAME.matches(name)
                && Identifiers.ORGANIZATION_SLUG.matches(organization)) {
            r.binding(name);
            r.bindingOrganization(organization);
        } else if (request.param("organization") != null
                && Identifiers.ORGANIZATION_SLUG.matches(request.param("organization"))) {
            r.bindingOrganization(request.param("organization"));
        }
        List<String> named = new ArrayList<>();
        route.parameters().forEach((k, v) -> named.add(k + "=" + v));
        AdminRequest.QUERY_PARAMETERS.stream().sorted().forEach(k -> {
            if (request.param(k) != null) {
                named.add(k + "=" + request.param(k));
            }
        });
        if (!named.isEmpty()) {
            r.target(Text.printableAscii(String.join(" ", named), 300));
        }
        r.sourceIp(request.http().sourceIp());
        r.userAgent(request.http().userAgent());
        return r;
    }

    private void logError(AdminRequest request, RuntimeException e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", request.requestId());
        fields.put("error", e.getClass().getName());
        LogLine.print(log, "ERROR", "admin request failed", fields);
    }
}
