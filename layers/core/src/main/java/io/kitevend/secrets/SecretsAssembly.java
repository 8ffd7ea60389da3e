package io.kitevend.secrets;

import io.kitevend.aws.AwsClients;
import io.kitevend.binding.CachedBindings;
import io.kitevend.vend.JobPorts;
import java.io.PrintStream;
import java.time.Clock;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The secrets use case put together from its configuration with the AWS adapters. */
public record SecretsAssembly(SecretsService service, CachedBindings bindings, CachedSecretSource secrets) {

    public static SecretsAssembly create(SecretsConfig config, AwsClients aws, Clock clock, PrintStream log) {
        JobPorts ports = JobPorts.onDynamo(config.vend(), aws.dynamo(), clock, log, UnaryOperator.identity());
        CachedSecretSource secrets = new CachedSecretSource(
                new SecretsManagerSource(aws.client(SecretsManagerClient.builder())), config.secretsCacheTtl(), clock);
        SecretsService service =
                new SecretsService(ports.verifier(), ports.replay(), ports.bindings(), secrets, ports.audit(), clock);
        return new SecretsAssembly(service, ports.bindings(), secrets);
    }
}
