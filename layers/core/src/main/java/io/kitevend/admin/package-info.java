/**
 * The admin API, {@code /v1/admin/*}: who may read or change ({@link
 * io.kitevend.admin.AdminAccess}), the bindings' conditional changes with their audit records,
 * explain, and the audit query; the one route table ({@link io.kitevend.admin.AdminRoute}) and the
 * routes over it ({@link io.kitevend.admin.AdminService}), which read requests through {@link
 * io.kitevend.admin.AdminRequest} and answer through {@code AdminResponses}. The
 * caller comes from API Gateway's authorizer, read in {@code io.kitevend.lambda}.
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it may use the other domain packages (without cycles), never
 * the AWS SDK, Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code
 * assembly} or {@code snapstart}.
 */
package io.kitevend.admin;
