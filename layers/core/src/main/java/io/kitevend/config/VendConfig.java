package io.kitevend.config;

import com.nimbusds.jose.JWSAlgorithm;
import io.kitevend.binding.BindingRules;
import io.kitevend.job.JobSettings;
import io.kitevend.text.Identifiers;
import io.kitevend.token.TokenPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;

/**
 * Every setting of the vend function, read once from environment variables and validated
 * without any network call. A bad value fails start-up with the variable's name.
 */
public record VendConfig(
        Region region,
        Optional<URI> awsEndpoint,
        TokenPolicy token,
        BindingRules bindingRules,
        String bindingsTable,
        String auditTable,
        String replayTable,
        Duration bindingsCacheTtl,
        Duration auditRetention,
        int auditShards,
        boolean replayProtection) {

    public static final String REGION = "AWS_REGION";
    public static final String AWS_ENDPOINT = "KITEVEND_AWS_ENDPOINT";
    public static final String ISSUER = "KITEVEND_ISSUER";
    public static final String JWKS_URL = "KITEVEND_JWKS_URL";
    public static final String AUDIENCE = "KITEVEND_AUDIENCE";
    public static final String ORGANIZATIONS = "KITEVEND_ORGANIZATIONS";
    public static final String ALGORITHMS = "KITEVEND_ALGORITHMS";
    public static final String CLOCK_SKEW = "KITEVEND_CLOCK_SKEW_SECONDS";
    public static final String TOKEN_MAX_AGE = "KITEVEND_TOKEN_MAX_AGE_SECONDS";
    public static final String JWKS_CACHE = "KITEVEND_JWKS_CACHE_SECONDS";
    public static final String JWKS_REFRESH_INTERVAL = "KITEVEND_JWKS_MIN_REFRESH_SECONDS";
    public static final String JWKS_OUTAGE_TOLERANCE = "KITEVEND_JWKS_OUTAGE_TOLERANCE_SECONDS";
    public static final String ROLE_PATH = "KITEVEND_ROLE_PATH";
    public static final String ALLOWED_ACCOUNTS = "KITEVEND_ALLOWED_ACCOUNTS";
    public static final String SECRET_PREFIX = "KITEVEND_SECRET_PREFIX";
    public static final String BINDINGS_TABLE = "KITEVEND_BINDINGS_TABLE";
    public static final String AUDIT_TABLE = "KITEVEND_AUDIT_TABLE";
    public static final String REPLAY_TABLE = "KITEVEND_REPLAY_TABLE";
    public static final String BINDINGS_CACHE = "KITEVEND_BINDINGS_CACHE_SECONDS";
    public static final String AUDIT_RETENTION_DAYS = "KITEVEND_AUDIT_RETENTION_DAYS";
    public static final String AUDIT_SHARDS = "KITEVEND_AUDIT_SHARDS";
    public static final String REPLAY_PROTECTION = "KITEVEND_REPLAY_PROTECTION";

    public static final String DEFAULT_ISSUER = "https://agent.buildkite.com";

    private static final Pattern SECRET_PREFIX_SHAPE = Pattern.compile("[A-Za-z0-9_+=.@-][A-Za-z0-9/_+=.@-]{0,255}/");
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.\\d{1,3}){3}");
    private static final Pattern ROLE_PATH_SHAPE = Pattern.compile("/([\\x21-\\x7E&&[^/]]+/)*");

    /** What the job ports (token verifier, replay guard, bindings) are built from. */
    public JobSettings job() {
        return new JobSettings(token, bindingRules, bindingsCacheTtl, replayProtection);
    }

    public static VendConfig from(Settings s) {
        Region region = region(s);
        Optional<URI> endpoint = awsEndpoint(s);
        TokenPolicy token = tokenPolicy(s);
        BindingRules rules = bindingRules(s);
        return new VendConfig(
                region,
                endpoint,
                token,
                rules,
                table(s, BINDINGS_TABLE),
                table(s, AUDIT_TABLE),
                table(s, REPLAY_TABLE),
                s.seconds(BINDINGS_CACHE, Duration.ofSeconds(30), 0, 3600),
                auditRetention(s),
                auditShards(s),
                s.bool(REPLAY_PROTECTION, true));
    }

    /** {@value #REGION}, which must look like an AWS region name. Shared with the other functions' configurations. */
    public static Region region(Settings s) {
        String regionName = s.required(REGION);
        if (!Identifiers.isRegion(regionName)) {
            throw new ConfigException(REGION, "is not an AWS region name: '" + regionName + "'");
        }
        return Region.of(regionName);
    }

    /** {@value #AWS_ENDPOINT}: an emulator's URL for local runs and tests; unset in AWS. */
    public static Optional<URI> awsEndpoint(Settings s) {
        return s.optional(AWS_ENDPOINT).map(v -> s.httpsUri(AWS_ENDPOINT, v, true));
    }

    /** How Buildkite job tokens are verified: issuer, JWKS, audience, organizations, algorithms, times. */
    public static TokenPolicy tokenPolicy(Settings s) {
        String issuer = s.httpsUri(ISSUER, DEFAULT_ISSUER, true).toString();
        URI jwks = s.httpsUri(JWKS_URL, stripSlash(issuer) + "/.well-known/jwks", true);
        if (issuer.startsWith("http:") && !isLoopback(URI.create(issuer))) {
            throw new ConfigException(
                    ISSUER, "must use https (plain http is only accepted on loopback, for local runs)");
        }
        if (jwks.getScheme().equals("http") && !isLoopback(jwks)) {
            throw new ConfigException(
                    JWKS_URL, "must use https (plain http is only accepted on loopback, for local runs)");
        }
        String audience = s.required(AUDIENCE);
        Set<String> orgs = s.list(ORGANIZATIONS);
        if (orgs.isEmpty()) {
            throw new ConfigException(
                    ORGANIZATIONS, "is required: the Buildkite organization slugs whose tokens are accepted");
        }
        for (String org : orgs) {
            if (!Identifiers.isOrganizationSlug(org)) {
                throw new ConfigException(ORGANIZATIONS, "'" + org + "' is not an organization slug");
            }
        }
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        Set<String> algNames = s.list(ALGORITHMS);
        for (String name : algNames.isEmpty() ? Set.of("RS256") : algNames) {
            JWSAlgorithm alg = JWSAlgorithm.parse(name);
            if (!TokenPolicy.SUPPORTED_ALGORITHMS.contains(alg)) {
                throw new ConfigException(ALGORITHMS, "'" + name + "' is not allowed; choose from RS256, ES256");
            }
            algorithms.add(alg);
        }
        Duration skew = s.seconds(CLOCK_SKEW, Duration.ofSeconds(30), 0, 300);
        Duration maxAge = s.seconds(TOKEN_MAX_AGE, Duration.ofMinutes(15), 60, 7200);
        Duration jwksCache = s.seconds(JWKS_CACHE, Duration.ofMinutes(5), 2, 86_400);
        Duration jwksRefresh = s.seconds(JWKS_REFRESH_INTERVAL, Duration.ofSeconds(30), 1, 3600);
        if (jwksRefresh.compareTo(jwksCache) >= 0) {
            throw new ConfigException(JWKS_REFRESH_INTERVAL, "must be shorter than " + JWKS_CACHE);
        }
        Duration outage = s.seconds(JWKS_OUTAGE_TOLERANCE, Duration.ofHours(4), 0, 7 * 86_400);
        return new TokenPolicy(
                issuer,
                jwks,
                audience,
                orgs,
                algorithms,
                skew,
                maxAge,
                jwksCache,
                jwksRefresh,
                outage,
                Duration.ofSeconds(2));
    }

    /** What a binding may grant: {@value #ROLE_PATH}, {@value #ALLOWED_ACCOUNTS} and {@value #SECRET_PREFIX}. */
    public static BindingRules bindingRules(Settings s) {
        String rolePath = s.string(ROLE_PATH, "/kitevend/");
        if (!ROLE_PATH_SHAPE.matcher(rolePath).matches()) {
            throw new ConfigException(ROLE_PATH, "must be an IAM path such as /kitevend/ (starts and ends with /)");
        }
        Set<String> accounts = s.list(ALLOWED_ACCOUNTS);
        for (String account : accounts) {
            if (!Identifiers.isAccount(account)) {
                throw new ConfigException(ALLOWED_ACCOUNTS, "'" + account + "' is not a 12-digit AWS account id");
            }
        }
        String secretPrefix = s.optional(SECRET_PREFIX).orElse(null);
        if (secretPrefix != null && !SECRET_PREFIX_SHAPE.matcher(secretPrefix).matches()) {
            throw new ConfigException(
                    SECRET_PREFIX, "must be a Secrets Manager name prefix ending in '/', such as kitevend/");
        }
        return new BindingRules(rolePath, accounts, secretPrefix);
    }

    /** {@value #AUDIT_RETENTION_DAYS}: how long audit records are kept (TTL), default 400 days. */
    public static Duration auditRetention(Settings s) {
        return Duration.ofDays(s.longValue(AUDIT_RETENTION_DAYS, 400, 1, 3650));
    }

    /** {@value #AUDIT_SHARDS}: partitions per day of the audit table; writers and readers must agree. */
    public static int auditShards(Settings s) {
        return (int) s.longValue(AUDIT_SHARDS, 4, 1, 64);
    }

    /** A required DynamoDB table name. */
    public static String table(Settings s, String variable) {
        String name = s.required(variable);
        if (!Identifiers.isTableName(name)) {
            throw new ConfigException(variable, "is not a DynamoDB table name: '" + name + "'");
        }
        return name;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        // Only an IPv4 literal in 127/8 is loopback; a DNS name such as 127.example.com is not.
        return host != null
                && (host.equals("localhost") || LOOPBACK_V4.matcher(host).matches() || host.equals("[::1]"));
    }
}
