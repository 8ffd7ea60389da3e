package io.kitevend.admin;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.AuditTrail;
import io.kitevend.audit.Decision;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.BindingConflictException;
import io.kitevend.binding.BindingPage;
import io.kitevend.binding.BindingStore;
import io.kitevend.binding.BindingsDocument;
import io.kitevend.binding.FieldError;
import io.kitevend.binding.Glob;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import io.kitevend.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Managing bindings: read one or a page, create, replace and delete with versions, and apply a
 * whole document. Every binding is validated before anything is stored; every write is
 * conditional on what the writer saw, so no update is lost; every change is an audit record.
 */
public final class BindingAdmin {
    public static final String CREATE = "create";
    public static final String REPLACE = "replace";
    public static final String DELETE = "delete";

    private final BindingStore store;
    private final BindingCompiler compiler;
    private final Set<String> organizations;
    private final AuditTrail audit;
    private final Clock clock;

    /** The field error code of a binding for an organization whose tokens are refused. */
    public static final String ORGANIZATION_NOT_ALLOWED = "organization_not_allowed";

    public BindingAdmin(
            BindingStore store, BindingCompiler compiler, Set<String> organizations, AuditTrail audit, Clock clock) {
        this.store = store;
        this.compiler = compiler;
        this.organizations = Set.copyOf(organizations);
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The largest binding stored, as JSON: a DynamoDB item holds at most 400 KB, and a change's
     * audit record holds the binding twice (before and after). The same as a PUT body may be.
     */
    public static final int MAX_BINDING_JSON = 64 * 1024;

    /** Every problem with a binding: the compiler's rules, its size and the deployment's organizations. */
    public List<FieldError> validate(Binding b) {
        return validate(compiler, organizations, b);
    }

    /**
     * The same for any deployment's rules and organizations (the local runner checks the bindings
     * it starts with so): a binding of an organization whose tokens are refused can never be used.
     */
    public static List<FieldError> validate(BindingCompiler compiler, Set<String> organizations, Binding b) {
        List<FieldError> errors = new ArrayList<>(compiler.validate(b));
        int size = Json.write(BindingsDocument.toJson(b)).getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_BINDING_JSON) {
            errors.add(new FieldError(
                    "",
                    "binding_too_large",
                    "is " + size + " bytes as JSON; a binding may be at most " + MAX_BINDING_JSON + " bytes"));
        }
        if (b.organization() != null && !organizations.contains(b.organization())) {
            errors.add(new FieldError(
                    "organization",
                    ORGANIZATION_NOT_ALLOWED,
                    "is not one of the organizations this deployment accepts tokens from"));
        }
        return errors;
    }

    public Binding get(String organization, String name) throws AdminProblem, DependencyUnavailableException {
        return store.get(organization, name).orElseThrow(() -> notFound(organization, name));
    }

    /** A page of bindings and the name to continue after (null on the last page). */
    public record Listing(List<Binding> bindings, String nextAfter) {}

    /**
     * A page of the organization's bindings in name order; with {@code pipeline}, only those that
     * apply to it (its exact bindings and the organization's globs that match it).
     */
    public Listing list(String organization, String pipeline, String afterName, int limit)
            throws DependencyUnavailableException {
        if (pipeline == null) {
            BindingPage page = store.list(organization, afterName, limit);
            return new Listing(page.bindings(), page.nextAfter());
        }
        List<Binding> applying = new ArrayList<>(store.exactPipeline(organization, pipeline));
        for (Binding glob : store.globPipelines(organization)) {
            if (Glob.problem(glob.pipeline()) == null
                    && Glob.compile(glob.pipeline()).matches(pipeline)) {
                applying.add(glob);
            }
        }
        List<Binding> sorted = applying.stream()
                .filter(b -> afterName == null || b.name().compareTo(afterName) > 0)
                .sorted(Comparator.comparing(Binding::name))
                .toList();
        if (sorted.size() <= limit) {
            return new Listing(sorted, null);
        }
        List<Binding> page = sorted.subList(0, limit);
        return new Listing(page, page.get(limit - 1).name());
    }

    /** Creates a binding at version 1; 409 {@code binding_exists} if the name is taken. */
    public Binding create(Actor actor, Binding candidate) throws AdminProblem, DependencyUnavailableException {
        requireValid(candidate);
        Binding created = stamped(candidate, null, clock.instant(), actor.principal());
        try {
            store.create(created);
        } catch (BindingConflictException e) {
            throw conflict(e);
        }
        record(actor, actor.requestId(), CREATE, 201, null, created);
        return created;
    }

