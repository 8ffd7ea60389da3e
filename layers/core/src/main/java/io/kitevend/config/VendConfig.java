package io.kitevend.config;

import io.kitevend.binding.BindingRules;
import io.kitevend.job.JobSettings;
import io.kitevend.token.TokenPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;

/**
 * Every setting of the vend function, read once from environment variables and validated
 * without any network call. A bad value fails start-up with the variable's name.
 */
public record VendConfig(
        SharedConfig shared,
        TokenPolicy token,
        BindingRules bindingRules,
        String replayTable,
        Duration bindingsCacheTtl,
        Duration auditRetention,
        boolean replayProtection)
        implements FunctionConfig {

    public static final String REPLAY_TABLE = "KITEVEND_REPLAY_TABLE";
    public static final String BINDINGS_CACHE = "KITEVEND_BINDINGS_CACHE_SECONDS";
    public static final String REPLAY_PROTECTION = "KITEVEND_REPLAY_PROTECTION";

    /** The settings one by one, as a test (or a caller that has them at hand) gives them. */
    public VendConfig(
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
        this(
                new SharedConfig(region, awsEndpoint, token.organizations(), bindingsTable, auditTable, auditShards),
                token,
                bindingRules,
                replayTable,
                bindingsCacheTtl,
                auditRetention,
                replayProtection);
    }

    /** What the job ports (token verifier, replay guard, bindings) are built from. */
    public JobSettings job() {
        return new JobSettings(token, bindingRules, bindingsCacheTtl, replayProtection);
    }

    public static VendConfig from(Settings s) {
        SharedConfig shared = SharedConfig.from(s, SharedConfig.TOKENS_ACCEPTED);
        return new VendConfig(
                shared,
                SharedConfig.tokenPolicy(s, shared.organizations()),
                SharedConfig.bindingRules(s, shared.region()),
                SharedConfig.table(s, REPLAY_TABLE),
                s.seconds(BINDINGS_CACHE, Duration.ofSeconds(30), 0, 3600),
                SharedConfig.auditRetention(s),
                s.bool(REPLAY_PROTECTION, true));
    }
}
