package io.kitevend.config;

import java.time.Duration;

/**
 * The secrets function's settings, built on the vend function's: every setting of the vend path (token, tables, replay,
 * bindings), a secret prefix that is required here, and how long a warm instance may keep a value.
 */
public record SecretsConfig(VendConfig vend, Duration secretsCacheTtl) implements FunctionConfig {
    public static final String SECRETS_CACHE = "KITEVEND_SECRETS_CACHE_SECONDS";

    public static SecretsConfig from(Settings s) {
        VendConfig vend = VendConfig.from(s);
        if (vend.bindingRules().secretPrefix() == null) {
            throw new ConfigException(
                    SECRET_PREFIX,
                    "is required by the secrets function: the name prefix "
                            + "of the secrets bindings may grant, such as kitevend/");
        }
        return new SecretsConfig(vend, s.seconds(SECRETS_CACHE, Duration.ZERO, 0, 300));
    }

    @Override
    public SharedConfig shared() {
        return vend.shared();
    }
}
