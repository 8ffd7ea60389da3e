package io.kitevend.aws;

import io.kitevend.testing.Emulators;
import java.net.URI;
import org.junit.jupiter.api.Tag;

/**
 * {@link io.kitevend.aws.StsCredentialIssuer} against moto (IAM not enforced here; see
 * {@link VendedCredentialsEnforcedIT} for a moto that enforces it).
 */
@Tag("integration")
class StsCredentialIssuerIT extends StsIssuerChecks {
    @Override
    protected URI endpoint() {
        return Emulators.moto();
    }
}
