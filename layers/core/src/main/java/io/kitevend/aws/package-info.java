/**
 * Adapters to AWS: every class that uses the AWS SDK. The DynamoDB stores and readers (bindings,
 * audit, replay), STS, Secrets Manager, S3 and SNS for the report, the table schemas ({@link
 * io.kitevend.aws.Tables}), and how clients are built ({@link io.kitevend.aws.AwsClients}: one HTTP
 * client, bounded time per call, SDK failures that may pass as 503).
 *
 * <p>Adapter ring (see {@code RingsTest}): it implements the domain's ports and may use the domain
 * packages, never {@code config}, {@code assembly} or {@code snapstart}.
 */
package io.kitevend.aws;
