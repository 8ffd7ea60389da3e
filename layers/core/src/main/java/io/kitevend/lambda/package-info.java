/**
 * Adapters to AWS Lambda: API Gateway HTTP API (payload 2.0) events to {@link
 * io.kitevend.http.HttpRequest} (and, for the admin API, the caller its authorizer established) and
 * {@link io.kitevend.http.HttpResponse} back.
 *
 * <p>Adapter ring (see {@code RingsTest}): it may use the domain packages, never {@code config},
 * {@code assembly} or {@code snapstart}.
 */
package io.kitevend.lambda;
