/**
 * The audit trail: one {@link io.kitevend.audit.AuditRecord} per request, written to a store and
 * always to the log ({@link io.kitevend.audit.AuditTrail}); the store and query ports and their in-
 * memory implementation. The DynamoDB table is an adapter, in {@code io.kitevend.aws}.
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it may use the other domain packages (without cycles), never
 * the AWS SDK, Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code
 * assembly} or {@code snapstart}.
 */
package io.kitevend.audit;
