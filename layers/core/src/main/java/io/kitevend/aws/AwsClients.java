package io.kitevend.aws;

import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds the SDK clients with one lightweight HTTP client (the JDK's URL connection, which is
 * also what fetches the JWKS), explicit region, and bounded time per call so that a slow
 * dependency becomes a 503 well inside the function's timeout.
 */
public final class AwsClients {
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * At most this per call, retries included: a request makes at most five calls (replay, two
     * binding queries when cold, STS, audit), so a slow dependency costs ~15 s before the 503.
     */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

    private final AwsSettings settings;
    private final List<ExecutionInterceptor> interceptors;
    private final SdkHttpClient http;

    public AwsClients(AwsSettings settings) {
        this(settings, List.of());
    }

    /** Interceptors see every call; tests use them to count calls. */
    public AwsClients(AwsSettings settings, List<ExecutionInterceptor> interceptors) {
        this.settings = settings;
        this.interceptors = List.copyOf(interceptors);
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(ATTEMPT_TIMEOUT)
                .build();
    }

    public AwsSettings settings() {
        return settings;
    }

    private ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT)
                // Three attempts with backoff, the same for every service (DynamoDB's legacy default is ten).
                .retryStrategy(RetryMode.STANDARD)
                .executionInterceptors(interceptors)
                .build();
    }

    public DynamoDbClient dynamo() {
        return client(DynamoDbClient.builder());
    }

    public StsClient sts() {
        return client(StsClient.builder());
    }

    /**
     * Builds any service's client the same way: the one HTTP client, the region, the credentials,
     * the limits. The builder may carry service settings already (say, S3 path-style access).
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        builder.httpClient(http)
                .region(settings.region())
                .credentialsProvider(settings.credentials())
                .overrideConfiguration(overrides());
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
