/**
 * The core of kitevend, the Lambda layer every function runs on. This package holds only what every
 * ring shares: {@link io.kitevend.DependencyUnavailableException}, a dependency that failed in a
 * way that may pass (503).
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java; it uses no other kitevend package, and never
 * the AWS SDK, Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code
 * assembly} or {@code snapstart}.
 */
package io.kitevend;
