package io.kitevend.credentials;

import java.time.Instant;

/** Short-lived credentials for one job. {@link #toString()} never shows the secret parts. */
public record IssuedCredentials(
        String accessKeyId,
        String secretAccessKey,
        String sessionToken,
        Instant expiration,
        String assumedRoleArn,
        boolean simulated) {

    @Override
    public String toString() {
        return "IssuedCredentials[accessKeyId=" + accessKeyId + ", expiration=" + expiration + ", assumedRoleArn="
                + assumedRoleArn + (simulated ? ", simulated" : "") + "]";
    }
}
