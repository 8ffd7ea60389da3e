/**
 * Text from outside made safe for messages and logs ({@link io.kitevend.text.Text}) and the shapes
 * of the names kitevend accepts ({@link io.kitevend.text.Identifiers}): one home for both, so a
 * limit or a pattern is never copied.
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it uses no other kitevend package, never the AWS SDK, Lambda
 * types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code assembly} or {@code
 * snapstart}.
 */
package io.kitevend.text;
