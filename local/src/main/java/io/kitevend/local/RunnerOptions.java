package io.kitevend.local;

import io.kitevend.config.SecretsConfig;
import io.kitevend.config.VendConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The local runner's settings. Every setting of the vend and secrets functions has an option here; they are
 * handed to the function's own configuration code as the environment variables Lambda would set,
 * so the runner validates them exactly as a deployment would.
 */
public final class RunnerOptions {
    @Option(names = "--port", description = "Port on 127.0.0.1 (0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int port = 8787;

    @Option(
            names = "--bindings",
            paramLabel = "FILE",
            description = "Bindings to load at start (YAML; see examples/bindings.yaml).")
    Path bindings;

    @Option(
            names = "--aws-endpoint",
            paramLabel = "URL",
            description =
                    "Use DynamoDB and STS at this endpoint (moto, LocalStack, Floci) instead of memory; tables are created if missing.")
    URI awsEndpoint;

    @Option(names = "--aws", description = "Use real AWS through the default credentials chain (tables must exist).")
    boolean aws;

    @Option(names = "--region", description = "AWS region. Default: $AWS_REGION, else us-east-1.")
    String region;

    @Option(
            names = "--issuer",
            paramLabel = "URL",
            description = {
                "Trust this issuer instead of the built-in dev issuer (e.g. https://agent.buildkite.com).",
                "Default: the dev issuer when everything is embedded (or with --dev-routes), else https://agent.buildkite.com."
            })
    String issuer;

    @Option(
            names = "--dev-routes",
            description = {
                "With --aws-endpoint or --aws: serve the dev routes anyway, that is trust the built-in dev issuer (unless "
                        + "--issuer) and serve POST /dev/token, GET /dev/bindings and GET /dev/audit. Anyone who can "
                        + "reach the runner's port on this machine can then mint tokens it accepts.",
                "Without --aws-endpoint and --aws they are always on: nothing real is behind the runner."
            })
    boolean devRoutes;

    @Option(
            names = "--jwks-url",
            paramLabel = "URL",
            description = "JWKS of --issuer. Default: ISSUER/.well-known/jwks.")
    String jwksUrl;

    @Option(names = "--audience", description = "Token audience to require. Default: ${DEFAULT-VALUE}.")
    String audience = "kitevend-local";

    @Option(
            names = "--organizations",
            paramLabel = "SLUGS",
            description =
                    "Comma-separated organization slugs to accept, each optionally SLUG=ID to pin its organization_id. Default: ${DEFAULT-VALUE}.")
    String organizations = "acme";

    @Option(names = "--algorithms", description = "RS256 and/or ES256. Default: RS256.")
    String algorithms;

    @Option(names = "--clock-skew", paramLabel = "SECONDS", description = "Allowed clock difference. Default: 30.")
    Long clockSkew;

    @Option(
            names = "--token-max-age",
            paramLabel = "SECONDS",
            description = "Refuse tokens issued longer ago. Default: 900.")
    Long tokenMaxAge;

    @Option(names = "--jwks-cache", paramLabel = "SECONDS", description = "JWKS cache time. Default: 300.")
    Long jwksCache;

    @Option(
            names = "--jwks-min-refresh",
            paramLabel = "SECONDS",
            description = "Minimum interval between JWKS refreshes. Default: 30.")
    Long jwksMinRefresh;

    @Option(
            names = "--jwks-outage-tolerance",
            paramLabel = "SECONDS",
            description = "Keep using the last keys this long while the JWKS fails. Default: 14400.")
    Long jwksOutageTolerance;

    @Option(
            names = "--role-path",
            description = "Bindings may only grant roles under this IAM path. Default: /kitevend/.")
    String rolePath;

    @Option(
            names = "--allowed-accounts",
            paramLabel = "IDS",
            description = "Comma-separated AWS accounts bindings may grant roles in. Default: any.")
    String allowedAccounts;

    @Option(
            names = "--account-id",
            paramLabel = "ID",
            description =
                    "The deployment's own AWS account (KITEVEND_ACCOUNT_ID): bindings may grant secrets by ARN only in it. Default: none (secrets by name only).")
    String accountId;

    @Option(
            names = "--partition",
            description =
                    "The deployment's AWS partition (KITEVEND_PARTITION): roles and secret ARNs must be in it. Default: the region's.")
    String partition;

    @Option(
            names = "--bindings-cache",
            paramLabel = "SECONDS",
            description = "How long bindings are cached. Default: 30.")
    Long bindingsCache;

    @Option(
            names = "--replay-protection",
            arity = "1",
            paramLabel = "true|false",
            description = "Accept each token once. Default: true.")
    Boolean replayProtection;

    @Option(names = "--audit-retention-days", paramLabel = "DAYS", description = "Audit record TTL. Default: 400.")
    Long auditRetentionDays;

    @Option(names = "--audit-shards", paramLabel = "N", description = "Audit partitions per day. Default: 4.")
    Long auditShards;

    @Option(
            names = "--secrets-file",
            paramLabel = "FILE",
            description = {
                "Without --aws-endpoint and --aws: hand out secrets from this local file (YAML: secrets: {SECRET_ID: value}; "
                        + "see examples/secrets.yaml). Answers say \"source\":\"local-file\".",
                "Without it the embedded runner has no secrets: a granted secret answers 404."
            })
    Path secretsFile;

    @Option(
            names = "--secret-prefix",
            paramLabel = "PREFIX",
            description =
                    "Bindings may only grant secrets whose name starts with this (KITEVEND_SECRET_PREFIX). Default: ${DEFAULT-VALUE}.")
    String secretPrefix = "kitevend/";

    @Option(
            names = "--secrets-cache",
            paramLabel = "SECONDS",
            description =
                    "How long secret values from Secrets Manager are kept in memory (KITEVEND_SECRETS_CACHE_SECONDS; 0 to 300). Default: 0.")
    Long secretsCache;

    @Option(names = "--bindings-table", description = "Default: ${DEFAULT-VALUE}.")
    String bindingsTable = "kitevend-bindings";

    @Option(names = "--audit-table", description = "Default: ${DEFAULT-VALUE}.")
    String auditTable = "kitevend-audit";

    @Option(names = "--replay-table", description = "Default: ${DEFAULT-VALUE}.")
    String replayTable = "kitevend-replay";

    @Option(
            names = "--admin-key",
            paramLabel = "AKID:SECRET:PRINCIPAL_ARN",
            description = {
                "An access key the IAM-authorized (admin) routes accept, as the principal it stands for "
                        + "(e.g. arn:aws:sts::123456789012:assumed-role/Admins/alice). Repeatable.",
                "Without --admin-key and --admin-keys the runner accepts this machine's dev admin key, for "
                        + IamAuthorizer.LOCAL_ADMIN_ARN + ", made once and kept in ~/.config/kitevend/dev-credentials"
                        + " ($KITEVEND_CONFIG_DIR/dev-credentials); the CLI signs with it against this runner."
            })
    List<String> adminKey = new ArrayList<>();

    @Option(
            names = "--admin-readers",
            paramLabel = "PATTERNS",
            description =
                    "Principal ARN patterns that may read through the admin API (KITEVEND_ADMIN_READERS). Default: none.")
    String adminReaders;

    @Option(
            names = "--admin-writers",
            paramLabel = "PATTERNS",
            description =
                    "Principal ARN patterns that may change bindings (KITEVEND_ADMIN_WRITERS). Default: the principals of the admin keys.")
    String adminWriters;

    @Option(
            names = "--admin-keys",
            paramLabel = "FILE",
            description =
                    "Access keys from a file: one a line, ACCESS_KEY_ID SECRET_ACCESS_KEY PRINCIPAL_ARN [SESSION_TOKEN]; # comments.")
    Path adminKeysFile;

    @Option(
            names = "--admin-jwt-issuer",
            paramLabel = "URL",
            description = {
                "Also serve the admin routes behind a JWT authorizer for this identity provider, as the stack's "
                        + "AdminJwtApi (KITEVEND_ADMIN_JWT_ISSUER; https, or http on loopback). Keys come from the "
                        + "issuer's /.well-known/openid-configuration.",
                "Needs --admin-jwt-audience."
            })
    String adminJwtIssuer;

    @Option(
            names = "--admin-jwt-audience",
            paramLabel = "AUD",
            description = "The audience (client id) the identity provider's tokens carry.")
    String adminJwtAudience;

    @Option(
            names = "--admin-jwt-groups-claim",
            paramLabel = "CLAIM",
            description =
                    "The claim that lists a JWT caller's groups (KITEVEND_ADMIN_JWT_GROUPS_CLAIM). Default: groups.")
    String adminJwtGroupsClaim;

    @Option(
            names = "--admin-jwt-reader-groups",
            paramLabel = "GROUPS",
            description = "Comma-separated groups whose members may read (KITEVEND_ADMIN_JWT_READER_GROUPS).")
    String adminJwtReaderGroups;

    @Option(
            names = "--admin-jwt-writer-groups",
            paramLabel = "GROUPS",
            description =
                    "Comma-separated groups whose members may change bindings (KITEVEND_ADMIN_JWT_WRITER_GROUPS).")
    String adminJwtWriterGroups;

    @Option(
            names = "--admin-jwt-port",
            paramLabel = "PORT",
            description = "Port on 127.0.0.1 of the admin JWT API (0 picks a free one). Default: ${DEFAULT-VALUE}.")
    int adminJwtPort = 8788;

    /**
     * Where the dev admin key is kept when no admin keys are configured ({@link DevAdminKey}); null
     * for a key of this run only (the demo, tests).
     */
    Path devAdminKeyFile;

    /** The admin keys configured with --admin-key and --admin-keys (empty when none). */
    List<IamAuthorizer.AccessKey> adminKeys() throws IOException {
        List<IamAuthorizer.AccessKey> keys = new ArrayList<>();
        for (String spec : adminKey) {
            keys.add(IamAuthorizer.parseKey(spec));
        }
        if (adminKeysFile != null) {
            keys.addAll(IamAuthorizer.readKeysFile(adminKeysFile));
        }
        return keys;
    }

    /**
     * The vend and secrets functions' environment, as Lambda would see it.
     *
     * @param devIssuer the dev issuer's URL when it is trusted, else null
     */
    Map<String, String> environment(String devIssuer) {
        Map<String, String> env = new LinkedHashMap<>();
        String regionName = region != null
                ? region
                : System.getenv("AWS_REGION") != null ? System.getenv("AWS_REGION") : "us-east-1";
        env.put(VendConfig.REGION, regionName);
        if (awsEndpoint != null) {
            env.put(VendConfig.AWS_ENDPOINT, awsEndpoint.toString());
        }
        put(env, VendConfig.ISSUER, issuer != null ? issuer : devIssuer);
        put(env, VendConfig.JWKS_URL, jwksUrl);
        env.put(VendConfig.AUDIENCE, audience);
        env.put(VendConfig.ORGANIZATIONS, organizations);
        put(env, VendConfig.ALGORITHMS, algorithms);
        put(env, VendConfig.CLOCK_SKEW, clockSkew);
        put(env, VendConfig.TOKEN_MAX_AGE, tokenMaxAge);
        put(env, VendConfig.JWKS_CACHE, jwksCache);
        put(env, VendConfig.JWKS_REFRESH_INTERVAL, jwksMinRefresh);
        put(env, VendConfig.JWKS_OUTAGE_TOLERANCE, jwksOutageTolerance);
        put(env, VendConfig.ROLE_PATH, rolePath);
        put(env, VendConfig.ALLOWED_ACCOUNTS, allowedAccounts);
        put(env, VendConfig.ACCOUNT_ID, accountId);
        put(env, VendConfig.PARTITION, partition);
        put(env, VendConfig.BINDINGS_CACHE, bindingsCache);
        put(env, VendConfig.SECRET_PREFIX, secretPrefix);
        put(env, SecretsConfig.SECRETS_CACHE, secretsCache);
        put(env, VendConfig.REPLAY_PROTECTION, replayProtection);
        put(env, VendConfig.AUDIT_RETENTION_DAYS, auditRetentionDays);
        put(env, VendConfig.AUDIT_SHARDS, auditShards);
        env.put(VendConfig.BINDINGS_TABLE, bindingsTable);
        env.put(VendConfig.AUDIT_TABLE, auditTable);
        env.put(VendConfig.REPLAY_TABLE, replayTable);
        return env;
    }

    private static void put(Map<String, String> env, String name, Object value) {
        if (value != null) {
            env.put(name, value.toString());
        }
    }
}
