package io.kitevend.audit;

import io.kitevend.text.Text;
import io.kitevend.token.BuildkiteClaims;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The one record of one request, filled in as the request moves along and written once at the
 * end, whatever happened. It holds a hash of the token, never the token, and the issued access
 * key id (which joins it to CloudTrail), never the secret key or session token.
 */
public final class AuditRecord {
    public static final String KIND_VEND = "vend";
    /** A request to the admin API: a change of a binding, a read, or a refused or failed attempt. */
    public static final String KIND_ADMIN = "admin";
    /** Admin records: the reason of an allowed read (a dry-run apply too). */
    public static final String ADMIN_READ = "admin_read";
    /** Admin records: the reason of an allowed apply that found nothing to change. */
    public static final String ADMIN_UNCHANGED = "bindings_unchanged";

    public static final String KIND_SECRETS = "secrets";
    /** Fixed-width UTC time with milliseconds, so that text order is time order. */
    public static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String requestId;
    private final Instant time;
    private final String kind;
    private Decision decision = Decision.ERROR;
    private String reason = "unfinished";
    private String detail;
    private int status;
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private String tokenSha256;
    private String binding;
    private String roleArn;
    private String sessionName;
    private String sourceIdentity;
    private Integer durationSeconds;
    private String accessKeyId;
    private Instant expiration;
    private String sourceIp;
    private String userAgent;
    private long latencyMillis;
    private String principal;
    private String action;
    private String target;
    private String bindingOrganization;
    private String secrets;
    private String before;
    private String after;

    public AuditRecord(String requestId, Instant time, String kind) {
        this.requestId = requestId;
        this.time = time;
        this.kind = kind;
    }

    /**
     * The job's claims: those that say who it is, and every claim a binding can test or pin (the
     * optional claims it asked for, {@code agent_tag:NAME} included), so that why a binding
     * matched can be read from the record alone.
     */
    public void claims(BuildkiteClaims c) {
        claims.put("organization_slug", c.organizationSlug());
        claims.put("pipeline_slug", c.pipelineSlug());
        claims.put("build_number", c.buildNumber());
        claims.put("build_branch", c.buildBranch());
        claims.put("build_tag", c.buildTag());
        claims.put("build_commit", c.buildCommit());
        claims.put("step_key", c.stepKey());
        claims.put("job_id", c.jobId());
        claims.put("agent_id", c.agentId());
        claims.put("build_source", c.buildSource());
        claims.put("runner_environment", c.runnerEnvironment());
        claims.put("jti", c.jti());
        claims.put("sub", c.subject());
        new TreeMap<>(c.optional()).forEach(claims::putIfAbsent);
    }

    public void outcome(Decision decision, String reason, String detail, int status) {
        this.decision = decision;
        this.reason = reason;
        this.detail = detail;
        this.status = status;
    }

    public void tokenSha256(String v) {
        tokenSha256 = v;
    }

    public void binding(String v) {
        binding = v;
    }

    public void roleArn(String v) {
        roleArn = v;
    }

    public void sessionName(String v) {
        sessionName = v;
    }

    public void sourceIdentity(String v) {
        sourceIdentity = v;
    }

    public void durationSeconds(Integer v) {
        durationSeconds = v;
    }

    public void accessKeyId(String v) {
        accessKeyId = v;
    }

    public void expiration(Instant v) {
        expiration = v;
    }

    public void sourceIp(String v) {
        sourceIp = v;
    }

    public void userAgent(String v) {
        userAgent = v == null || v.length() <= 512 ? v : v.substring(0, 512);
    }

    public void latencyMillis(long v) {
        latencyMillis = v;
    }
    /** Admin records: who made the request (an IAM principal ARN or {@code jwt:ISSUER#SUBJECT}). */
    public void principal(String v) {
        principal = v;
    }
    /** Admin records: what was done or attempted ({@code create}, {@code replace}, {@code delete}, ...). */
    public void action(String v) {
        action = v;
    }
    /** Admin records: what the request named besides a binding, such as a read's filters ({@code organization=acme pipeline=deploy}). */
    public void target(String v) {
        target = v;
    }
    /** Admin records: the organization of the binding changed or read, or of the bindings or records read. */
    public void bindingOrganization(String v) {
        bindingOrganization = v;
    }
    /** Secrets records: what was handed out, as {@code ENV=secret id@version id}, comma-separated; never a value. */
    public void secrets(List<String> handedOut) {
        secrets = String.join(",", handedOut);
    }
    /** Admin records: the binding before the change, as JSON (null when it was created). */
    public void before(String json) {
        before = json;
    }
    /** Admin records: the binding after the change, as JSON (null when it was deleted). */
    public void after(String json) {
        after = json;
    }

    public String requestId() {
        return requestId;
    }

    public Instant time() {
        return time;
    }

    public String kind() {
        return kind;
    }

    public Decision decision() {
        return decision;
    }

    public String reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }

    public int status() {
        return status;
    }

    public String organization() {
        return (String) claims.get("organization_slug");
    }

    public String pipeline() {
        return (String) claims.get("pipeline_slug");
    }

    public String binding() {
        return binding;
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String principal() {
        return principal;
    }

    public String action() {
        return action;
    }

    /**
     * The record as flat, ordered fields; the shape of the log line and of the stored item. Text is
     * made well-formed (an unpaired surrogate becomes U+FFFD), so that whatever a caller sent, the
     * record can be written as UTF-8: a request must never lose its record to its own bad input.
     */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", requestId);
        m.put("time", TIME.format(time));
        m.put("kind", kind);
        m.put("decision", decision.code());
        m.put("reason", reason);
        m.put("detail", detail);
        m.put("status", status);
        m.put("principal", principal);
        m.put("action", action);
        m.put("target", target);
        claims.forEach((k, v) -> {
            if (v != null) {
                m.put(k, v);
            }
        });
        m.put("token_sha256", tokenSha256);
        m.put("binding", binding);
        m.put("binding_organization", bindingOrganization);
        m.put("role_arn", roleArn);
        m.put("session_name", sessionName);
        m.put("source_identity", sourceIdentity);
        m.put("duration_seconds", durationSeconds);
        m.put("access_key_id", accessKeyId);
        m.put("expiration", expiration == null ? null : expiration.toString());
        m.put("source_ip", sourceIp);
        m.put("user_agent", userAgent);
        m.put("secrets", secrets);
        m.put("before", before);
        m.put("after", after);
        m.put("latency_ms", latencyMillis);
        m.values().removeIf(Objects::isNull);
        m.replaceAll((name, value) -> value instanceof String text ? Text.wellFormed(text) : value);
        return m;
    }
}
