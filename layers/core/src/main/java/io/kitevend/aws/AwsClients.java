package io.kitevend.aws;

import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
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
    /** How long one attempt and one call (retries included) may take, and how long a connection may take to open. */
    public record Limits(Duration connect, Duration attempt, Duration call) {
        /**
         * For a request path: a request makes at most five calls (replay, two binding queries when
         * cold, STS, audit), so a slow dependency costs ~15 s before the 503.
         */
        public static final Limits REQUEST =
                new Limits(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(3));
        /** For a batch job (the report): a Query page is up to 1 MB and a report object a few MB. */
        public static final Limits BATCH =
                new Limits(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(60));
        /**
         * For setting up (the local runner creating tables in an emulator and loading bindings):
         * an emulator under load may take seconds to create a table, and nobody is waiting on a
         * request meanwhile.
         */
        public static final Limits SETUP =
                new Limits(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(90));
    }

    private final AwsSettings settings;
    private final List<ExecutionInterceptor> interceptors;
    private final Limits limits;
    private final SdkHttpClient http;

    public AwsClients(AwsSettings settings) {
        this(settings, List.of());
    }

    /** Interceptors see every call; tests use them to count calls. */
    public AwsClients(AwsSettings settings, List<ExecutionInterceptor> interceptors) {
        this(settings, interceptors, Limits.REQUEST);
    }

    public AwsClients(AwsSettings settings, List<ExecutionInterceptor> interceptors, Limits limits) {
        this(
                settings,
                interceptors,
                limits,
                UrlConnectionHttpClient.builder()
                        .connectionTimeout(limits.connect())
                        .socketTimeout(limits.attempt())
                        .build());
    }

    /** Clients over another HTTP client: SnapStart priming's, which answers in process. */
    public AwsClients(
            AwsSettings settings, List<ExecutionInterceptor> interceptors, Limits limits, SdkHttpClient http) {
        this.settings = settings;
        this.interceptors = List.copyOf(interceptors);
        this.limits = limits;
        this.http = http;
    }

    public AwsSettings settings() {
        return settings;
    }

    private ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(limits.attempt())
                .apiCallTimeout(limits.call())
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
