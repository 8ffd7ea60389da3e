/**
 * HTTP as the use cases see it, whatever carries it: {@link io.kitevend.http.HttpRequest}, {@link
 * io.kitevend.http.HttpResponse}, and RFC 9457 problems with stable codes ({@link
 * io.kitevend.http.Problem}, {@link io.kitevend.http.ProblemType}). No Lambda types: the API
 * Gateway mapping is in {@code io.kitevend.lambda}.
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it may use the other domain packages (without cycles), never
 * the AWS SDK, Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code
 * assembly} or {@code snapstart}.
 */
package io.kitevend.http;
