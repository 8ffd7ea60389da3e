/**
 * Replay protection: each token id is accepted once ({@link io.kitevend.replay.ReplayGuard}); the
 * in-memory guard of one process. The DynamoDB guard is an adapter, in {@code io.kitevend.aws}.
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it may use the other domain packages (without cycles), never
 * the AWS SDK, Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code
 * assembly} or {@code snapstart}.
 */
package io.kitevend.replay;
