package io.kitevend.aws;

import io.kitevend.secrets.SecretSource;
import io.kitevend.secrets.SecretUnavailableException;
import io.kitevend.secrets.SecretValue;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** {@code secretsmanager:GetSecretValue} of the current version. */
public final class SecretsManagerSource implements SecretSource {
    private final SecretsManagerClient secrets;

    public SecretsManagerSource(SecretsManagerClient secrets) {
        this.secrets = secrets;
    }

    @Override
    public SecretValue fetch(String secretId) throws SecretUnavailableException {
        GetSecretValueResponse r;
        try {
            r = secrets.getSecretValue(b -> b.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            throw new SecretUnavailableException(true, "secret_not_found", "secret " + secretId + " does not exist");
        } catch (AwsServiceException e) {
            // Throttling and 5xx pass; access denied or a KMS failure needs an admin. Either way the
            // job gets no value, and never an empty one.
            String code = AwsErrors.errorCode(e);
            throw new SecretUnavailableException(
                    false,
                    "secret_unreadable",
                    "secret " + secretId + " could not be read: " + (code == null ? "HTTP " + e.statusCode() : code));
        } catch (SdkException e) {
            throw new SecretUnavailableException(
                    false,
                    "secret_unreadable",
                    "secret " + secretId + " could not be read: " + e.getClass().getSimpleName());
        }
        byte[] binary = r.secretBinary() == null ? null : r.secretBinary().asByteArray();
        return new SecretValue(secretId, r.versionId(), r.secretString(), binary);
    }
}
