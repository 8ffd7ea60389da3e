package io.kitevend.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kitevend.DependencyUnavailableException;
import io.kitevend.admin.AdminRoute;
import io.kitevend.admin.BindingAdmin;
import io.kitevend.admin.PrincipalPattern;
import io.kitevend.assembly.AdminAssembly;
import io.kitevend.assembly.DynamoJobPorts;
import io.kitevend.assembly.SecretsAssembly;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.StsCredentialIssuer;
import io.kitevend.aws.Tables;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.BindingStore;
import io.kitevend.binding.BindingsDocument;
import io.kitevend.binding.FieldError;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.config.AdminConfig;
import io.kitevend.config.SecretsConfig;
import io.kitevend.config.Settings;
import io.kitevend.config.VendConfig;
import io.kitevend.credentials.CredentialIssuer;
import io.kitevend.credentials.SimulatedCredentialIssuer;
import io.kitevend.function.admin.AdminHandler;
import io.kitevend.function.secrets.SecretsHandler;
import io.kitevend.function.vend.VendHandler;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import io.kitevend.job.JobPorts;
import io.kitevend.json.Json;
import io.kitevend.secrets.FileSecretSource;
import io.kitevend.secrets.SecretsService;
import io.kitevend.vend.VendService;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Every function's routes on 127.0.0.1, each request turned into the API Gateway event Lambda
 * would send and given to the real handler class. The job routes ({@code /v1/credentials} and
 * {@code /v1/secrets}) share one binding store, replay guard and audit trail, as deployed functions
 * share their tables. Also serves the dev routes: the dev issuer (discovery, JWKS, token minting)
 * and the bindings and recent audit records, under paths API Gateway would never route.
 *
 * <p>The dev issuer mints, for anyone who asks, tokens the runner trusts. So the dev routes are on
 * only when nothing real is behind the runner (everything in memory, STS simulated), or when asked
 * for ({@code --dev-routes}); and the runner answers only requests addressed to its own loopback
 * address, so that a web page cannot reach it through a name that resolves to 127.0.0.1 (DNS
 * rebinding).
 */
public final class LocalRunner implements AutoCloseable {
    /** API Gateway's own limit on a request body. */
    static final int MAX_GATEWAY_BODY = 10 * 1024 * 1024;

    public enum Mode {
        EMBEDDED,
        ENDPOINT,
        AWS
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Routes routes = new Routes();
    private final IamAuthorizer iam;
    /** The admin JWT API (the stack's AdminJwtApi): its own port, routes and authorizer; null when not configured. */
    private final HttpServer jwtServer;

    private final Routes jwtRoutes = new Routes();
    private final JwtAuthorizer jwt;
    /** The dev admin key, accepted when no keys were configured ({@link DevAdminKey}), else null. */
    private final IamAuthorizer.AccessKey devAdminKey;

    private final Path devAdminKeyFile;

    private final DevIssuer devIssuer;
    /**
     * The newest audit records the runner's store accepted, for {@code GET /dev/audit} whichever
     * store it uses: the embedded store itself, or a bounded copy beside DynamoDB.
     */
    private final InMemoryAuditStore recentAudit;

    /** Whether the dev issuer (unless another issuer is trusted) and /dev/* are served. */
    private final boolean devRoutes;

    private final BindingStore bindingStore;
    private final VendConfig config;
    private final Mode mode;
    private final PrintStream requestLog;
    private final Clock clock = Clock.systemUTC();

