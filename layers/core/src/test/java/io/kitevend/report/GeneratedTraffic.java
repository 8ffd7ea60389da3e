package io.kitevend.report;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.admin.Caller;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.AuditStore;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.BindingsDocument;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.binding.SecretGrant;
import io.kitevend.credentials.RoleRefusedException;
import io.kitevend.credentials.SimulatedCredentialIssuer;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.HttpResponse;
import io.kitevend.http.ProblemType;
import io.kitevend.job.JobPorts;
import io.kitevend.job.JobSettings;
import io.kitevend.json.Json;
import io.kitevend.replay.InMemoryReplayGuard;
import io.kitevend.secrets.SecretsResult;
import io.kitevend.secrets.SecretsService;
import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.SecretsFixture;
import io.kitevend.testing.SecretsFixture.MapSecretSource;
import io.kitevend.token.TokenRejection;
import io.kitevend.vend.VendResult;
import io.kitevend.vend.VendService;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Traffic of every kind through the real services on one shared audit store: vends and secrets
 * requests that are allowed, refused (no binding, the wrong binding, expired or foreign tokens,
 * replays, a missing secret, a role that does not trust kitevend) or fail (a replay table, STS
 * or a secret that cannot be read: 503; a crash: 500), and admin changes and refused admin
 * attempts by several principals. Each request is planned first: what it should produce is
 * written down before it is sent, and checked against the answer, so tests can count what the
 * report should say from the plan alone.
 */
final class GeneratedTraffic {
    static final String ACCOUNT_ROLE = "arn:aws:iam::" + AdminFixture.ACCOUNT + ":role/kitevend/";
    static final String PRESENT_SECRET = "kitevend/acme/npm-token";
    static final String MISSING_SECRET = "kitevend/acme/retired-signing-key";
    static final String LOCKED_SECRET = "kitevend/acme/warehouse";
    static final String CORPORATE_SUBJECT = "dana@example.com";
    /** A pipeline, binding and role with long names, for the page's labels. */
    static final String LONG_PIPELINE = "payments-reconciliation-nightly-export";

    static final String LONG_ROLE = ACCOUNT_ROLE + "payments-reconciliation-nightly-export-writer";

    /** One request as planned: what the audit record of it must say. */
    record Planned(
            String requestId,
            Instant time,
            String kind,
            String decision,
            String reason,
            int status,
            String organization,
            String pipeline,
            String binding,
            String roleArn,
            String principal,
            String action) {}

    /** One job (a pipeline and what it may get), with the outcome its requests have. */
    private record Job(
            String organization,
            String pipeline,
            String branch,
            String binding,
            String role,
            String vendDecision,
            String vendReason,
            int vendStatus,
            String secretsDecision,
            String secretsReason,
            int secretsStatus) {
        /** The same pipeline, for requests refused before (or without) a binding. */
        Job withoutBinding() {
            return new Job(organization, pipeline, branch, null, null, null, null, 0, null, null, 0);
        }
    }

    private static final String ALLOW = "allow";
    private static final String DENY = "deny";
    private static final String ERROR = "error";
    private static final String ISSUED = "issued";

    private static final List<Job> JOBS = List.of(
            new Job(
                    "acme",
                    "deploy",
                    "main",
                    "deploy-main",
                    ACCOUNT_ROLE + "deployer",
                    ALLOW,
                    ISSUED,
                    200,
                    ALLOW,
                    ISSUED,
                    200),
            new Job("acme", "web", "main", "web", ACCOUNT_ROLE + "web", ALLOW, ISSUED, 200, ALLOW, ISSUED, 200),
            new Job("globex", "site", "main", "site", ACCOUNT_ROLE + "site", ALLOW, ISSUED, 200, ALLOW, ISSUED, 200),
            new Job(
                    "acme",
                    LONG_PIPELINE,
                    "main",
                    "payments-nightly-export",
                    LONG_ROLE,
                    ALLOW,
                    ISSUED,
                    200,
                    ALLOW,
                    ISSUED,
                    200),
            // Its binding grants a secret that does not exist.
            new Job(
                    "acme",
                    "docs",
                    "main",
                    "docs",
                    ACCOUNT_ROLE + "docs",
                    ALLOW,
                    ISSUED,
                    200,
                    DENY,
                    ProblemType.SECRET_NOT_FOUND.code(),
                    404),
            // Its binding grants a secret kitevend may not read; its role's STS calls fail.
            new Job(
                    "acme",
                    "data",
                    "main",
                    "data",
                    ACCOUNT_ROLE + "sts-down",
                    ERROR,
                    "sts_unavailable",
                    503,
                    ERROR,
                    "secret_unreadable",
                    503),
            new Job(
                    "acme",
                    "mobile",
                    "main",
                    "mobile",
                    ACCOUNT_ROLE + "untrusting",
                    DENY,
                    RoleRefusedException.TRUST_DENIED,
                    403,
                    ALLOW,
                    ISSUED,
                    200),
            new Job(
                    "acme",
                    "release",
                    "main",
                    "release",
                    ACCOUNT_ROLE + "crashing",
                    ERROR,
                    "internal_error",
                    500,
                    ALLOW,
                    ISSUED,
                    200),
            new Job(
                    "acme",
                    "deploy",
                    "feature/login",
                    null,
                    null,
                    DENY,
                    "no_matching_binding",
                    403,
                    DENY,
                    "no_matching_binding",
                    403));

