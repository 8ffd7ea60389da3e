package io.kitevend.job;

import io.kitevend.audit.AuditLog;
import io.kitevend.audit.AuditStore;
import io.kitevend.audit.AuditTrail;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.BindingStore;
import io.kitevend.binding.CachedBindings;
import io.kitevend.json.LogLine;
import io.kitevend.replay.InMemoryReplayGuard;
import io.kitevend.replay.ReplayGuard;
import io.kitevend.token.SigningKeys;
import io.kitevend.token.TokenVerifier;
import java.io.PrintStream;
import java.time.Clock;

/**
 * What every job request needs besides the thing it hands out: the token verifier, the replay
 * guard, the bindings and the audit trail. Credentials and secrets share one set, so a token
 * used on one route is refused on the other.
 *
 * <p>Two sets exist: {@link #inMemory} (the local runner's embedded default, the tests, the
 * benchmark) and the deployment's on DynamoDB, {@code io.kitevend.assembly.DynamoJobPorts}. That
 * one is built in the composition ring because its stores use the AWS SDK, which this package may
 * not; both go through {@link #of}, so they differ only in their stores.
 */
public record JobPorts(TokenVerifier verifier, ReplayGuard replay, CachedBindings bindings, AuditTrail audit) {

    /**
     * On the given stores. The verifier reads the issuer's keys from its JWKS URL; bindings are
     * compiled with the settings' rules and cached for their time (a stored binding that no longer
     * compiles is skipped, with a warning on {@code log}); every audit record is stored and logged
     * to {@code log}. {@code replayGuard} is used only when the settings protect against replays.
     */
    public static JobPorts of(
            JobSettings settings,
            ReplayGuard replayGuard,
            BindingStore bindings,
            AuditStore audit,
            Clock clock,
            PrintStream log) {
        return of(
                settings,
                new TokenVerifier(settings.token(), SigningKeys.fromUrl(settings.token(), clock), clock),
                replayGuard,
                bindings,
                audit,
                clock,
                log);
    }

    /**
     * As above, with a verifier of the caller's (the SnapStart priming verifies tokens of a
     * throw-away key).
     */
    public static JobPorts of(
            JobSettings settings,
            TokenVerifier verifier,
            ReplayGuard replayGuard,
            BindingStore bindings,
            AuditStore audit,
            Clock clock,
            PrintStream log) {
        CachedBindings cached = new CachedBindings(
                bindings,
                new BindingCompiler(settings.bindingRules()),
                settings.bindingsCacheTtl(),
                clock,
                invalid -> LogLine.print(log, "WARN", "stored binding skipped: " + invalid.getMessage()));
        return new JobPorts(
                verifier,
                settings.replayProtection() ? replayGuard : ReplayGuard.DISABLED,
                cached,
                new AuditTrail(audit, new AuditLog(log)));
    }

    /**
     * In memory: replay protection in this process only (bounded: {@link
     * InMemoryReplayGuard#DEFAULT_CAPACITY} live token ids), on the caller's binding and audit stores
     * (in-memory ones, which the caller keeps to seed bindings and to read records back).
     */
    public static JobPorts inMemory(
            JobSettings settings, BindingStore bindings, AuditStore audit, Clock clock, PrintStream log) {
        return of(
                settings,
                new InMemoryReplayGuard(clock, settings.token().clockSkew(), InMemoryReplayGuard.DEFAULT_CAPACITY),
                bindings,
                audit,
                clock,
                log);
    }
}
