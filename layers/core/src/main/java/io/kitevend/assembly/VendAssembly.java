package io.kitevend.assembly;

import io.kitevend.aws.AwsClients;
import io.kitevend.aws.StsCredentialIssuer;
import io.kitevend.binding.CachedBindings;
import io.kitevend.config.VendConfig;
import io.kitevend.job.JobPorts;
import io.kitevend.token.TokenVerifier;
import io.kitevend.vend.VendService;
import java.io.PrintStream;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sts.StsClient;

/** The vend use case put together from its configuration with the AWS adapters. */
public record VendAssembly(
        VendService service, JobPorts ports, DynamoDbClient dynamo, StsClient sts, VendConfig config) {

    public static VendAssembly create(VendConfig config, AwsClients aws, Clock clock, PrintStream log) {
        DynamoDbClient dynamo = aws.dynamo();
        StsClient sts = aws.sts();
        JobPorts ports = DynamoJobPorts.create(config, dynamo, clock, log);
        VendService service = new VendService(ports, new StsCredentialIssuer(sts), clock);
        return new VendAssembly(service, ports, dynamo, sts, config);
    }

    public TokenVerifier verifier() {
        return ports.verifier();
    }

    public CachedBindings bindings() {
        return ports.bindings();
    }
}