    private LocalRunner(RunnerOptions options, PrintStream out, PrintStream requestLog) throws Exception {
        this.requestLog = requestLog;
        this.mode = options.aws ? Mode.AWS : options.awsEndpoint != null ? Mode.ENDPOINT : Mode.EMBEDDED;
        if (options.aws && options.awsEndpoint != null) {
            throw new IllegalArgumentException("choose one of --aws and --aws-endpoint");
        }
        if (options.secretsFile != null && mode != Mode.EMBEDDED) {
            throw new IllegalArgumentException(
                    "--secrets-file is for the embedded runner; with --aws-endpoint or --aws "
                            + "secrets come from Secrets Manager");
        }
        if (options.secretsFile != null && !Files.isRegularFile(options.secretsFile)) {
            throw new NoSuchFileException(options.secretsFile.toString());
        }
        devRoutes = mode == Mode.EMBEDDED || options.devRoutes;
        server = listen(options.port, "--port");
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        devIssuer = devRoutes && options.issuer == null ? new DevIssuer(base, clock) : null;
        String trustedDevIssuer = devIssuer == null ? null : base;
        // The secrets function reads every setting of the vend function and two of its own.
        SecretsConfig secretsConfig = SecretsConfig.from(new Settings(options.environment(trustedDevIssuer)));
        config = secretsConfig.vend();
        List<IamAuthorizer.AccessKey> adminKeys = options.adminKeys();
        devAdminKeyFile = adminKeys.isEmpty() ? options.devAdminKeyFile : null;
        if (!adminKeys.isEmpty()) {
            devAdminKey = null;
        } else if (options.devAdminKeyFile != null) {
            devAdminKey = DevAdminKey.loadOrCreate(options.devAdminKeyFile, new SecureRandom());
        } else {
            devAdminKey = IamAuthorizer.generateLocalAdminKey(new SecureRandom());
        }
        iam = new IamAuthorizer(
                devAdminKey == null ? adminKeys : List.of(devAdminKey),
                config.region().id(),
                clock);
        BindingCompiler compiler = new BindingCompiler(config.bindingRules());
        List<Binding> seed = List.of();
        if (options.bindings != null) {
            Set<String> organizations = config.token().organizations();
            try {
                seed = BindingsDocument.parse(
                        Files.readString(options.bindings), b -> BindingAdmin.validate(compiler, organizations, b));
            } catch (BindingsDocument.InvalidDocumentException e) {
                throw new BindingsFileException(options.bindings, organizations, e.errors());
            }
        }

        Map<String, String> adminEnv = new LinkedHashMap<>(options.environment(trustedDevIssuer));
        adminEnv.put(
                AdminConfig.WRITERS,
                options.adminWriters != null
                        ? options.adminWriters
                        : String.join(
                                ",",
                                iam.keys().stream()
                                        .map(key -> PrincipalPattern.admitting(key.principalArn()))
                                        .distinct()
                                        .toList()));
        if (options.adminReaders != null) {
            adminEnv.put(AdminConfig.READERS, options.adminReaders);
        }
        if ((options.adminJwtIssuer == null) != (options.adminJwtAudience == null)) {
            throw new IllegalArgumentException("--admin-jwt-issuer and --admin-jwt-audience go together");
        }
        putIfSet(adminEnv, AdminConfig.JWT_ISSUER, options.adminJwtIssuer);
        putIfSet(adminEnv, AdminConfig.JWT_GROUPS_CLAIM, options.adminJwtGroupsClaim);
        putIfSet(adminEnv, AdminConfig.JWT_READER_GROUPS, options.adminJwtReaderGroups);
        putIfSet(adminEnv, AdminConfig.JWT_WRITER_GROUPS, options.adminJwtWriterGroups);
        AdminConfig adminConfig = AdminConfig.from(new Settings(adminEnv));

        // The job routes share one set of job ports: a token used on one route is refused on the other.
        JobPorts ports;
        CredentialIssuer issuer;
        SecretsService secrets;
        AdminAssembly admin;
        if (mode == Mode.EMBEDDED) {
            InMemoryBindingStore store = new InMemoryBindingStore();
            seed.forEach(store::put);
            bindingStore = store;
            InMemoryAuditStore memory = new InMemoryAuditStore();
            recentAudit = memory;
            ports = JobPorts.inMemory(config.job(), store, memory, clock, out);
            issuer = new SimulatedCredentialIssuer(clock);
            // The file is read once, here, so there is nothing to cache: --secrets-cache applies to Secrets Manager.
            FileSecretSource file =
                    options.secretsFile != null ? FileSecretSource.read(options.secretsFile) : FileSecretSource.empty();
            secrets = new SecretsService(ports, file, clock);
            admin = AdminAssembly.create(adminConfig, store, memory, memory, ports.verifier(), clock, out);
        } else {
            AwsSettings settings = localSettings(config.region(), config.awsEndpoint());
            AwsClients aws = new AwsClients(settings);
            DynamoDbClient dynamo = aws.dynamo();
            BindingStore store = new DynamoBindingStore(dynamo, config.bindingsTable());
            setUp(settings, config, mode, seed);
            bindingStore = store;
            InMemoryAuditStore recent = new InMemoryAuditStore();
            recentAudit = recent;
            ports = DynamoJobPorts.create(config, dynamo, clock, out, durable -> record -> {
                durable.put(record);
                recent.put(record);
            });
            issuer = new StsCredentialIssuer(aws.sts());
            secrets = SecretsAssembly.create(secretsConfig, aws, ports, clock).service();
            admin = AdminAssembly.create(adminConfig, aws, clock, out);
        }
        VendService vend = new VendService(ports, issuer, clock);
        AdminHandler adminHandler = new AdminHandler(admin.service(), clock);
        // The admin function's route table, IAM-authorized as on the stack's main API.
        for (String route : AdminRoute.routeKeys()) {
            mount(route, Routes.Authorization.AWS_IAM, adminHandler);
        }
        mount("POST /v1/credentials", Routes.Authorization.NONE, new VendHandler(vend, clock));
        mount("POST /v1/secrets", Routes.Authorization.NONE, new SecretsHandler(secrets, clock));

        executor = Executors.newVirtualThreadPerTaskExecutor();
        if (options.adminJwtIssuer != null) {
            jwt = new JwtAuthorizer(options.adminJwtIssuer, List.of(options.adminJwtAudience), clock);
            for (String route : AdminRoute.routeKeys()) {
                jwtRoutes.add(route, Routes.Authorization.JWT, adminHandler);
            }
            jwtServer = listen(options.adminJwtPort, "--admin-jwt-port");
            jwtServer.setExecutor(executor);
            jwtServer.createContext("/", exchange -> handle(exchange, jwtServer, jwtRoutes));
            jwtServer.start();
        } else {
            jwt = null;
            jwtServer = null;
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, server, routes));
        server.start();
    }

