package io.kitevend.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Key pairs made by the tests themselves, with Buildkite-shaped key ids (64 hex characters). */
public final class TestKeys {
    private TestKeys() {}

    public static RSAKey rsa() {
        try {
            return new RSAKeyGenerator(2048)
                    .keyID(randomKid())
                    .keyUse(KeyUse.SIGNATURE)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ec() {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(randomKid())
                    .keyUse(KeyUse.SIGNATURE)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String randomKid() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
