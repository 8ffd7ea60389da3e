package io.kitevend.testing;

import com.nimbusds.jose.jwk.RSAKey;
import io.kitevend.admin.AdminRequest;
import io.kitevend.admin.AdminService;
import io.kitevend.admin.Caller;
import io.kitevend.assembly.AdminAssembly;
import io.kitevend.audit.AuditQuery;
import io.kitevend.audit.AuditStore;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.config.AdminConfig;
import io.kitevend.config.Settings;
import io.kitevend.credentials.SimulatedCredentialIssuer;
import io.kitevend.http.HttpRequest;
import io.kitevend.http.HttpResponse;
import io.kitevend.job.JobPorts;
import io.kitevend.job.JobSettings;
import io.kitevend.token.SigningKeys;
import io.kitevend.token.TokenVerifier;
import io.kitevend.vend.VendService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The admin service on given (or in-memory) stores, configured as a deployment would be: readers
 * and writers by IAM role patterns, a corporate JWT issuer with groups, organizations {@code acme}
 * and {@code globex}, roles under {@code /kitevend/} in two accounts. Tokens for explain and for
 * the vend path come from one test key served on loopback (shared by every fixture of the JVM).
 * {@link #vend} builds the vend path on the SAME binding store.
 */
public final class AdminFixture {
    public static final String ACCOUNT = "123456789012";
    public static final String OTHER_ACCOUNT = "210987654321";
    public static final String READER =
            "arn:aws:sts::" + ACCOUNT + ":assumed-role/AWSReservedSSO_KitevendReaders_0a1b2c/alice@example.com";
    public static final String WRITER =
            "arn:aws:sts::" + ACCOUNT + ":assumed-role/AWSReservedSSO_KitevendAdmins_3d4e5f/bob@example.com";
    public static final String STRANGER = "arn:aws:sts::" + ACCOUNT + ":assumed-role/Developer/carol@example.com";
    public static final String CORPORATE_ISSUER = "https://idp.example.com/oauth2/default";
    public static final String READER_GROUP = "kitevend-readers";
    public static final String WRITER_GROUP = "kitevend-admins";
    public static final String ROLE_ARN = "arn:aws:iam::" + ACCOUNT + ":role/kitevend/deployer";

    private static RSAKey key;
    private static JwksServer jwks;

    public final BindingStore bindingStore;
    public final AuditStore auditStore;
    public final AuditQuery auditQuery;
    public final MutableClock clock;
    public final AdminConfig config;
    public final AdminService admin;
    public final TokenMinter minter;
    public final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    /** On in-memory stores. */
    public AdminFixture() {
        this(new InMemoryBindingStore(), new InMemoryAuditStore());
    }

    public <A extends AuditStore & AuditQuery> AdminFixture(BindingStore bindings, A audit) {
        this(bindings, audit, audit, Map.of());
    }

    /** {@code env} may change or add settings to the fixture's environment. */
    public AdminFixture(BindingStore bindings, AuditStore auditStore, AuditQuery auditQuery, Map<String, String> env) {
        this.bindingStore = bindings;
        this.auditStore = auditStore;
        this.auditQuery = auditQuery;
        this.clock = new MutableClock(Instant.now());
        this.minter = new TokenMinter(key(), jwks().issuer(), VendFixture.AUDIENCE);
        Map<String, String> all = new HashMap<>(environment());
        all.putAll(env);
        this.config = AdminConfig.from(new Settings(all));
        TokenVerifier verifier = new TokenVerifier(config.token(), SigningKeys.fromUrl(config.token(), clock), clock);
        this.admin = AdminAssembly.create(config, bindings, auditStore, auditQuery, verifier, clock, log)
                .service();
    }

    /** The environment of the fixture's deployment. */
    public static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("KITEVEND_ISSUER", jwks().issuer());
        env.put("KITEVEND_JWKS_URL", jwks().jwksUrl().toString());
        env.put("KITEVEND_AUDIENCE", VendFixture.AUDIENCE);
        env.put("KITEVEND_ORGANIZATIONS", "acme,globex");
        env.put("KITEVEND_BINDINGS_TABLE", "kitevend-bindings");
        env.put("KITEVEND_AUDIT_TABLE", "kitevend-audit");
        env.put("KITEVEND_ROLE_PATH", "/kitevend/");
        env.put("KITEVEND_ALLOWED_ACCOUNTS", ACCOUNT + "," + OTHER_ACCOUNT);
        env.put(
                "KITEVEND_ADMIN_READERS",
                "arn:aws:sts::" + ACCOUNT + ":assumed-role/AWSReservedSSO_KitevendReaders_*/*");
        env.put(
                "KITEVEND_ADMIN_WRITERS",
                "arn:aws:sts::" + ACCOUNT + ":assumed-role/AWSReservedSSO_KitevendAdmins_*/*");
        env.put("KITEVEND_ADMIN_JWT_ISSUER", CORPORATE_ISSUER);
        env.put("KITEVEND_ADMIN_JWT_READER_GROUPS", READER_GROUP);
        env.put("KITEVEND_ADMIN_JWT_WRITER_GROUPS", WRITER_GROUP);
        return env;
    }

    public static synchronized RSAKey key() {
        if (key == null) {
            key = TestKeys.rsa();
        }
        return key;
    }

    /** The JVM's one Buildkite-like issuer on loopback, serving {@link #key()}. */
    public static synchronized JwksServer jwks() {
        if (jwks == null) {
            jwks = new JwksServer(key());
            Runtime.getRuntime().addShutdownHook(new Thread(jwks::close));
        }
        return jwks;
    }

    /**
     * The vend path on the same binding store: real token verification, simulated STS, bindings
     * cached for {@code cacheTtl} by the fixture's clock, replay protection on or off.
     */
    public VendService vend(Duration cacheTtl, boolean replayProtection) {
        var ports = JobPorts.inMemory(
                new JobSettings(config.token(), config.bindingRules(), cacheTtl, replayProtection),
                bindingStore,
                new InMemoryAuditStore(),
                clock,
                log);
        return new VendService(ports, new SimulatedCredentialIssuer(clock), clock);
    }

    public HttpResponse send(Request request) {
        return admin.handle(request.build());
    }

    public String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    /** A valid binding of {@code acme} for pipeline {@code deploy} on branch main. */
    public static Binding.Builder binding(String name) {
        return Binding.builder()
                .name(name)
                .organization("acme")
                .pipeline("deploy")
                .condition("build_branch", "main")
                .roleArn(ROLE_ARN);
    }

    public static Request request(String method, String path) {
        return new Request(method, path);
    }

    public static Caller iam(String arn) {
        return new Caller.Iam(arn);
    }

    /** A caller of the corporate identity provider in {@code groups}: its verified token's claims. */
    public static Caller corporate(String subject, String... groups) {
        return new Caller.Jwt(Map.of("iss", CORPORATE_ISSUER, "sub", subject, "groups", List.of(groups)));
    }

    /** A request to the admin service, built up by a test. */
    public static final class Request {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, String> query = new LinkedHashMap<>();
        private String body;
        private Caller caller = new Caller.Iam(WRITER);
        private String requestId = UUID.randomUUID().toString();

        Request(String method, String path) {
            this.method = method;
            this.path = path;
        }

        public Request as(Caller c) {
            caller = c;
            return this;
        }

        public Request header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Request query(String name, String value) {
            query.put(name, value);
            return this;
        }

        public Request ifMatch(long version) {
            return header("If-Match", "\"" + version + "\"");
        }

        public Request requestId(String id) {
            requestId = id;
            return this;
        }

        public Request json(String json) {
            body = json;
            headers.putIfAbsent("Content-Type", "application/json");
            return this;
        }

        public Request yaml(String yaml) {
            body = yaml;
            headers.putIfAbsent("Content-Type", "application/yaml");
            return this;
        }

        public AdminRequest build() {
            return new AdminRequest(
                    new HttpRequest(
                            requestId, Instant.now(), method, path, headers, body, "198.51.100.7", "kitevend-cli/0.1"),
                    query,
                    caller);
        }
    }
}
