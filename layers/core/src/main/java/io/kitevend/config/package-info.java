/**
 * One configuration home: every function's settings, read once from environment variables and
 * validated without any network call, failing with the variable's name. {@link
 * io.kitevend.config.SharedConfig} holds what every function reads and its readers; one record per
 * function is built on it ({@link io.kitevend.config.VendConfig}, {@link
 * io.kitevend.config.SecretsConfig}, {@link io.kitevend.config.AdminConfig}, {@link
 * io.kitevend.config.ReportConfig}).
 *
 * <p>Configuration ring (see {@code RingsTest}): it may use the domain types it fills in and, of the
 * AWS SDK, only {@code Region}; never the adapters' clients, Lambda types, CRaC, {@code assembly}
 * or {@code snapstart}.
 */
package io.kitevend.config;
