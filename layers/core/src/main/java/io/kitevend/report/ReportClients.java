package io.kitevend.report;

import io.kitevend.aws.AwsSettings;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * SDK clients for the report: the same lightweight HTTP client and settings as the vend path's
 * {@code AwsClients}, but with limits for a batch job rather than a request: a Query page is up
 * to 1 MB and a report object a few MB, so an attempt may take seconds, and the standard retry
 * mode (three attempts with backoff) absorbs throttling.
 */
public final class ReportClients {
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final AwsSettings settings;
    private final List<ExecutionInterceptor> interceptors;
    private final SdkHttpClient http;

    public ReportClients(AwsSettings settings) {
        this(settings, List.of());
    }

    /** Interceptors see every call; tests use them to count calls. */
    public ReportClients(AwsSettings settings, List<ExecutionInterceptor> interceptors) {
        this.settings = settings;
        this.interceptors = List.copyOf(interceptors);
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(ATTEMPT_TIMEOUT)
                .build();
    }

    private ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT)
                .retryStrategy(RetryMode.STANDARD)
                .executionInterceptors(interceptors)
                .build();
    }

    public DynamoDbClient dynamo() {
        var b = DynamoDbClient.builder().httpClient(http).region(settings.region())
                .credentialsProvider(settings.credentials()).overrideConfiguration(overrides());
        settings.endpoint().ifPresent(b::endpointOverride);
        return b.build();
    }

    /** With an endpoint override (an emulator) S3 is addressed path-style: no bucket subdomains on loopback. */
    public S3Client s3() {
        var b = S3Client.builder().httpClient(http).region(settings.region())
                .credentialsProvider(settings.credentials()).overrideConfiguration(overrides());
        settings.endpoint().ifPresent(e -> b.endpointOverride(e).forcePathStyle(true));
        return b.build();
    }

    public SnsClient sns() {
        var b = SnsClient.builder().httpClient(http).region(settings.region())
                .credentialsProvider(settings.credentials()).overrideConfiguration(overrides());
        settings.endpoint().ifPresent(b::endpointOverride);
        return b.build();
    }
}
