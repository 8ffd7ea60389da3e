package io.kitevend.credentials;

import java.util.Map;

/** Everything one {@code sts:AssumeRole} call needs, decided before any AWS call is made. */
public record SessionRequest(
        String roleArn,
        String sessionName,
        String sourceIdentity,
        Map<String, String> tags,
        int durationSeconds,
        String sessionPolicy,
        String externalId) {

    public SessionRequest {
        tags = Map.copyOf(tags);
    }
}
