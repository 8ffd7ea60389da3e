package io.kitevend.config;

import static io.kitevend.config.FunctionConfig.ACCOUNT_ID;
import static io.kitevend.config.FunctionConfig.ALGORITHMS;
import static io.kitevend.config.FunctionConfig.ALLOWED_ACCOUNTS;
import static io.kitevend.config.FunctionConfig.AUDIENCE;
import static io.kitevend.config.FunctionConfig.AUDIT_RETENTION_DAYS;
import static io.kitevend.config.FunctionConfig.AUDIT_SHARDS;
import static io.kitevend.config.FunctionConfig.AUDIT_TABLE;
import static io.kitevend.config.FunctionConfig.AWS_ENDPOINT;
import static io.kitevend.config.FunctionConfig.BINDINGS_TABLE;
import static io.kitevend.config.FunctionConfig.CLOCK_SKEW;
import static io.kitevend.config.FunctionConfig.DEFAULT_ISSUER;
import static io.kitevend.config.FunctionConfig.ISSUER;
import static io.kitevend.config.FunctionConfig.JWKS_CACHE;
import static io.kitevend.config.FunctionConfig.JWKS_OUTAGE_TOLERANCE;
import static io.kitevend.config.FunctionConfig.JWKS_REFRESH_INTERVAL;
import static io.kitevend.config.FunctionConfig.JWKS_URL;
import static io.kitevend.config.FunctionConfig.ORGANIZATIONS;
import static io.kitevend.config.FunctionConfig.PARTITION;
import static io.kitevend.config.FunctionConfig.REGION;
import static io.kitevend.config.FunctionConfig.ROLE_PATH;
import static io.kitevend.config.FunctionConfig.SECRET_PREFIX;
import static io.kitevend.config.FunctionConfig.TOKEN_MAX_AGE;

import com.nimbusds.jose.JWSAlgorithm;
import io.kitevend.binding.BindingRules;
import io.kitevend.text.Identifiers;
import io.kitevend.text.Text;
import io.kitevend.token.TokenPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * The settings every function reads, with the same variables and the same meaning in each: where
 * AWS is (the region and, for emulators, an endpoint), the Buildkite organizations, the bindings
 * and audit tables, and the audit table's partitions per day (its writers and readers must agree).
 *
 * <p>Its static readers are the one place where a variable that several functions read is read, so
 * every function accepts and refuses a value alike, with the same message naming the variable. The
 * variables are named in {@link FunctionConfig}.
 */
