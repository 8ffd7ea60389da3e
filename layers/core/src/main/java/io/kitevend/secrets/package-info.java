/**
 * The secrets use case, {@code POST /v1/secrets}: a job that passes the gate gets the secrets its
 * binding grants ({@link io.kitevend.secrets.SecretsService}); the secret source port, its cache
 * and the local-file source. Secrets Manager itself is an adapter, in {@code io.kitevend.aws}.
 *
 * <p>Domain ring (see {@code RingsTest}): plain Java, with Jackson through {@link
 * io.kitevend.json.Json} and Nimbus; it may use the other domain packages (without cycles), never
 * the AWS SDK, Lambda types, CRaC, nor {@code aws}, {@code lambda}, {@code config}, {@code
 * assembly} or {@code snapstart}.
 */
package io.kitevend.secrets;