    /** The bindings file the runner was to start with has problems: each with its field, and the file. */
    static final class BindingsFileException extends Exception {
        private final transient Path file;
        private final transient Set<String> organizations;
        private final transient List<FieldError> errors;

        BindingsFileException(Path file, Set<String> organizations, List<FieldError> errors) {
            super(file + ": " + errors.size() + " problem(s)", null, false, false);
            this.file = file;
            this.organizations = organizations;
            this.errors = errors;
        }

        /** What the user reads: the file, then each problem on its own line, and the fix for organizations. */
        List<String> lines() {
            List<String> lines = new ArrayList<>();
            if (errors.size() == 1 && errors.get(0).code().equals("unparseable")) {
                lines.add(file + " " + errors.get(0).message());
                return lines;
            }
            lines.add("the bindings file " + file + " has problems:");
            errors.forEach(e -> lines.add("  " + e.field() + ": " + e.message()));
            if (errors.stream().anyMatch(e -> e.code().equals(BindingAdmin.ORGANIZATION_NOT_ALLOWED))) {
                lines.add("  (this runner accepts tokens of " + String.join(",", organizations)
                        + " only: give every organization of the file with --organizations ORG1,ORG2)");
            }
            return lines;
        }
    }

    /** A server on 127.0.0.1:{@code port}; a port in use is named, with the option that sets it. */
    private static HttpServer listen(int port, String option) throws IOException {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        } catch (BindException e) {
            throw new IllegalArgumentException("cannot listen on 127.0.0.1:" + port + ": the port is in use (another"
                    + " ./kitevend dev?). Stop what holds it, or give " + option + " with another port (0 picks a free"
                    + " one).");
        }
    }

    /**
     * Creates the tables (at an endpoint) and stores the bindings to start with, with limits of
     * their own: an emulator under load takes seconds to create a table, longer than a request's
     * calls may take. A failure says what could not be done where, and why.
     */
    private static void setUp(AwsSettings settings, VendConfig config, Mode mode, List<Binding> seed) {
        DynamoDbClient dynamo = new AwsClients(settings, List.of(), AwsClients.Limits.SETUP).dynamo();
        String where = settings.endpoint().map(e -> "DynamoDB at " + e).orElse("DynamoDB in " + settings.region());
        String step = "creating the tables";
        try {
            if (mode == Mode.ENDPOINT) {
                Tables.ensure(dynamo, config.bindingsTable(), config.auditTable(), config.replayTable());
            }
            step = "storing the bindings to start with in " + config.bindingsTable();
            BindingStore store = new DynamoBindingStore(dynamo, config.bindingsTable());
            for (Binding b : seed) {
                store.put(b);
            }
        } catch (SdkException | DependencyUnavailableException e) {
            throw new IllegalArgumentException("cannot set up " + where + " (" + step + "): " + Main.reason(e), e);
        }
    }

    private static void putIfSet(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }

    /**
     * AWS for a local run: at an emulator endpoint, placeholder credentials unless the environment
     * gives some (emulators accept any); otherwise the SDK's default chain.
     */
    static AwsSettings localSettings(Region region, Optional<URI> endpoint) {
        var credentials = endpoint.isPresent() && System.getenv("AWS_ACCESS_KEY_ID") == null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("kitevend-local", "kitevend-local"))
                : DefaultCredentialsProvider.builder().build();
        return new AwsSettings(region, endpoint, credentials);
    }

    public static LocalRunner start(RunnerOptions options, PrintStream out, PrintStream requestLog) throws Exception {
        return new LocalRunner(options, out, requestLog);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public Mode mode() {
        return mode;
    }

    public VendConfig config() {
        return config;
    }

    public DevIssuer devIssuer() {
        return devIssuer;
    }

    /** Whether the dev routes (/dev/*, and the dev issuer unless --issuer) are served. */
    public boolean devRoutes() {
        return devRoutes;
    }

    /**
     * Routes {@code routeKey} ({@code "METHOD /path"}, path parameters as {@code {name}}, e.g.
     * {@code "PUT /v1/admin/bindings/{organization}/{name}"}) to a handler, as an API Gateway route
     * with this authorization. With {@link Routes.Authorization#AWS_IAM} only requests signed with
     * one of the runner's admin keys reach the handler, with {@code requestContext.authorizer.iam}
     * filled in; every other request is answered 403 {@code {"message":"Forbidden"}}.
     */
    public void mount(
            String routeKey,
            Routes.Authorization authorization,
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        api(authorization).add(routeKey, authorization, handler);
    }

    /** JWT-authorized routes are on the admin JWT API, every other route on the main one. */
    private Routes api(Routes.Authorization authorization) {
        if (authorization != Routes.Authorization.JWT) {
            return routes;
        }
        if (jwtServer == null) {
            throw new IllegalStateException("no admin JWT API: start the runner with --admin-jwt-issuer");
        }
        return jwtRoutes;
    }

    /**
     * As {@link #mount}, for a route key the runner already serves (such as an admin route): its
     * handler is replaced, so that a test can stand a handler of its own in for a function.
     */
    public void replace(
            String routeKey,
            Routes.Authorization authorization,
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        Routes api = api(authorization);
        api.remove(routeKey);
        api.add(routeKey, authorization, handler);
    }

    /** The admin JWT API's URL, when the runner serves one. */
    public Optional<URI> jwtUrl() {
        return Optional.ofNullable(jwtServer)
                .map(s -> URI.create("http://127.0.0.1:" + s.getAddress().getPort()));
    }

    /** The admin JWT API's authorizer, when the runner serves one. */
    public Optional<JwtAuthorizer> jwtAuthorizer() {
        return Optional.ofNullable(jwt);
    }

    /** The access keys IAM-authorized routes accept. */
    public IamAuthorizer iamAuthorizer() {
        return iam;
    }

    /** The dev admin key the runner accepts because no keys were configured. */
    public Optional<IamAuthorizer.AccessKey> devAdminKey() {
        return Optional.ofNullable(devAdminKey);
    }

    /** Where the dev admin key is kept; empty when it is this run's only, or not used. */
    public Optional<Path> devAdminKeyFile() {
        return Optional.ofNullable(devAdminKeyFile);
    }

    public List<Map<String, Object>> auditRecords() {
        return recentAudit.records();
    }

    private void handle(HttpExchange exchange, HttpServer on, Routes api) throws IOException {
        long started = System.nanoTime();
        String requestId = ApiGatewayEvents.newRequestId();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        int status;
        StringBuilder note = new StringBuilder();
        try {
            int port = on.getAddress().getPort();
            if (addressedToThisRunner(exchange.getRequestHeaders().get("Host"), port)) {
                status = route(exchange, api, method, path, requestId, note);
            } else {
                note.append(" host=refused");
                status = sendProblem(
                        exchange,
                        Problem.of(
                                ProblemType.FORBIDDEN,
                                "The local runner answers only requests addressed to its own loopback address: Host "
                                        + "127.0.0.1:" + port + ", localhost:" + port + " or [::1]:" + port + "."),
                        requestId);
            }
        } catch (RuntimeException e) {
            // A bug in the runner itself: say so without details, as API Gateway would.
            status = 500;
            sendProblem(exchange, Problem.of(ProblemType.INTERNAL_ERROR, "The local runner failed."), requestId);
        } finally {
            exchange.close();
        }
        requestLog.printf(
                "%s %s %s %d %dms request_id=%s%s%n",
                Instant.now(), method, path, status, (System.nanoTime() - started) / 1_000_000, requestId, note);
    }

    private int route(
            HttpExchange exchange, Routes api, String method, String path, String requestId, StringBuilder note)
            throws IOException {
        if (api == routes) {
            Integer served = serveDev(exchange, method, path, requestId);
            if (served != null) {
                return served;
            }
        }
        String rawPath = exchange.getRequestURI().getRawPath();
        var match = api.match(method, rawPath);
        if (match.isEmpty()) {
            boolean pathKnown = api.pathKnown(rawPath);
            return sendProblem(
                    exchange,
                    pathKnown
                            ? Problem.of(ProblemType.METHOD_NOT_ALLOWED, "This path does not accept " + method + ".")
                            : Problem.of(ProblemType.NOT_FOUND, "No route for " + method + " " + path + "."),
                    requestId);
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_GATEWAY_BODY + 1);
        }
        if (body.length > MAX_GATEWAY_BODY) {
            return sendProblem(
                    exchange, Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "The request is over 10 MiB."), requestId);
        }
        Routes.Route route = match.get().route();
        IamAuthorizer.Caller caller = null;
        if (route.authorization() == Routes.Authorization.AWS_IAM) {
            IamAuthorizer.Result result = iam.authorize(
                    method, rawPath, exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
            if (result instanceof IamAuthorizer.Denied denied) {
                note.append(" iam=denied:").append(denied.reason());
                return sendForbidden(exchange, requestId);
            }
            caller = ((IamAuthorizer.Allowed) result).caller();
            note.append(" iam=").append(caller.userArn());
        }
        JwtAuthorizer.Allowed jwtCaller = null;
        if (route.authorization() == Routes.Authorization.JWT) {
            JwtAuthorizer.Result result = jwt.authorize(exchange.getRequestHeaders());
            if (result instanceof JwtAuthorizer.Denied denied) {
                note.append(" jwt=denied:").append(denied.reason());
                return sendUnauthorized(exchange, requestId);
            }
            jwtCaller = (JwtAuthorizer.Allowed) result;
            note.append(" jwt=").append(jwtCaller.claims().get("sub"));
        }
        APIGatewayV2HTTPEvent event = ApiGatewayEvents.toEvent(
                ApiGatewayEvents.Received.from(exchange, body),
                match.get(),
                caller != null
                        ? APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withIam(caller.toIam())
                                .build()
                        : jwtCaller != null ? jwtCaller.toAuthorizer() : null,
                requestId,
                clock.instant());
        APIGatewayV2HTTPResponse response = route.handler().handleRequest(event, null);
        ApiGatewayEvents.send(exchange, response, requestId);
        return response.getStatusCode();
    }

    /**
     * True when the request names this runner in its Host header: exactly one Host, which is
     * 127.0.0.1, localhost or [::1] with this port (the port may be left out only on port 80). A
     * browser sends the name it resolved, so a page served from another name that resolves to
     * 127.0.0.1 (DNS rebinding) is refused.
     */
    static boolean addressedToThisRunner(List<String> hostHeaders, int port) {
        if (hostHeaders == null || hostHeaders.size() != 1) {
            return false;
        }
        String host = hostHeaders.get(0).strip().toLowerCase(Locale.ROOT);
        for (String name : List.of("127.0.0.1", "localhost", "[::1]")) {
            if (host.equals(name + ":" + port) || (port == 80 && host.equals(name))) {
                return true;
            }
        }
        return false;
    }

    /** The dev issuer and the runner's own views, on paths API Gateway would never route; null for other requests. */
    private Integer serveDev(HttpExchange exchange, String method, String path, String requestId) throws IOException {
        if (!devRoutes) {
            return null;
        }
        if (devIssuer != null && method.equals("GET") && path.equals("/.well-known/jwks")) {
            return sendJson(exchange, 200, devIssuer.jwksJson());
        }
        if (devIssuer != null && method.equals("GET") && path.equals("/.well-known/openid-configuration")) {
            return sendJson(exchange, 200, devIssuer.discoveryJson());
        }
        if (devIssuer != null && method.equals("POST") && path.equals("/dev/token")) {
            return mintToken(exchange, requestId);
        }
        if (method.equals("GET") && path.equals("/dev/bindings")) {
            return sendJson(exchange, 200, allBindingsJson());
        }
        if (method.equals("GET") && path.equals("/dev/audit")) {
            return sendJson(exchange, 200, Json.write(Map.of("records", recentAudit.records())));
        }
        return null;
    }

    private int mintToken(HttpExchange exchange, String requestId) throws IOException {
        JsonNode req;
        try (InputStream in = exchange.getRequestBody()) {
            req = Json.readTree(new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return sendProblem(exchange, Problem.of(ProblemType.MALFORMED_REQUEST, "Send a JSON object."), requestId);
        }
        if (req == null || !req.isObject()) {
            return sendProblem(exchange, Problem.of(ProblemType.MALFORMED_REQUEST, "Send a JSON object."), requestId);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        JsonNode claims = req.get("claims");
        if (claims != null && claims.isObject()) {
            claims.fields()
                    .forEachRemaining(e -> extra.put(e.getKey(), e.getValue().asText()));
        }
        try {
            String token = devIssuer.mint(new DevIssuer.TokenRequest(
                    text(req, "organization"),
                    text(req, "pipeline"),
                    req.has("audience") ? text(req, "audience") : config.token().audience(),
                    text(req, "branch"),
                    text(req, "tag"),
                    text(req, "step_key"),
                    text(req, "build_source"),
                    req.has("build_number") ? req.get("build_number").asLong() : null,
                    req.has("lifetime") ? req.get("lifetime").asInt() : null,
                    extra));
            return sendJson(exchange, 200, Json.write(Map.of("token", token)));
        } catch (IllegalArgumentException e) {
            return sendProblem(exchange, Problem.of(ProblemType.MALFORMED_REQUEST, e.getMessage()), requestId);
        }
    }

    /** Every binding of the accepted organizations, as a bindings document (the report's input). */
    private String allBindingsJson() {
        var list = JsonNodeFactory.instance.arrayNode();
        try {
            for (String org : config.token().organizations()) {
                String after = null;
                do {
                    var page = bindingStore.list(org, after, 100);
                    page.bindings().forEach(b -> list.add(BindingsDocument.toJson(b)));
                    after = page.nextAfter();
                } while (after != null);
            }
        } catch (DependencyUnavailableException e) {
            throw new IllegalStateException("bindings store unavailable", e);
        }
        var doc = JsonNodeFactory.instance.objectNode();
        doc.set("bindings", list);
        return Json.write(doc);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static int sendJson(HttpExchange exchange, int status, String json) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        ApiGatewayEvents.write(exchange, status, json.getBytes(StandardCharsets.UTF_8));
        return status;
    }

    /** API Gateway's refusal of a request its IAM authorization does not accept. */
    private static int sendForbidden(HttpExchange exchange, String requestId) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.getResponseHeaders().set("apigw-requestid", requestId);
        ApiGatewayEvents.write(exchange, 403, IamAuthorizer.FORBIDDEN_BODY.getBytes(StandardCharsets.UTF_8));
        return 403;
    }

    /** API Gateway's refusal of a request its JWT authorizer does not accept. */
    private static int sendUnauthorized(HttpExchange exchange, String requestId) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.getResponseHeaders().set("www-authenticate", "Bearer");
        exchange.getResponseHeaders().set("apigw-requestid", requestId);
        ApiGatewayEvents.write(exchange, 401, JwtAuthorizer.UNAUTHORIZED_BODY.getBytes(StandardCharsets.UTF_8));
        return 401;
    }

    private static int sendProblem(HttpExchange exchange, Problem problem, String requestId) throws IOException {
        var response = problem.toResponse(requestId);
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        ApiGatewayEvents.write(exchange, response.status(), response.body().getBytes(StandardCharsets.UTF_8));
        return response.status();
    }

    @Override
    public void close() {
        server.stop(0);
        if (jwtServer != null) {
            jwtServer.stop(0);
        }
        executor.shutdownNow();
    }
}