    /** Replaces the binding if its version is {@code ifMatch}; the result has version {@code ifMatch + 1}. */
    public Binding replace(Actor actor, Binding candidate, long ifMatch)
            throws AdminProblem, DependencyUnavailableException {
        requireValid(candidate);
        Binding current = get(candidate.organization(), candidate.name());
        if (current.version() != ifMatch) {
            throw stale(candidate.organization(), candidate.name());
        }
        Binding next = stamped(candidate, current, clock.instant(), actor.principal());
        Binding before;
        try {
            // Without the store's word on what it replaced, it was the version read just now.
            before = store.replace(next, ifMatch).orElse(current);
        } catch (BindingConflictException e) {
            throw conflict(e);
        }
        record(actor, actor.requestId(), REPLACE, 200, before, next);
        return next;
    }

    /** Deletes the binding if its version is {@code ifMatch}; returns what was deleted. */
    public Binding delete(Actor actor, String organization, String name, long ifMatch)
            throws AdminProblem, DependencyUnavailableException {
        Binding current = get(organization, name);
        if (current.version() != ifMatch) {
            throw stale(organization, name);
        }
        Binding deleted;
        try {
            deleted = store.delete(organization, name, ifMatch).orElse(current);
        } catch (BindingConflictException e) {
            throw conflict(e);
        }
        record(actor, actor.requestId(), DELETE, 204, deleted, null);
        return deleted;
    }

    /** What one change of an apply does: its name in apply's answer and the action its audit record names. */
    public enum ChangeAction {
        CREATE("create", BindingAdmin.CREATE),
        UPDATE("update", BindingAdmin.REPLACE),
        DELETE("delete", BindingAdmin.DELETE);

        private final String code;
        private final String auditAction;

        ChangeAction(String code, String auditAction) {
            this.code = code;
            this.auditAction = auditAction;
        }

        /** As apply's answer names it. */
        public String code() {
            return code;
        }

        /** As the audit record names it: the same words as a single change's. */
        public String auditAction() {
            return auditAction;
        }
    }

    /** One change of an apply. */
    public record Change(ChangeAction action, String organization, String name, Binding before, Binding after) {
        public String key() {
            return organization + "/" + name;
        }
    }

    /** What an apply did (or, in a dry run, would do). Names are {@code organization/name}. */
    public record ApplyResult(
            boolean dryRun,
            boolean prune,
            List<String> created,
            List<String> updated,
            List<String> unchanged,
            List<String> deleted,
            List<Change> changes) {}

    /**
     * Makes the store hold the document's bindings: creates the missing ones, updates those that
     * differ (ignoring version and timestamps) and, with {@code prune}, deletes the bindings of the
     * document's organizations that the document does not name. Running it twice changes nothing
     * the second time. A dry run only reports. Writes are conditional on the versions read; if
     * another writer interferes, the apply stops with 412 (or 409) and names what it applied.
     */
    public ApplyResult apply(Actor actor, List<Binding> document, boolean dryRun, boolean prune)
            throws AdminProblem, DependencyUnavailableException {
        Instant now = clock.instant();
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        Set<String> named = new HashSet<>();
        Set<String> documentOrganizations = new LinkedHashSet<>();
        for (Binding wanted : document) {
            named.add(wanted.organization() + "/" + wanted.name());
            documentOrganizations.add(wanted.organization());
            Optional<Binding> current = store.get(wanted.organization(), wanted.name());
            if (current.isEmpty()) {
                Binding next = stamped(wanted, null, now, actor.principal());
                changes.add(new Change(ChangeAction.CREATE, wanted.organization(), wanted.name(), null, next));
                created.add(wanted.organization() + "/" + wanted.name());
            } else if (sameContent(current.get(), wanted)) {
                unchanged.add(wanted.organization() + "/" + wanted.name());
            } else {
                Binding next = stamped(wanted, current.get(), now, actor.principal());
                changes.add(new Change(ChangeAction.UPDATE, wanted.organization(), wanted.name(), current.get(), next));
                updated.add(wanted.organization() + "/" + wanted.name());
            }
        }
        if (prune) {
            for (String organization : documentOrganizations) {
                String after = null;
                do {
                    BindingPage page = store.list(organization, after, 100);
                    for (Binding stored : page.bindings()) {
                        if (!named.contains(organization + "/" + stored.name())) {
                            changes.add(new Change(ChangeAction.DELETE, organization, stored.name(), stored, null));
                            deleted.add(organization + "/" + stored.name());
                        }
                    }
                    after = page.nextAfter();
                } while (after != null);
            }
        }
        if (!dryRun) {
            execute(actor, changes);
        }
        return new ApplyResult(dryRun, prune, created, updated, unchanged, deleted, changes);
    }

