package io.kitevend.config;

import io.kitevend.admin.AdminAccess;
import io.kitevend.admin.PrincipalPattern;
import io.kitevend.binding.BindingRules;
import io.kitevend.text.Text;
import io.kitevend.token.TokenPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every setting of the admin function, read once from environment variables and validated
 * without any network call. The settings it shares with the vend function (token policy, binding
 * rules, tables, audit shards) have the same variables, so one deployment sets them once.
 */
public record AdminConfig(
        SharedConfig shared, TokenPolicy token, BindingRules bindingRules, Duration auditRetention, AdminAccess access)
        implements FunctionConfig {

    public static final String READERS = "KITEVEND_ADMIN_READERS";
    public static final String WRITERS = "KITEVEND_ADMIN_WRITERS";
    public static final String JWT_ISSUER = "KITEVEND_ADMIN_JWT_ISSUER";
    public static final String JWT_GROUPS_CLAIM = "KITEVEND_ADMIN_JWT_GROUPS_CLAIM";
    public static final String JWT_READER_GROUPS = "KITEVEND_ADMIN_JWT_READER_GROUPS";
    public static final String JWT_WRITER_GROUPS = "KITEVEND_ADMIN_JWT_WRITER_GROUPS";

    private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");
    private static final Pattern GROUP = Pattern.compile("[\\x21-\\x7E&&[^,\\[\\]]]{1,256}");

    public static AdminConfig from(Settings s) {
        // The organizations whose bindings may be written are those whose tokens the vend path accepts.
        SharedConfig shared = SharedConfig.from(s, SharedConfig.TOKENS_ACCEPTED);
        TokenPolicy token = SharedConfig.tokenPolicy(s, shared.organizations());
        BindingRules rules = SharedConfig.bindingRules(s, shared.region());
        Duration retention = SharedConfig.auditRetention(s);

        List<PrincipalPattern> readers = principals(s, READERS);
        List<PrincipalPattern> writers = principals(s, WRITERS);
        Optional<String> jwtIssuer = s.optional(JWT_ISSUER);
        jwtIssuer.ifPresent(issuer -> {
            URI uri = s.httpsUri(JWT_ISSUER, issuer, true);
            if (uri.getScheme().equals("http") && !SharedConfig.isLoopback(uri)) {
                throw new ConfigException(
                        JWT_ISSUER, "must use https (plain http is only accepted on loopback, for local runs)");
            }
            if (issuer.equals(token.issuer())
                    || SharedConfig.stripSlash(uri.toString()).equals(AdminAccess.BUILDKITE_ISSUER)) {
                throw new ConfigException(
                        JWT_ISSUER,
                        "must not be the Buildkite issuer: a Buildkite job token is never an admin credential");
            }
        });
        String groupsClaim = s.string(JWT_GROUPS_CLAIM, "groups");
        if (!CLAIM_NAME.matcher(groupsClaim).matches()) {
            throw new ConfigException(
                    JWT_GROUPS_CLAIM, "is not a claim name: '" + Text.withoutControls(groupsClaim) + "'");
        }
        Set<String> readerGroups = groups(s, JWT_READER_GROUPS);
        Set<String> writerGroups = groups(s, JWT_WRITER_GROUPS);
        if (jwtIssuer.isEmpty() && !(readerGroups.isEmpty() && writerGroups.isEmpty())) {
            throw new ConfigException(
                    JWT_ISSUER, "is required when " + JWT_READER_GROUPS + " or " + JWT_WRITER_GROUPS + " is set");
        }
        AdminAccess access =
                new AdminAccess(readers, writers, jwtIssuer, groupsClaim, readerGroups, writerGroups, token.issuer());
        return new AdminConfig(shared, token, rules, retention, access);
    }

    /** Every pattern compiled once, here; a pattern that is not accepted stops the function at start. */
    private static List<PrincipalPattern> principals(Settings s, String variable) {
        List<String> patterns = new ArrayList<>(s.list(variable));
        // Settings.list is a set without order; keep a stable order for messages and tests.
        patterns.sort(null);
        List<PrincipalPattern> out = new ArrayList<>();
        for (String pattern : patterns) {
            String problem = PrincipalPattern.problem(pattern);
            if (problem != null) {
                throw new ConfigException(variable, "'" + Text.withoutControls(pattern) + "' " + problem);
            }
            out.add(PrincipalPattern.compile(pattern));
        }
        return out;
    }

    private static Set<String> groups(Settings s, String variable) {
        Set<String> groups = s.list(variable);
        for (String group : groups) {
            if (!GROUP.matcher(group).matches()) {
                throw new ConfigException(variable, "'" + Text.withoutControls(group) + "' is not a group name");
            }
        }
        return groups;
    }
}