    final List<Planned> planned = new ArrayList<>();
    final List<Map<String, Object>> records = Collections.synchronizedList(new ArrayList<>());
    final List<Binding> bindingsAtEnd = new ArrayList<>();
    final ReportWindow window;

    private final InMemoryBindingStore bindingStore = new InMemoryBindingStore();
    private final AdminFixture admin;
    private final VendService vend;
    private final SecretsService secrets;
    private final Set<String> unavailableTokenIds = ConcurrentHashMap.newKeySet();
    private final SplittableRandom random;
    private int ids;

    private GeneratedTraffic(ReportWindow window, long seed) {
        this.window = window;
        this.random = new SplittableRandom(seed);
        AuditStore audit = record -> records.add(record.fields());
        admin = new AdminFixture(
                bindingStore, audit, new InMemoryAuditStore(), Map.of("KITEVEND_SECRET_PREFIX", SecretsFixture.PREFIX));
        admin.clock.set(window.from());
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        InMemoryReplayGuard guard =
                new InMemoryReplayGuard(admin.clock, Duration.ZERO, InMemoryReplayGuard.DEFAULT_CAPACITY);
        JobPorts ports = JobPorts.of(
                new JobSettings(
                        admin.config.token(),
                        new BindingRules("/kitevend/", Set.of(), SecretsFixture.PREFIX),
                        Duration.ZERO,
                        true),
                (tokenId, expiresAt, requestId) -> {
                    if (unavailableTokenIds.contains(tokenId)) {
                        throw new DependencyUnavailableException(
                                "dynamodb", "ProvisionedThroughputExceededException", Duration.ofSeconds(1), null);
                    }
                    return guard.firstUse(tokenId, expiresAt, requestId);
                },
                bindingStore,
                audit,
                admin.clock,
                quiet);
        SimulatedCredentialIssuer simulated = new SimulatedCredentialIssuer(admin.clock);
        vend = new VendService(
                ports,
                session -> {
                    if (session.roleArn().endsWith("/sts-down")) {
                        throw new DependencyUnavailableException(
                                "sts", "ThrottlingException", Duration.ofSeconds(1), null);
                    }
                    if (session.roleArn().endsWith("/untrusting")) {
                        throw new RoleRefusedException(RoleRefusedException.TRUST_DENIED, "AccessDenied");
                    }
                    if (session.roleArn().endsWith("/crashing")) {
                        throw new IllegalStateException("a bug in the issuer");
                    }
                    return simulated.issue(session);
                },
                admin.clock);
        MapSecretSource source = new MapSecretSource();
        source.put(PRESENT_SECRET, "npm_FAKE0000");
        source.put(LOCKED_SECRET, "{\"password\":\"FAKE\"}");
        source.unreadable(LOCKED_SECRET);
        secrets = new SecretsService(ports, source, admin.clock);
        run();
    }

    /** Generates about {@code jobRequests} job requests over {@code window}, with admin activity around them. */
    static GeneratedTraffic over(ReportWindow window, long seed, int jobRequests) {
        GeneratedTraffic t = new GeneratedTraffic(window, seed);
        t.jobs(jobRequests);
        for (String org : List.of("acme", "globex")) {
            t.bindingsAtEnd.addAll(t.bindingStore.list(org, null, 1000).bindings());
        }
        return t;
    }

    private void run() {
        // Early in the window: the writer creates the bindings one by one, a stranger and a reader try.
        at(Duration.ofMinutes(5));
        for (Job job : JOBS) {
            if (job.binding() != null && !job.binding().equals("web")) {
                putBinding(AdminFixture.WRITER, job, null);
            }
        }
        adminRefused(AdminFixture.STRANGER, "PUT", "acme", "deploy-main");
        adminRefused(AdminFixture.READER, "DELETE", "acme", "docs");
        // The corporate identity provider's writer adds the web binding.
        putBinding(
                null,
                JOBS.stream().filter(j -> "web".equals(j.binding())).findFirst().orElseThrow(),
                null);
    }

