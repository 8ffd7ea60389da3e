/**
 * Bindings: what an admin writes ({@link io.kitevend.binding.Binding}, with the secrets it grants,
 * {@link io.kitevend.binding.SecretGrant}), the deployment's limits ({@link
 * io.kitevend.binding.BindingRules}), validation and compilation, matching a job to one binding,
 * the bindings document format, the store port ({@link io.kitevend.binding.BindingStore}) with its
 * in-memory implementation, and the short-lived cache of the vend path.
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it may use the other domain packages (without cycles), never
 * the AWS SDK, Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code
 * assembly} or {@code snapstart}.
 */
package io.kitevend.binding;
