package io.kitevend.aws;

import java.net.URI;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The store, replay, audit and STS checks that run against moto and dynalite, run once more
 * against LocalStack when a Docker engine is present. Without one the whole class is skipped.
 */
@Tag("integration")
@Testcontainers(disabledWithoutDocker = true)
class LocalStackIT {

    /**
     * A pinned release: from March 2026 {@code localstack/localstack:latest} needs an auth token,
     * which is passed on when the environment has one.
     */
    @Container
    static final LocalStackContainer LOCALSTACK =
            withAuthToken(new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4")));

    private static LocalStackContainer withAuthToken(LocalStackContainer container) {
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        return token == null || token.isBlank() ? container : container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
    }

    /** The checks sign with test/test in us-east-1, which is what LocalStack accepts by default. */
    private static URI localstack() {
        return LOCALSTACK.getEndpoint();
    }

    @Nested
    class BindingStore extends BindingStoreChecks {
        @Override
        protected URI endpoint() {
            return localstack();
        }
    }

    @Nested
    class ReplayGuard extends ReplayGuardChecks {
        @Override
        protected URI endpoint() {
            return localstack();
        }
    }

    @Nested
    class AuditStore extends AuditStoreChecks {
        @Override
        protected URI endpoint() {
            return localstack();
        }
    }

    @Nested
    class StsIssuer extends StsIssuerChecks {
        @Override
        protected URI endpoint() {
            return localstack();
        }
    }
}
