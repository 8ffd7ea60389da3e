package io.kitevend.credentials;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Stands in for STS where there is no AWS (the local runner's embedded default, unit tests). Its
 * credentials say they are simulated, and are shaped so that AWS rejects them on sight: the
 * access key id starts with {@code SIMULATED}, which no AWS key does.
 */
public final class SimulatedCredentialIssuer implements CredentialIssuer {
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public SimulatedCredentialIssuer(Clock clock) {
        this.clock = clock;
    }

    @Override
    public IssuedCredentials issue(SessionRequest request) {
        byte[] id = new byte[6];
        byte[] secret = new byte[20];
        byte[] token = new byte[32];
        random.nextBytes(id);
        random.nextBytes(secret);
        random.nextBytes(token);
        HexFormat hex = HexFormat.of().withUpperCase();
        String[] arn = request.roleArn().split(":", 6);
        String roleName = arn.length == 6 ? arn[5].substring(arn[5].lastIndexOf('/') + 1) : "role";
        String account = arn.length == 6 ? arn[4] : "000000000000";
        return new IssuedCredentials(
                "SIMULATED" + hex.formatHex(id),
                "simulated-" + HexFormat.of().formatHex(secret),
                "simulated-" + HexFormat.of().formatHex(token),
                clock.instant().plusSeconds(request.durationSeconds()),
                "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + request.sessionName(),
                true);
    }
}
