/**
 * The vend use case, {@code POST /v1/credentials}: a job that passes the gate gets its binding's
 * role ({@link io.kitevend.vend.VendService}), answered as {@code credential_process} JSON or a
 * problem.
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it may use the other domain packages (without cycles), never
 * the AWS SDK, Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code
 * assembly} or {@code snapstart}.
 */
package io.kitevend.vend;
