package io.kitevend.testing;

import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.binding.SecretGrant;
import io.kitevend.job.JobPorts;
import io.kitevend.job.JobSettings;
import io.kitevend.secrets.SecretSource;
import io.kitevend.secrets.SecretUnavailableException;
import io.kitevend.secrets.SecretValue;
import io.kitevend.secrets.SecretsService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SecretsService} on in-memory ports (bindings, replay, audit, and a map of secrets) with
 * a real token verifier against a loopback {@link JwksServer}. The binding {@code deploy-main}
 * (acme/deploy on main) grants {@code NPM_TOKEN} (a whole secret) and {@code DB_PASSWORD} (the key
 * {@code password} of a JSON secret). Audit log lines are captured.
 */
public final class SecretsFixture implements AutoCloseable {
    public static final String PREFIX = "kitevend/";
    public static final String NPM_ID = "kitevend/acme/npm-token";
    public static final String DB_ID = "kitevend/acme/db";

    public final JwksServer jwks;
    public final TokenMinter minter;
    public final InMemoryBindingStore bindingStore = new InMemoryBindingStore();
    public final InMemoryAuditStore auditStore = new InMemoryAuditStore();
    public final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    public final MapSecretSource secrets = new MapSecretSource();
    public final SecretsService service;

    public SecretsFixture() {
        var key = TestKeys.rsa();
        jwks = new JwksServer(key);
        minter = new TokenMinter(key, jwks.issuer(), VendFixture.AUDIENCE);
        var policy = VendFixture.policy(jwks);
        Clock clock = Clock.systemUTC();
        var ports = JobPorts.inMemory(
                new JobSettings(policy, new BindingRules("/kitevend/", Set.of(), PREFIX), Duration.ZERO, true),
                bindingStore,
                auditStore,
                clock,
                new PrintStream(logBytes, true, StandardCharsets.UTF_8));
        service = new SecretsService(ports, secrets, clock);
        bindingStore.put(VendFixture.deployMain()
                .secret("NPM_TOKEN", SecretGrant.whole(NPM_ID))
                .secret("DB_PASSWORD", new SecretGrant(DB_ID, "password"))
                .build());
    }

    /** Secrets in memory: each put is a new version; a secret may be made unreadable (as on an access denial). */
    public static final class MapSecretSource implements SecretSource {
        private final Map<String, SecretValue> current = new ConcurrentHashMap<>();
        private final Set<String> unreadable = ConcurrentHashMap.newKeySet();
        private final AtomicInteger versions = new AtomicInteger();

        /** Stores a new version of a text secret; returns its version id. */
        public String put(String id, String text) {
            String version = "version-" + versions.incrementAndGet();
            current.put(id, new SecretValue(id, version, text, null));
            return version;
        }

        public void remove(String id) {
            current.remove(id);
        }

        public void unreadable(String id) {
            unreadable.add(id);
        }

        @Override
        public SecretValue fetch(String secretId) throws SecretUnavailableException {
            if (unreadable.contains(secretId)) {
                throw new SecretUnavailableException(
                        false, "secret_unreadable", "secret " + secretId + " could not be read: AccessDeniedException");
            }
            SecretValue value = current.get(secretId);
            if (value == null) {
                throw new SecretUnavailableException(
                        true, "secret_not_found", "secret " + secretId + " does not exist");
            }
            return value;
        }
    }

    /** Everything the audit log printed so far. */
    public String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    public List<Map<String, Object>> audits() {
        return auditStore.records();
    }

    /** The last stored audit record. */
    public Map<String, Object> lastAudit() {
        var all = auditStore.records();
        return all.get(all.size() - 1);
    }

    @Override
    public void close() {
        jwks.close();
    }
}
