/**
 * The one JSON library, Jackson, configured once ({@link io.kitevend.json.Json}), and the one shape
 * of a structured log line ({@link io.kitevend.json.LogLine}).
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it uses no other kitevend package, never the AWS SDK, Lambda
 * types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code assembly} or {@code
 * snapstart}.
 */
package io.kitevend.json;
