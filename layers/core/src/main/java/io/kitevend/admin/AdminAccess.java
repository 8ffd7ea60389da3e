package io.kitevend.admin;

import io.kitevend.credentials.SessionRequests;
import io.kitevend.text.Text;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use the admin API: principal ARN patterns for readers and writers (writers may also
 * read) and, optionally, a corporate identity provider's JWTs with a groups claim (a JSON array,
 * each string one group) mapped to the same two roles. Nothing else: no authorizer context, an unknown principal, or a Buildkite job token
 * is refused.
 *
 * @param readers patterns of the principal ARNs that may read
 * @param writers patterns of the principal ARNs that may read and change
 * @param jwtIssuer the only issuer whose JWTs are admin credentials; empty: JWT callers are refused
 * @param groupsClaim the claim that lists a JWT caller's groups
 * @param readerGroups groups that may read
 * @param writerGroups groups that may read and change
 * @param buildkiteIssuer the Buildkite issuer, whose tokens are never admin credentials
 */
public record AdminAccess(
        List<PrincipalPattern> readers,
        List<PrincipalPattern> writers,
        Optional<String> jwtIssuer,
        String groupsClaim,
        Set<String> readerGroups,
        Set<String> writerGroups,
        String buildkiteIssuer) {

    /** Buildkite's issuer, refused whatever the configuration says. */
    public static final String BUILDKITE_ISSUER = "https://agent.buildkite.com";

    private static final int MAX_PRINCIPAL = PrincipalPattern.MAX_LENGTH;
    private static final String VENDED = SessionRequests.SESSION_NAME_PREFIX;

    public enum Role {
        NONE,
        READER,
        WRITER;

        public boolean mayRead() {
            return this != NONE;
        }

        public boolean mayWrite() {
            return this == WRITER;
        }
    }

    /**
     * The outcome for one caller. {@code principal} is what the audit records (an IAM ARN or
     * {@code jwt:ISSUER#SUBJECT}; null when unknown); {@code detail} says why access was refused.
     */
    public record Decision(Role role, String principal, String detail) {}

    public AdminAccess {
        readers = List.copyOf(readers);
        writers = List.copyOf(writers);
        readerGroups = Set.copyOf(readerGroups);
        writerGroups = Set.copyOf(writerGroups);
    }

    public Decision decide(Caller caller) {
        return switch (caller) {
            case Caller.None none -> new Decision(Role.NONE, null, none.why());
            case Caller.Iam iam -> iam(iam.userArn());
            case Caller.Jwt jwt -> jwt(jwt.claims());
        };
    }

    private Decision iam(String arn) {
        if (arn == null || arn.isBlank() || arn.length() > MAX_PRINCIPAL || Text.hasControls(arn)) {
            return new Decision(Role.NONE, null, "the IAM authorizer context has no usable principal ARN");
        }
        if (isVendedSession(arn)) {
            return new Decision(
                    Role.NONE, arn, "a session kitevend vended to a job (" + VENDED + "...) is never an admin");
        }
        if (matchesAny(writers, arn)) {
            return new Decision(Role.WRITER, arn, null);
        }
        if (matchesAny(readers, arn)) {
            return new Decision(Role.READER, arn, null);
        }
        return new Decision(Role.NONE, arn, "the principal matches no reader or writer pattern");
    }

    private Decision jwt(Map<String, Object> claims) {
        String iss = claims.get("iss") instanceof String s ? s : null;
        String sub = claims.get("sub") instanceof String s ? s : null;
        String principal = "jwt:" + printable(iss) + "#" + printable(sub);
        if (iss == null || sub == null || iss.isBlank() || sub.isBlank()) {
            return new Decision(Role.NONE, principal, "the JWT has no issuer or subject");
        }
        if (iss.equals(buildkiteIssuer)
                || stripSlash(iss).equals(BUILDKITE_ISSUER)
                || claims.containsKey("pipeline_slug")
                || claims.containsKey("job_id")) {
            return new Decision(Role.NONE, principal, "a Buildkite job token is never an admin credential");
        }
        if (jwtIssuer.isEmpty()) {
            return new Decision(
                    Role.NONE, principal, "JWT callers are not accepted (no admin JWT issuer is configured)");
        }
        if (!iss.equals(jwtIssuer.get())) {
            return new Decision(Role.NONE, principal, "the JWT's issuer is not the configured admin issuer");
        }
        Set<String> groups = groups(claims.get(groupsClaim));
        if (groups == null) {
            return new Decision(Role.NONE, principal, "the JWT's " + groupsClaim + " claim is not a list of strings");
        }
        if (groups.stream().anyMatch(writerGroups::contains)) {
            return new Decision(Role.WRITER, principal, null);
        }
        if (groups.stream().anyMatch(readerGroups::contains)) {
            return new Decision(Role.READER, principal, null);
        }
        return new Decision(Role.NONE, principal, "the JWT's groups include no reader or writer group");
    }

    /**
     * The groups of a JWT caller: the groups claim of the token, a JSON array in which each string is
     * one group, matched whole (a group named {@code Self-service admins} is not {@code admins}).
     * Empty when the claim is absent; null when it is anything but a list of strings.
     */
    static Set<String> groups(Object claim) {
        if (claim == null) {
            return Set.of();
        }
        if (!(claim instanceof List<?> list)) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object group : list) {
            if (!(group instanceof String name)) {
                return null;
            }
            out.add(name);
        }
        return out;
    }

    private static boolean matchesAny(List<PrincipalPattern> patterns, String arn) {
        return patterns.stream().anyMatch(p -> p.matches(arn));
    }

    /**
     * A role session named as kitevend names the sessions it vends to jobs. The IAM authorizer
     * context carries no source identity, so a session chained from a vended one under another
     * name is not recognised here; see docs/admin.md and docs/security-model.md (admin roles that vended sessions cannot assume).
     */
    static boolean isVendedSession(String arn) {
        PrincipalPattern.Split split = PrincipalPattern.Split.of(arn);
        List<String> segments = split.segments();
        return segments.size() == 8
                && segments.get(2).equals("sts")
                && segments.get(5).equals("assumed-role")
                && segments.get(7).startsWith(VENDED);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** A claim of the principal, for the audit record: its first 512 characters. */
    private static String printable(String s) {
        return s == null ? "?" : Text.withoutControls(s.length() > 512 ? s.substring(0, 512) : s);
    }
}
