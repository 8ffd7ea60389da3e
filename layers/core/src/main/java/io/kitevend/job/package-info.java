/**
 * What every job request goes through before anything is handed out, credentials or secrets: the
 * gate (request shape, token, replay, binding; {@link io.kitevend.job.JobGate}), the one audit
 * record per request ({@link io.kitevend.job.AuditedRequest}) and the ports both need ({@link
 * io.kitevend.job.JobPorts}, in memory or on the caller's stores).
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it may use the other domain packages (without cycles), never
 * the AWS SDK, Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code
 * assembly} or {@code snapstart}.
 */
package io.kitevend.job;