    private void jobs(int n) {
        long span = window.length().minus(Duration.ofMinutes(30)).toMillis();
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            offsets.add(Duration.ofMinutes(20).toMillis() + random.nextLong(span));
        }
        Collections.sort(offsets);
        int replaceAt = n / 2;
        for (int i = 0; i < n; i++) {
            admin.clock.set(window.from().plusMillis(offsets.get(i)));
            if (i == replaceAt) {
                // Midway the writer replaces one binding; the reader is refused again.
                Job docs = JOBS.stream()
                        .filter(j -> "docs".equals(j.binding()))
                        .findFirst()
                        .orElseThrow();
                putBinding(AdminFixture.WRITER, docs, 1L);
                adminRefused(AdminFixture.READER, "PUT", "acme", "docs");
            }
            String kind = random.nextInt(3) == 0 ? AuditRecord.KIND_SECRETS : AuditRecord.KIND_VEND;
            int roll = random.nextInt(100);
            if (roll < 60) {
                Job job = JOBS.get(random.nextInt(JOBS.size()));
                String token = sign(job.organization(), job.pipeline(), job.branch());
                boolean vendKind = kind.equals(AuditRecord.KIND_VEND);
                send(
                        kind,
                        token,
                        null,
                        vendKind ? job.vendDecision() : job.secretsDecision(),
                        vendKind ? job.vendReason() : job.secretsReason(),
                        vendKind ? job.vendStatus() : job.secretsStatus(),
                        job);
                if (roll < 8) {
                    // The same token again, on either route, a second later: a replay.
                    admin.clock.advance(Duration.ofSeconds(1));
                    String again = random.nextBoolean() ? AuditRecord.KIND_VEND : AuditRecord.KIND_SECRETS;
                    send(again, token, null, DENY, TokenRejection.REPLAYED.code(), 401, job.withoutBinding());
                }
            } else if (roll < 68) {
                Job deploy = JOBS.getFirst();
                send(
                        kind,
                        sign("acme", "deploy", "main"),
                        "{\"binding\":\"web\"}",
                        DENY,
                        "requested_binding_not_matched",
                        403,
                        deploy.withoutBinding());
            } else if (roll < 76) {
                Map<String, Object> claims = admin.minter.claims("acme", "deploy", "main");
                long now = admin.clock.instant().getEpochSecond();
                claims.put("iat", now - 400);
                claims.put("nbf", now - 400);
                claims.put("exp", now - 100);
                send(kind, admin.minter.sign(claims), null, DENY, TokenRejection.EXPIRED.code(), 401, null);
            } else if (roll < 82) {
                Map<String, Object> claims = claimsNow("acme", "deploy", "main");
                claims.put("aud", "https://someone-else.example");
                send(kind, admin.minter.sign(claims), null, DENY, TokenRejection.AUDIENCE_MISMATCH.code(), 401, null);
            } else if (roll < 88) {
                send(
                        kind,
                        sign("initech", "deploy", "main"),
                        null,
                        DENY,
                        TokenRejection.ORGANIZATION_NOT_ALLOWED.code(),
                        401,
                        null);
            } else if (roll < 93) {
                // The replay table is throttled for this token: 503.
                Map<String, Object> claims = claimsNow("acme", "deploy", "main");
                unavailableTokenIds.add((String) claims.get("jti"));
                send(
                        kind,
                        admin.minter.sign(claims),
                        null,
                        ERROR,
                        "dynamodb_unavailable",
                        503,
                        JOBS.getFirst().withoutBinding());
            } else {
                // No Authorization header at all.
                send(kind, null, null, DENY, TokenRejection.TOKEN_MISSING.code(), 401, null);
            }
        }
        // Late: the writer deletes a binding, and the stranger tries again.
        admin.clock.set(window.to().minus(Duration.ofMinutes(4)));
        deleteBinding("release", 1);
        adminRefused(AdminFixture.STRANGER, "DELETE", "acme", "web");
    }

    private Map<String, Object> claimsNow(String org, String pipeline, String branch) {
        Map<String, Object> claims = admin.minter.claims(org, pipeline, branch);
        long now = admin.clock.instant().getEpochSecond();
        claims.put("iat", now);
        claims.put("nbf", now);
        claims.put("exp", now + 300);
        return claims;
    }

    private String sign(String org, String pipeline, String branch) {
        return admin.minter.sign(claimsNow(org, pipeline, branch));
    }

    private void send(String kind, String token, String body, String decision, String reason, int status, Job job) {
        String id = String.format("gen-%04d", ++ids);
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        HttpRequest request = new HttpRequest(
                id,
                admin.clock.instant(),
                "POST",
                kind.equals(AuditRecord.KIND_VEND) ? "/v1/credentials" : "/v1/secrets",
                headers,
                body,
                "192.0.2.10",
                "kitevend-agent/1.0");
        int answered;
        if (kind.equals(AuditRecord.KIND_VEND)) {
            answered = switch (vend.vend(request)) {
                case VendResult.Issued issued -> 200;
                case VendResult.Refused refused -> refused.problem().type().status();
            };
        } else {
            answered = switch (secrets.secrets(request)) {
                case SecretsResult.Granted granted -> 200;
                case SecretsResult.Refused refused -> refused.problem().type().status();
            };
        }
        if (answered != status) {
            throw new IllegalStateException("request " + id + " (" + kind + ", planned " + reason + ") answered "
                    + answered + ", not " + status);
        }
        boolean bindingKnown = job != null && job.binding() != null;
        planned.add(new Planned(
                id,
                admin.clock.instant(),
                kind,
                decision,
                reason,
                status,
                job == null ? null : job.organization(),
                job == null ? null : job.pipeline(),
                bindingKnown ? job.binding() : null,
                bindingKnown && kind.equals(AuditRecord.KIND_VEND) ? job.role() : null,
                null,
                null));
    }

    private Binding binding(Job job) {
        Binding.Builder b = Binding.builder()
                .name(job.binding())
                .organization(job.organization())
                .pipeline(job.pipeline())
                .condition("build_branch", "main")
                .roleArn(job.role());
        switch (job.pipeline()) {
            case "deploy" -> b.secret("NPM_TOKEN", SecretGrant.whole(PRESENT_SECRET));
            case "docs" -> b.secret("SIGNING_KEY", SecretGrant.whole(MISSING_SECRET));
            case "data" -> b.secret("WAREHOUSE_PASSWORD", new SecretGrant(LOCKED_SECRET, "password"));
            default -> {}
        }
        return b.build();
    }

    /** {@code writer} null: the corporate identity provider's writer. */
    private void putBinding(String writer, Job job, Long ifMatch) {
        Binding b = binding(job);
        if (ifMatch != null) {
            b = b.toBuilder().description("replaced midway").build();
        }
        Caller caller = writer == null
                ? AdminFixture.corporate(CORPORATE_SUBJECT, AdminFixture.WRITER_GROUP)
                : AdminFixture.iam(writer);
        String id = String.format("adm-%04d", ++ids);
        var request = AdminFixture.request("PUT", "/v1/admin/bindings/" + b.organization() + "/" + b.name())
                .as(caller)
                .requestId(id)
                .json(Json.write(BindingsDocument.toJson(b)));
        if (ifMatch != null) {
            request.ifMatch(ifMatch);
        }
        HttpResponse response = admin.send(request);
        int expected = ifMatch == null ? 201 : 200;
        if (response.status() != expected) {
            throw new IllegalStateException(
                    "PUT " + b.name() + " answered " + response.status() + ": " + response.body());
        }
        planned.add(new Planned(
                id,
                admin.clock.instant(),
                AuditRecord.KIND_ADMIN,
                ALLOW,
                ifMatch == null ? "binding_created" : "binding_replaced",
                expected,
                null,
                null,
                b.name(),
                null,
                writer == null ? "jwt:" + AdminFixture.CORPORATE_ISSUER + "#" + CORPORATE_SUBJECT : writer,
                ifMatch == null ? "create" : "replace"));
    }

    private void deleteBinding(String name, long ifMatch) {
        String id = String.format("adm-%04d", ++ids);
        HttpResponse response = admin.send(AdminFixture.request("DELETE", "/v1/admin/bindings/acme/" + name)
                .requestId(id)
                .ifMatch(ifMatch));
        if (response.status() != 200 && response.status() != 204) {
            throw new IllegalStateException(
                    "DELETE " + name + " answered " + response.status() + ": " + response.body());
        }
        planned.add(new Planned(
                id,
                admin.clock.instant(),
                AuditRecord.KIND_ADMIN,
                ALLOW,
                "binding_deleted",
                response.status(),
                null,
                null,
                name,
                null,
                AdminFixture.WRITER,
                "delete"));
    }

    private void adminRefused(String principal, String method, String organization, String name) {
        String id = String.format("adm-%04d", ++ids);
        var request = AdminFixture.request(method, "/v1/admin/bindings/" + organization + "/" + name)
                .as(AdminFixture.iam(principal))
                .requestId(id);
        if (method.equals("PUT")) {
            request.json("{}");
        }
        HttpResponse response = admin.send(request);
        if (response.status() != 403) {
            throw new IllegalStateException(method + " by " + principal + " answered " + response.status());
        }
        planned.add(new Planned(
                id,
                admin.clock.instant(),
                AuditRecord.KIND_ADMIN,
                DENY,
                "forbidden",
                403,
                null,
                null,
                name,
                null,
                principal,
                method.equals("PUT") ? "create" : "delete"));
    }

    private void at(Duration sinceStart) {
        admin.clock.set(window.from().plus(sinceStart));
    }
}