    private void execute(Actor actor, List<Change> changes) throws AdminProblem, DependencyUnavailableException {
        List<String> applied = new ArrayList<>();
        int n = 0;
        for (Change change : changes) {
            try {
                switch (change.action()) {
                    case CREATE -> store.create(change.after());
                    case UPDATE -> store.replace(change.after(), change.before().version());
                    case DELETE ->
                        store.delete(
                                change.organization(),
                                change.name(),
                                change.before().version());
                }
            } catch (BindingConflictException e) {
                Problem p = conflict(e).problem();
                throw new AdminProblem(new Problem(
                        p.type(),
                        p.detail() + " The apply stopped there; run it again.",
                        Map.of("binding", change.key(), "applied", List.copyOf(applied)),
                        null));
            }
            applied.add(change.key());
            // One request may make many changes; each audit record needs its own id (and sort key).
            String recordId = actor.requestId() + "." + (++n);
            try {
                record(actor, recordId, change.action().auditAction(), 200, change.before(), change.after());
            } catch (AdminProblem e) {
                throw new AdminProblem(new Problem(
                        e.problem().type(),
                        e.problem().detail() + " The apply stopped there.",
                        Map.of("binding", change.key(), "applied", List.copyOf(applied)),
                        e.problem().retryAfterSeconds()));
            }
        }
    }

    /** Equal apart from what the store sets: version and timestamps. */
    static boolean sameContent(Binding a, Binding b) {
        return content(a).equals(content(b));
    }

    private static Binding content(Binding b) {
        return b.toBuilder()
                .version(0)
                .createdAt(null)
                .createdBy(null)
                .updatedAt(null)
                .updatedBy(null)
                .build();
    }

    /** The binding as it is stored: the next version, its creation kept, this change's time and principal. */
    private static Binding stamped(Binding candidate, Binding current, Instant now, String principal) {
        Binding.Builder b = candidate.toBuilder().updatedAt(now).updatedBy(principal);
        if (current == null) {
            return b.version(1).createdAt(now).createdBy(principal).build();
        }
        return b.version(current.version() + 1)
                .createdAt(current.createdAt())
                .createdBy(current.createdBy())
                .build();
    }

    private void requireValid(Binding b) throws AdminProblem {
        List<FieldError> errors = validate(b);
        if (!errors.isEmpty()) {
            throw AdminProblem.invalid(errors);
        }
    }

    /**
     * Writes the audit record of one change. The change is made already; if the record cannot be
     * stored it is still in the log, and the caller gets 503 saying that the change was made.
     */
    private void record(Actor actor, String recordId, String action, int status, Binding before, Binding after)
            throws AdminProblem {
        Binding subject = after != null ? after : before;
        AuditRecord r = new AuditRecord(recordId, clock.instant(), AuditRecord.KIND_ADMIN);
        r.outcome(
                Decision.ALLOW,
                "binding_" + (action.equals(DELETE) ? "deleted" : action.equals(CREATE) ? "created" : "replaced"),
                null,
                status);
        r.principal(actor.principal());
        r.action(action);
        r.binding(subject.name());
        r.bindingOrganization(subject.organization());
        r.roleArn(subject.roleArn());
        r.before(before == null ? null : Json.write(BindingsDocument.toJson(before)));
        r.after(after == null ? null : Json.write(BindingsDocument.toJson(after)));
        r.sourceIp(actor.sourceIp());
        r.userAgent(actor.userAgent());
        try {
            audit.write(
                    r,
                    unstored -> unstored.outcome(
                            Decision.ERROR,
                            "audit_write_failed",
                            "the change was made but its audit record could not be stored",
                            status));
        } catch (DependencyUnavailableException e) {
            throw new AdminProblem(Problem.unavailable(
                    "The change to " + subject.organization() + "/" + subject.name() + " was made, but its audit record"
                            + " could not be stored in the audit table (it is in the function's log).",
                    e.retryAfter(),
                    Map.of("change_applied", true)));
        }
    }

    static AdminProblem notFound(String organization, String name) {
        return AdminProblem.of(ProblemType.NOT_FOUND, "There is no binding " + organization + "/" + name + ".");
    }

    private static AdminProblem stale(String organization, String name) {
        return AdminProblem.of(
                ProblemType.VERSION_MISMATCH,
                "The binding " + organization + "/" + name
                        + " has changed since that version; read it again and retry with its current ETag.");
    }

    private static AdminProblem conflict(BindingConflictException e) {
        return switch (e.kind()) {
            case EXISTS ->
                AdminProblem.of(
                        ProblemType.BINDING_EXISTS,
                        "A binding " + e.organization() + "/" + e.name()
                                + " exists already; to replace it, send If-Match with its ETag.");
            case MISSING -> notFound(e.organization(), e.name());
            case STALE -> stale(e.organization(), e.name());
        };
    }
}
