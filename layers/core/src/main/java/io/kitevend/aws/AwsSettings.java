package io.kitevend.aws;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where AWS is: the region, an optional endpoint (an emulator such as moto, for local runs and
 * tests) and the credentials kitevend itself uses. In Lambda that is always the SDK's default
 * chain, which under SnapStart reads the container credentials, not environment variables.
 */
public record AwsSettings(Region region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {

    public static AwsSettings defaultChain(Region region, Optional<URI> endpoint) {
        return new AwsSettings(
                region, endpoint, DefaultCredentialsProvider.builder().build());
    }
}
