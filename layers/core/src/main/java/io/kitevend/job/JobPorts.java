package io.kitevend.job;

import io.kitevend.audit.AuditTrail;
import io.kitevend.binding.CachedBindings;
import io.kitevend.replay.ReplayGuard;
import io.kitevend.token.TokenVerifier;

/**
 * What every job request needs besides the thing it hands out: the token verifier, the replay
 * guard, the bindings and the audit trail. Credentials and secrets share one set, so a token
 * used on one route is refused on the other.
 *
 * <p>The set on DynamoDB is built in the composition ring ({@code io.kitevend.assembly.DynamoJobPorts}):
 * it needs the AWS SDK, which this package may not use.
 */
public record JobPorts(TokenVerifier verifier, ReplayGuard replay, CachedBindings bindings, AuditTrail audit) {}
