/**
 * Short-lived AWS credentials for a job: the session request made from a binding and the job's
 * claims (name, source identity, tags, duration), the issuer port ({@link
 * io.kitevend.credentials.CredentialIssuer}) and its simulated stand-in. STS itself is an adapter,
 * in {@code io.kitevend.aws}.
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it may use the other domain packages (without cycles), never
 * the AWS SDK, Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code
 * assembly} or {@code snapstart}.
 */
package io.kitevend.credentials;
