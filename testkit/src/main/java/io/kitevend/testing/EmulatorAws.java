package io.kitevend.testing;

import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

/** SDK clients pointed at an emulator, in us-east-1, with the emulators' dummy credentials unless told otherwise. */
public final class EmulatorAws {
    public static final AwsCredentialsProvider TEST_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private EmulatorAws() {}

    public static AwsClients clients(URI endpoint, ExecutionInterceptor... interceptors) {
        return clients(endpoint, TEST_CREDENTIALS, interceptors);
    }

    public static AwsClients clients(
            URI endpoint, AwsCredentialsProvider credentials, ExecutionInterceptor... interceptors) {
        return new AwsClients(
                new AwsSettings(Region.US_EAST_1, Optional.of(endpoint), credentials), List.of(interceptors));
    }

    public static IamClient iam(URI endpoint) {
        return iam(endpoint, TEST_CREDENTIALS);
    }

    public static IamClient iam(URI endpoint, AwsCredentialsProvider credentials) {
        return IamClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .credentialsProvider(credentials)
                .build();
    }

    /** An STS client that signs with the given (for example, vended) credentials. */
    public static StsClient sts(URI endpoint, AwsCredentials credentials) {
        return StsClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
    }

    /**
     * Creates the role {@code /kitevend/<name>} trusting the emulator account's root for
     * {@code sts:AssumeRole}, {@code sts:TagSession} and {@code sts:SetSourceIdentity}; returns its ARN.
     */
    public static String createKitevendRole(URI endpoint, String name) {
        String account;
        try (StsClient sts = sts(endpoint, TEST_CREDENTIALS.resolveCredentials())) {
            account = sts.getCallerIdentity().account();
        }
        String trust = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                 "Principal":{"AWS":"arn:aws:iam::%s:root"},
                 "Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}""".formatted(account);
        try (IamClient iam = iam(endpoint)) {
            return iam.createRole(b -> b.path("/kitevend/").roleName(name).assumeRolePolicyDocument(trust))
                    .role()
                    .arn();
        }
    }

    /** A unique table name, so that tests sharing one emulator never see each other's items. */
    public static String table(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