public record SharedConfig(
        Region region,
        Optional<URI> awsEndpoint,
        Set<String> organizations,
        String bindingsTable,
        String auditTable,
        int auditShards) {

    /** What a job token is for, in the message when no organization is set. */
    public static final String TOKENS_ACCEPTED = "whose tokens are accepted";

    private static final Pattern SECRET_PREFIX_SHAPE = Pattern.compile("[A-Za-z0-9_+=.@-][A-Za-z0-9/_+=.@-]{0,255}/");
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.\\d{1,3}){3}");
    /** At least one segment: "/" would let bindings grant every role that trusts the function's role. */
    private static final Pattern ROLE_PATH_SHAPE = Pattern.compile("/([\\x21-\\x7E&&[^/]]+/)+");

    private static final Pattern PARTITION_SHAPE = Pattern.compile("aws(-[a-z]+)*");

    public SharedConfig {
        organizations = Set.copyOf(organizations);
    }

    /**
     * Reads the shared settings, in this order: region, endpoint, organizations, tables, shards.
     *
     * @param organizationsPurpose what the function does with the organizations' slugs ("whose
     *     tokens are accepted"), for the message when none are set
     */
    public static SharedConfig from(Settings s, String organizationsPurpose) {
        Region region = region(s);
        Optional<URI> endpoint = awsEndpoint(s);
        Set<String> organizations = organizations(s, organizationsPurpose);
        String bindings = table(s, BINDINGS_TABLE);
        String audit = table(s, AUDIT_TABLE);
        return new SharedConfig(region, endpoint, organizations, bindings, audit, auditShards(s));
    }

    /** {@value FunctionConfig#REGION}, which must look like an AWS region name. */
    static Region region(Settings s) {
        String name = s.required(REGION);
        if (!Identifiers.REGION.matches(name)) {
            throw new ConfigException(REGION, "is not an AWS region name: '" + name + "'");
        }
        return Region.of(name);
    }

    /** {@value FunctionConfig#AWS_ENDPOINT}: an emulator's URL for local runs and tests; unset in AWS. */
    static Optional<URI> awsEndpoint(Settings s) {
        return s.optional(AWS_ENDPOINT).map(v -> s.httpsUri(AWS_ENDPOINT, v, true));
    }

    /**
     * {@value FunctionConfig#ORGANIZATIONS}: at least one Buildkite organization slug, each
     * optionally pinned to its id ({@code acme=0184990a-...}).
     */
    static Set<String> organizations(Settings s, String purpose) {
        return Collections.unmodifiableSet(organizationEntries(s, purpose).keySet());
    }

    /**
     * The organizations of {@value FunctionConfig#ORGANIZATIONS} pinned to their Buildkite id
     * ({@code slug=id} entries), by slug: their tokens must carry that {@code organization_id}.
     */
    static Map<String, String> organizationIds(Settings s) {
        Map<String, String> pinned = new LinkedHashMap<>();
        organizationEntries(s, SharedConfig.TOKENS_ACCEPTED).forEach((slug, id) -> {
            if (id != null) {
                pinned.put(slug, id);
            }
        });
        return pinned;
    }

    /** Each organization's slug, and its pinned id or null. */
    private static Map<String, String> organizationEntries(Settings s, String purpose) {
        Set<String> entries = s.list(ORGANIZATIONS);
        if (entries.isEmpty()) {
            throw new ConfigException(ORGANIZATIONS, "is required: the Buildkite organization slugs " + purpose);
        }
        Map<String, String> organizations = new LinkedHashMap<>();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            String org = equals < 0 ? entry : entry.substring(0, equals).strip();
            String id = equals < 0 ? null : entry.substring(equals + 1).strip();
            if (!Identifiers.ORGANIZATION_SLUG.matches(org)) {
                throw new ConfigException(ORGANIZATIONS, "'" + org + "' is not an organization slug");
            }
            if (id != null && !Identifiers.BUILDKITE_ID.matches(id)) {
                throw new ConfigException(
                        ORGANIZATIONS,
                        "'" + Text.printable(id, 80) + "' (for " + org + ") is not a Buildkite organization id, "
                                + "a lower-case UUID; write SLUG or SLUG=ID");
            }
            String before = organizations.get(org);
            if (before != null && id != null && !before.equals(id)) {
                throw new ConfigException(ORGANIZATIONS, "'" + org + "' is pinned to two different ids");
            }
            organizations.put(org, id != null ? id : before);
        }
        return organizations;
    }

    /** A required DynamoDB table name. */
    static String table(Settings s, String variable) {
        String name = s.required(variable);
        if (!Identifiers.TABLE.matches(name)) {
            throw new ConfigException(variable, "is not a DynamoDB table name: '" + name + "'");
        }
        return name;
    }

    /** {@value FunctionConfig#AUDIT_SHARDS}: partitions per day of the audit table; writers and readers must agree. */
    static int auditShards(Settings s) {
        return (int) s.longValue(AUDIT_SHARDS, 4, 1, 64);
    }

    /** {@value FunctionConfig#AUDIT_RETENTION_DAYS}: how long audit records are kept (TTL), default 400 days. */
    static Duration auditRetention(Settings s) {
        return Duration.ofDays(s.longValue(AUDIT_RETENTION_DAYS, 400, 1, 3650));
    }

    /** How Buildkite job tokens are verified: issuer, JWKS, audience, algorithms, times; for these organizations. */
    static TokenPolicy tokenPolicy(Settings s, Set<String> organizations) {
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
                organizations,
                organizationIds(s),
                algorithms,
                skew,
                maxAge,
                jwksCache,
                jwksRefresh,
                outage,
                Duration.ofSeconds(2));
    }

    /**
     * What a binding may grant: {@value FunctionConfig#ROLE_PATH}, {@value FunctionConfig#ALLOWED_ACCOUNTS}
     * and {@value FunctionConfig#SECRET_PREFIX}, in the deployment's {@value FunctionConfig#PARTITION}
     * (by default the region's), region and {@value FunctionConfig#ACCOUNT_ID} (optional: without it,
     * secrets are granted by name only).
     */
    static BindingRules bindingRules(Settings s, Region region) {
        String rolePath = s.string(ROLE_PATH, "/kitevend/");
        if (!ROLE_PATH_SHAPE.matcher(rolePath).matches()) {
            throw new ConfigException(
                    ROLE_PATH,
                    "must be an IAM path such as /kitevend/ (starts and ends with /; never / itself, which would let"
                            + " bindings grant every role that trusts kitevend)");
        }
        Set<String> accounts = s.list(ALLOWED_ACCOUNTS);
        for (String account : accounts) {
            if (!Identifiers.ACCOUNT.matches(account)) {
                throw new ConfigException(ALLOWED_ACCOUNTS, "'" + account + "' is not a 12-digit AWS account id");
            }
        }
        String secretPrefix = s.optional(SECRET_PREFIX).orElse(null);
        if (secretPrefix != null && !SECRET_PREFIX_SHAPE.matcher(secretPrefix).matches()) {
            throw new ConfigException(
                    SECRET_PREFIX, "must be a Secrets Manager name prefix ending in '/', such as kitevend/");
        }
        String account = s.optional(ACCOUNT_ID).orElse(null);
        if (account != null && !Identifiers.ACCOUNT.matches(account)) {
            throw new ConfigException(ACCOUNT_ID, "is not a 12-digit AWS account id");
        }
        return new BindingRules(rolePath, accounts, secretPrefix, partition(s, region), region.id(), account);
    }

    /** {@value FunctionConfig#PARTITION}: the region's partition, which a value given must be. */
    private static String partition(Settings s, Region region) {
        String regions = PartitionMetadata.of(region).id();
        String given = s.optional(PARTITION).orElse(regions);
        if (!PARTITION_SHAPE.matcher(given).matches()) {
            throw new ConfigException(PARTITION, "is not an AWS partition (aws, aws-cn, aws-us-gov, ...)");
        }
        if (!given.equals(regions)) {
            throw new ConfigException(
                    PARTITION, "is " + given + ", but the region " + region.id() + " is in the partition " + regions);
        }
        return given;
    }

    static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** True for a URL on this machine, where plain http is accepted for local runs. */
    static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        // Only an IPv4 literal in 127/8 is loopback; a DNS name such as 127.example.com is not.
        return host != null
                && (host.equals("localhost") || LOOPBACK_V4.matcher(host).matches() || host.equals("[::1]"));
    }
}
