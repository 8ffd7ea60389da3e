package io.kitevend.job;

import io.kitevend.binding.BindingRules;
import io.kitevend.token.TokenPolicy;
import java.time.Duration;

/**
 * What the {@link JobPorts} are built from: how job tokens are verified, what a binding may grant,
 * how long a warm instance keeps a pipeline's bindings, and whether a token is accepted only once.
 */
public record JobSettings(
        TokenPolicy token, BindingRules bindingRules, Duration bindingsCacheTtl, boolean replayProtection) {}
