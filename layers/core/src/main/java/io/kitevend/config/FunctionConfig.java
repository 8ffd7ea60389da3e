package io.kitevend.config;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.regions.Region;

/**
 * The configuration of one function: the settings every function shares ({@link #shared()}) and its
 * own. The variables that more than one function reads are named here, once, and each is read by
 * one reader of {@link SharedConfig}, so a deployment sets a variable once and every function
 * accepts or refuses its value alike, with the same message.
 */
public interface FunctionConfig {
    // Read by every function (SharedConfig), and the audit retention by the two that write audit records.
    String REGION = "AWS_REGION";
    String AWS_ENDPOINT = "KITEVEND_AWS_ENDPOINT";
    String ORGANIZATIONS = "KITEVEND_ORGANIZATIONS";
    String BINDINGS_TABLE = "KITEVEND_BINDINGS_TABLE";
    String AUDIT_TABLE = "KITEVEND_AUDIT_TABLE";
    String AUDIT_SHARDS = "KITEVEND_AUDIT_SHARDS";
    String AUDIT_RETENTION_DAYS = "KITEVEND_AUDIT_RETENTION_DAYS";

    // How job tokens are verified: read by the functions that verify them (vend, secrets, admin's explain).
    String ISSUER = "KITEVEND_ISSUER";

    String JWKS_URL = "KITEVEND_JWKS_URL";
    String AUDIENCE = "KITEVEND_AUDIENCE";
    String ALGORITHMS = "KITEVEND_ALGORITHMS";
    String CLOCK_SKEW = "KITEVEND_CLOCK_SKEW_SECONDS";
    String TOKEN_MAX_AGE = "KITEVEND_TOKEN_MAX_AGE_SECONDS";
    String JWKS_CACHE = "KITEVEND_JWKS_CACHE_SECONDS";
    String JWKS_REFRESH_INTERVAL = "KITEVEND_JWKS_MIN_REFRESH_SECONDS";
    String JWKS_OUTAGE_TOLERANCE = "KITEVEND_JWKS_OUTAGE_TOLERANCE_SECONDS";
    String DEFAULT_ISSUER = "https://agent.buildkite.com";

    // What a binding may grant: read by the functions that compile bindings (vend, secrets, admin).
    String ROLE_PATH = "KITEVEND_ROLE_PATH";

    String ALLOWED_ACCOUNTS = "KITEVEND_ALLOWED_ACCOUNTS";
    String SECRET_PREFIX = "KITEVEND_SECRET_PREFIX";
    /** The deployment's own AWS account and partition (the template sets them from AWS::AccountId and AWS::Partition). */
    String ACCOUNT_ID = "KITEVEND_ACCOUNT_ID";

    String PARTITION = "KITEVEND_PARTITION";

    /** The settings every function reads. */
    SharedConfig shared();

    default Region region() {
        return shared().region();
    }

    default Optional<URI> awsEndpoint() {
        return shared().awsEndpoint();
    }

    /** The Buildkite organizations this deployment serves. */
    default Set<String> organizations() {
        return shared().organizations();
    }

    default String bindingsTable() {
        return shared().bindingsTable();
    }

    default String auditTable() {
        return shared().auditTable();
    }

    default int auditShards() {
        return shared().auditShards();
    }
}
