package io.kitevend.assembly;

import io.kitevend.aws.AwsClients;
import io.kitevend.aws.SecretsManagerSource;
import io.kitevend.binding.CachedBindings;
import io.kitevend.config.SecretsConfig;
import io.kitevend.job.JobPorts;
import io.kitevend.secrets.CachedSecretSource;
import io.kitevend.secrets.SecretsService;
import java.io.PrintStream;
import java.time.Clock;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The secrets use case put together from its configuration with the AWS adapters. */
public record SecretsAssembly(SecretsService service, CachedBindings bindings, CachedSecretSource secrets) {

    public static SecretsAssembly create(SecretsConfig config, AwsClients aws, Clock clock, PrintStream log) {
        return create(config, aws, DynamoJobPorts.create(config.vend(), aws.dynamo(), clock, log), clock);
    }

    /** On job ports the caller already has (the local runner shares the vend path's). */
    public static SecretsAssembly create(SecretsConfig config, AwsClients aws, JobPorts ports, Clock clock) {
        CachedSecretSource secrets = new CachedSecretSource(
                new SecretsManagerSource(aws.client(SecretsManagerClient.builder())), config.secretsCacheTtl(), clock);
        return new SecretsAssembly(new SecretsService(ports, secrets, clock), ports.bindings(), secrets);
    }
}
