package io.kitevend.aws;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.credentials.CredentialIssuer;
import io.kitevend.credentials.IssuedCredentials;
import io.kitevend.credentials.RoleRefusedException;
import io.kitevend.credentials.SessionRequest;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.Tag;

/** {@code sts:AssumeRole} with session name, source identity, tags, duration, policy and external id. */
public final class StsCredentialIssuer implements CredentialIssuer {
    private final Function<AssumeRoleRequest, AssumeRoleResponse> assumeRole;

    public StsCredentialIssuer(StsClient sts) {
        this(sts::assumeRole);
    }

    /**
     * With another way to make the call: the SnapStart priming answers it with a canned response,
     * so that the rest of this class runs as it does for real and nothing is sent.
     */
    public StsCredentialIssuer(Function<AssumeRoleRequest, AssumeRoleResponse> assumeRole) {
        this.assumeRole = assumeRole;
    }

    @Override
    public IssuedCredentials issue(SessionRequest request) throws RoleRefusedException, DependencyUnavailableException {
        AssumeRoleResponse response;
        try {
            response = assumeRole.apply(assumeRoleRequest(request));
        } catch (AwsServiceException e) {
            if (AwsErrors.isTransient(e)) {
                throw AwsErrors.unavailable("sts", e);
            }
            String code = AwsErrors.errorCode(e);
            if (code == null) {
                code = "HTTP " + e.statusCode();
            }
            // Some emulators send an error body the SDK cannot read; a bare 403 is still a refusal of trust.
            if ("AccessDenied".equals(code) || "AccessDeniedException".equals(code) || e.statusCode() == 403) {
                throw new RoleRefusedException(
                        RoleRefusedException.TRUST_DENIED, "STS AccessDenied assuming " + request.roleArn());
            }
            throw new RoleRefusedException(
                    RoleRefusedException.REFUSED, "STS " + code + " assuming " + request.roleArn());
        } catch (SdkException e) {
            throw AwsErrors.unavailable("sts", e);
        }
        return credentials(response);
    }

    /** The AssumeRole call for a session request. */
    private static AssumeRoleRequest assumeRoleRequest(SessionRequest request) {
        List<Tag> tags = request.tags().entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
        AssumeRoleRequest.Builder call = AssumeRoleRequest.builder()
                .roleArn(request.roleArn())
                .roleSessionName(request.sessionName())
                .sourceIdentity(request.sourceIdentity())
                .durationSeconds(request.durationSeconds());
        if (!tags.isEmpty()) {
            call.tags(tags);
        }
        if (request.sessionPolicy() != null) {
            call.policy(request.sessionPolicy());
        }
        if (request.externalId() != null) {
            call.externalId(request.externalId());
        }
        return call.build();
    }

    /** The credentials of an AssumeRole answer. */
    private static IssuedCredentials credentials(AssumeRoleResponse response) {
        Credentials c = response.credentials();
        return new IssuedCredentials(
                c.accessKeyId(),
                c.secretAccessKey(),
                c.sessionToken(),
                c.expiration(),
                response.assumedRoleUser() == null
                        ? null
                        : response.assumedRoleUser().arn(),
                false);
    }
}
