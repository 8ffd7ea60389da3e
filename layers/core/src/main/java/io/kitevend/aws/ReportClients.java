package io.kitevend.aws;

import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * SDK clients for the report: built like every other client ({@link AwsClients}), with the limits
 * of a batch job rather than a request.
 */
public final class ReportClients {
    private final AwsClients clients;

    public ReportClients(AwsSettings settings) {
        this(settings, List.of());
    }

    /** Interceptors see every call; tests use them to count calls. */
    public ReportClients(AwsSettings settings, List<ExecutionInterceptor> interceptors) {
        this.clients = new AwsClients(settings, interceptors, AwsClients.Limits.BATCH);
    }

    public DynamoDbClient dynamo() {
        return clients.dynamo();
    }

    /** With an endpoint override (an emulator) S3 is addressed path-style: no bucket subdomains on loopback. */
    public S3Client s3() {
        return clients.client(
                S3Client.builder().forcePathStyle(clients.settings().endpoint().isPresent()));
    }

    public SnsClient sns() {
        return clients.client(SnsClient.builder());
    }
}
