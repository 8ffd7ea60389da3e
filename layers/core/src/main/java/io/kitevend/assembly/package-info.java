/**
 * Composition: each use case put together from its configuration with the AWS adapters ({@link
 * io.kitevend.assembly.VendAssembly}, {@link io.kitevend.assembly.SecretsAssembly}, {@link
 * io.kitevend.assembly.AdminAssembly}, {@link io.kitevend.assembly.ReportAssembly}) and the job
 * ports on DynamoDB ({@link io.kitevend.assembly.DynamoJobPorts}). The functions' handlers and the
 * local runner start here.
 *
 * <p>Composition ring (see {@code RingsTest}): it may use every other ring; nothing in the core uses
 * it.
 */
package io.kitevend.assembly;
