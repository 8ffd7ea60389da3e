package io.kitevend.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.Tables;
import io.kitevend.binding.Binding;
import io.kitevend.config.VendConfig;
import io.kitevend.function.vend.VendHandler;
import io.kitevend.json.Json;
import io.kitevend.snapstart.VendPriming;
import io.kitevend.testing.Emulators;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.VendFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Cold-start probe of the vend function: every run is a fresh JVM that builds the real
 * {@link VendHandler} from its environment, as Lambda does, against moto and a loopback JWKS, and
 * prints its timings as one JSON line; this parent starts the runs and reports the medians.
 *
 * <ul>
 *   <li>{@code cold}: init, then the first vend (no SnapStart: everything loads on that vend);</li>
 *   <li>{@code primed}: init, the SnapStart hooks ({@code beforeCheckpoint}, {@code afterRestore}),
 *       then the first vend: a stand-in for the first request on an environment restored from a
 *       snapshot (no real snapshot is taken; see bench/README.md for what that leaves out).</li>
 * </ul>
 * Both then vend {@code warmup} more times and time {@code measured} vends for the warm median.
 * Tokens are minted by the parent and read by the child from a file, so the child loads nothing
 * of the token code before its handler does.
 *
 * <pre>
 * ./bench/coldstart [--runs 10] [--warmup 20] [--measured 50] [--moto URL] [--jvm-opts "..."]
 * </pre>
 */
public final class ColdStartProbe {
    static final String MARK = "coldstart_probe";
    static final String BINDINGS = "kitevend-probe-bindings";
    static final String AUDIT = "kitevend-probe-audit";
    static final String REPLAY = "kitevend-probe-replay";
    /** Close to the Lambda Java runtime's JVM defaults (C1 only, serial GC). */
    static final String DEFAULT_JVM_OPTS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    /** Issue 16's goal: the first vend after a restore at most this many times the warm median. */
    static final double GOAL_FACTOR = 1.5;

    private ColdStartProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            System.exit(child(
                    args[1],
                    Path.of(args[2]),
                    Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]),
                    Long.parseLong(args[5])));
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("coldstart: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(Options.USAGE);
            return;
        }
        System.exit(parent(options));
    }

    // ------------------------------------------------------------------ child: one fresh JVM

    private static int child(String variant, Path tokenFile, int warmup, int measured, long spawnedAtMillis)
            throws Exception {
        double spawnToMain = System.currentTimeMillis() - spawnedAtMillis;
        PrintStream result = System.out;
        // The handler logs to standard output (audit lines, priming lines); count and drop them here.
        LongAdder logged = new LongAdder();
        System.setOut(new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        logged.increment();
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        logged.add(len);
                    }
                },
                true,
                StandardCharsets.UTF_8));
        List<String> tokens = Files.readAllLines(tokenFile, StandardCharsets.UTF_8);
        if (tokens.size() < 1 + warmup + measured) {
            throw new IllegalStateException("not enough tokens in " + tokenFile);
        }
        String pid = Long.toString(ProcessHandle.current().pid());

        long started = System.nanoTime();
        VendHandler handler = new VendHandler();
        double init = millisSince(started);

        double priming = Double.NaN;
        String primingSteps = null;
        if (variant.equals("primed")) {
            started = System.nanoTime();
            handler.priming().beforeCheckpoint(null);
            handler.priming().afterRestore(null);
            priming = millisSince(started);
            VendPriming.Report report = handler.priming().lastReport();
            if (!report.allOk()) {
                primingSteps = report.steps().toString();
            }
        }

        int next = 0;
        double first = timedVend(handler, event(tokens.get(next), pid, next));
        next++;
        for (int i = 0; i < warmup; i++, next++) {
            timedVend(handler, event(tokens.get(next), pid, next));
        }
        double[] warm = new double[measured];
        long loggedBefore = logged.sum();
        for (int i = 0; i < measured; i++, next++) {
            warm[i] = timedVend(handler, event(tokens.get(next), pid, next));
        }
        double logBytesPerVend = (double) (logged.sum() - loggedBefore) / measured;

        StringBuilder line = new StringBuilder("{\"")
                .append(MARK)
                .append("\":1,\"variant\":\"")
                .append(variant)
                .append('"');
        appendNumber(line, "spawn_to_main_ms", spawnToMain);
        appendNumber(line, "init_ms", init);
        appendNumber(line, "priming_ms", priming);
        appendNumber(line, "first_vend_ms", first);
        appendNumber(line, "warm_median_ms", median(warm));
        appendNumber(line, "log_bytes_per_vend", logBytesPerVend);
        line.append(",\"warm_vends\":").append(measured);
        if (primingSteps != null) {
            line.append(",\"priming_failures\":").append(Json.write(primingSteps));
        }
        result.println(line.append('}'));
        result.flush();
        return 0;
    }

    private static APIGatewayV2HTTPEvent event(String token, String pid, int n) {
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey("POST /v1/credentials")
                .withRawPath("/v1/credentials")
                .withHeaders(Map.of("authorization", "Bearer " + token, "user-agent", "kitevend-coldstart-probe"))
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("probe-" + pid + "-" + n)
                        .withTimeEpoch(System.currentTimeMillis())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod("POST")
                                .withPath("/v1/credentials")
                                .withSourceIp("192.0.2.10")
                                .withUserAgent("kitevend-coldstart-probe")
                                .build())
                        .build())
                .build();
    }

    private static double timedVend(VendHandler handler, APIGatewayV2HTTPEvent event) {
        long started = System.nanoTime();
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        double millis = millisSince(started);
        if (response.getStatusCode() != 200) {
            throw new IllegalStateException("vend answered " + response.getStatusCode() + ": " + response.getBody());
        }
        return millis;
    }

    private static double millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e6;
    }

    private static void appendNumber(StringBuilder line, String name, double value) {
        line.append(",\"")
                .append(name)
                .append("\":")
                .append(Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.3f", value));
    }

    // ------------------------------------------------------------------ parent

    private static int parent(Options options) throws Exception {
        Emulators.Emulator started = null;
        URI moto = options.moto;
        if (moto == null) {
            try {
                started = Emulators.startMoto(Map.of());
            } catch (RuntimeException e) {
                System.err.println("coldstart: cannot start moto_server (" + e.getMessage()
                        + "); install moto[server] or pass --moto URL");
                return 2;
            }
            moto = started.endpoint();
        }
        Path work = Files.createTempDirectory(
                "kitevend-coldstart-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        var key = TestKeys.rsa();
        try (JwksServer jwks = new JwksServer(key)) {
            prepare(moto);
            TokenMinter minter = new TokenMinter(key, jwks.issuer(), VendFixture.AUDIENCE);
            Map<String, String> env = childEnvironment(moto, jwks);
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            System.out.printf(
                    Locale.ROOT,
                    "kitevend cold-start probe: %d fresh JVMs per variant, java %s, JVM options: %s%n",
                    options.runs,
                    Runtime.version(),
                    options.jvmOpts.isBlank() ? "(JDK defaults)" : options.jvmOpts);
            System.out.printf(
                    Locale.ROOT,
                    "moto %s%s, JWKS %s; each run: init, first vend, %d vends of warm-up, %d timed%n%n",
                    moto,
                    started != null ? " (started by the probe)" : "",
                    jwks.jwksUrl(),
                    options.warmup,
                    options.measured);

            Map<String, List<JsonNode>> results = new LinkedHashMap<>();
            results.put("cold", new ArrayList<>());
            results.put("primed", new ArrayList<>());
            for (int run = 0; run < options.runs; run++) {
                // Alternate which variant goes first, so that drift on the machine hits both alike.
                List<String> order = run % 2 == 0 ? List.of("cold", "primed") : List.of("primed", "cold");
                for (String variant : order) {
                    Path tokens = work.resolve("tokens-" + run + "-" + variant);
                    List<String> lines = new ArrayList<>();
                    for (int i = 0; i < 1 + options.warmup + options.measured; i++) {
                        lines.add(minter.sign());
                    }
                    Files.write(tokens, lines, StandardCharsets.UTF_8);
                    JsonNode result = runChild(java, options, env, variant, tokens);
                    Files.delete(tokens);
                    results.get(variant).add(result);
                    System.out.printf(
                            Locale.ROOT,
                            "  run %2d %-6s init %8.1f ms  priming %8s  first vend %7.1f ms  warm %6.2f ms%n",
                            run + 1,
                            variant,
                            result.get("init_ms").asDouble(),
                            result.get("priming_ms").isNull()
                                    ? "-"
                                    : String.format(
                                            Locale.ROOT,
                                            "%.1f ms",
                                            result.get("priming_ms").asDouble()),
                            result.get("first_vend_ms").asDouble(),
                            result.get("warm_median_ms").asDouble());
                    if (result.has("priming_failures")) {
                        System.out.println("         priming steps failed: "
                                + result.get("priming_failures").asText());
                    }
                }
            }
            report(options, results);
            storedPerVend(moto, results);
            return 0;
        } catch (ChildFailed e) {
            System.err.println("coldstart: " + e.getMessage());
            return 1;
        } finally {
            try (Stream<Path> left = Files.list(work)) {
                for (Path p : left.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(work);
            if (started != null) {
                started.close();
            }
        }
    }

    /** The tables and the one binding every run's vends use. */
    private static void prepare(URI moto) throws Exception {
        try (DynamoDbClient dynamo = client(moto)) {
            Tables.ensure(dynamo, BINDINGS, AUDIT, REPLAY);
            new DynamoBindingStore(dynamo, BINDINGS)
                    .put(Binding.builder()
                            .name("deploy-main")
                            .organization("acme")
                            .pipeline("deploy")
                            .condition("build_branch", "main")
                            .roleArn(VendFixture.ROLE_ARN)
                            .build());
        }
    }

    /**
     * What one vend stores and logs, for docs/cost.md: the median size of the replay and audit
     * items as DynamoDB counts it, the write units that makes (an audit item is written again to
     * each index whose key it has, projecting all of it), and the bytes the function logs per vend.
     */
    private static void storedPerVend(URI moto, Map<String, List<JsonNode>> results) {
        List<JsonNode> all = new ArrayList<>(results.get("cold"));
        all.addAll(results.get("primed"));
        System.out.printf(
                Locale.ROOT,
                "%nlogged by the function per warm vend: %.0f bytes (Lambda's own START/END/REPORT not included)%n",
                Stat.of(all, "log_bytes_per_vend").median);
        try (DynamoDbClient dynamo = client(moto)) {
            // One page of each is plenty for a median, and keeps the scan short on a busy moto.
            List<Map<String, AttributeValue>> audit =
                    dynamo.scan(b -> b.tableName(AUDIT).limit(200)).items();
            List<Map<String, AttributeValue>> replay =
                    dynamo.scan(b -> b.tableName(REPLAY).limit(200)).items();
            double auditBytes =
                    median(audit.stream().mapToDouble(DynamoItemSize::of).toArray());
            double replayBytes =
                    median(replay.stream().mapToDouble(DynamoItemSize::of).toArray());
            long indexes = audit.stream()
                    .filter(item -> item.containsKey("pipeline_key") && item.containsKey("request_id"))
                    .count();
            int auditUnits = (int) Math.ceil(auditBytes / 1024);
            int indexWrites = indexes == audit.size() ? 2 : -1;
            int replayUnits = (int) Math.ceil(replayBytes / 1024);
            System.out.printf(
                    Locale.ROOT,
                    "stored per vend (DynamoDB item size rules, medians over %d audit and %d replay items):%n"
                            + "  replay item %.0f bytes = %d WRU%n"
                            + "  audit item  %.0f bytes = %d WRU, written to the table and %s index(es) = %s WRU%n",
                    audit.size(),
                    replay.size(),
                    replayBytes,
                    replayUnits,
                    auditBytes,
                    auditUnits,
                    indexWrites < 0 ? "some" : Integer.toString(indexWrites),
                    indexWrites < 0 ? "?" : Integer.toString(auditUnits * (1 + indexWrites)));
        } catch (SdkException e) {
            System.out.println("stored per vend: cannot scan the tables (" + e.getMessage() + ")");
        }
    }

    private static DynamoDbClient client(URI moto) {
        return new AwsClients(new AwsSettings(
                        Region.US_EAST_1,
                        Optional.of(moto),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))))
                .dynamo();
    }

    /** What Lambda would set, and nothing of this shell's environment. */
    private static Map<String, String> childEnvironment(URI moto, JwksServer jwks) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(VendConfig.REGION, "us-east-1");
        env.put(VendConfig.AWS_ENDPOINT, moto.toString());
        env.put(VendConfig.ISSUER, jwks.issuer());
        env.put(VendConfig.AUDIENCE, VendFixture.AUDIENCE);
        env.put(VendConfig.ORGANIZATIONS, "acme");
        env.put(VendConfig.BINDINGS_TABLE, BINDINGS);
        env.put(VendConfig.AUDIT_TABLE, AUDIT);
        env.put(VendConfig.REPLAY_TABLE, REPLAY);
        // The default credentials chain finds these (moto accepts any); no instance metadata lookups.
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        return env;
    }

    private static final class ChildFailed extends Exception {
        ChildFailed(String message) {
            super(message);
        }
    }

    private static JsonNode runChild(String java, Options options, Map<String, String> env, String variant, Path tokens)
            throws IOException, InterruptedException, ChildFailed {
        List<String> command = new ArrayList<>();
        command.add(java);
        if (!options.jvmOpts.isBlank()) {
            command.addAll(Arrays.asList(options.jvmOpts.trim().split("\\s+")));
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ColdStartProbe.class.getName(),
                "--child",
                variant,
                tokens.toString(),
                Integer.toString(options.warmup),
                Integer.toString(options.measured)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        command.add(Long.toString(System.currentTimeMillis()));
        pb.command(command);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        String line = output.lines()
                .filter(l -> l.startsWith("{\"" + MARK + "\""))
                .reduce((a, b) -> b)
                .orElse(null);
        if (exit != 0 || line == null) {
            throw new ChildFailed(variant + " run exited with " + exit + ":\n" + output);
        }
        return Json.readTree(line);
    }

    private static void report(Options options, Map<String, List<JsonNode>> results) {
        List<JsonNode> all = new ArrayList<>(results.get("cold"));
        all.addAll(results.get("primed"));
        Stat jvm = Stat.of(all, "spawn_to_main_ms");
        Stat init = Stat.of(all, "init_ms");
        Stat cold = Stat.of(results.get("cold"), "first_vend_ms");
        Stat priming = Stat.of(results.get("primed"), "priming_ms");
        Stat primed = Stat.of(results.get("primed"), "first_vend_ms");
        Stat warm = Stat.of(all, "warm_median_ms");

        System.out.printf(Locale.ROOT, "%n%-52s %9s %9s %9s%n", "medians over fresh JVMs (ms)", "median", "min", "max");
        jvm.print("JVM start (spawn to main)");
        init.print("init: VendHandler from the environment");
        cold.print("first vend, no priming");
        priming.print("priming hooks (beforeCheckpoint + afterRestore)");
        primed.print("first vend after priming (restored-snapshot stand-in)");
        warm.print("warm vend (per-run median of " + options.measured + ")");

        double factor = primed.median / warm.median;
        System.out.printf(
                Locale.ROOT,
                "%nfirst vend after priming = %.1f ms = %.2f x warm median (goal <= %.1fx): %s%n",
                primed.median,
                factor,
                GOAL_FACTOR,
                factor <= GOAL_FACTOR ? "MET" : "NOT MET");
        System.out.printf(
                Locale.ROOT,
                "first vend without priming = %.1f ms = %.1f x warm median%n",
                cold.median,
                cold.median / warm.median);
        artifacts();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("runs_per_variant", options.runs);
        summary.put("init_ms", round(init.median));
        summary.put("first_vend_cold_ms", round(cold.median));
        summary.put("priming_ms", round(priming.median));
        summary.put("first_vend_primed_ms", round(primed.median));
        summary.put("warm_vend_ms", round(warm.median));
        summary.put("primed_over_warm", round(factor));
        summary.put("goal_met", factor <= GOAL_FACTOR);
        System.out.println("summary " + Json.write(summary));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** Sizes of the deployment artifacts, when they have been built. */
    private static void artifacts() {
        Path root = Path.of("").toAbsolutePath();
        List<Path> found = new ArrayList<>();
        Path sam = root.resolve(".aws-sam/build");
        if (Files.isDirectory(sam)) {
            try (Stream<Path> dirs = Files.list(sam)) {
                dirs.filter(Files::isDirectory).sorted().forEach(found::add);
            } catch (IOException e) {
                // reported as absent
            }
        }
        for (String dir : List.of("functions/vend/target", "layers/core/target")) {
            Path target = root.resolve(dir);
            if (!Files.isDirectory(target)) {
                continue;
            }
            try (Stream<Path> files = Files.list(target)) {
                files.filter(p -> {
                            String name = p.getFileName().toString();
                            return (name.endsWith(".zip") || name.endsWith(".jar"))
                                    && !name.endsWith("-tests.jar")
                                    && !name.endsWith("-sources.jar")
                                    && !name.startsWith("original-");
                        })
                        .sorted()
                        .forEach(found::add);
            } catch (IOException e) {
                // reported as absent
            }
        }
        if (!Files.isDirectory(sam)) {
            System.out.println("artifacts: no SAM build (.aws-sam/build) yet"
                    + (found.isEmpty() ? "; nothing to size (skipped)" : "; module jars:"));
        } else {
            System.out.println("artifacts:");
        }
        for (Path p : found) {
            System.out.printf(Locale.ROOT, "  %-60s %10s%n", root.relativize(p), human(size(p)));
        }
    }

    private static long size(Path p) {
        if (!Files.isDirectory(p)) {
            try {
                return Files.size(p);
            } catch (IOException e) {
                return 0;
            }
        }
        try (Stream<Path> tree = Files.walk(p)) {
            return tree.filter(Files::isRegularFile)
                    .mapToLong(ColdStartProbe::size)
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String human(long bytes) {
        return bytes >= 1 << 20
                ? String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0)
                : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private record Stat(double median, double min, double max) {
        static Stat of(List<JsonNode> results, String field) {
            double[] values = results.stream()
                    .map(r -> r.get(field))
                    .filter(v -> v != null && !v.isNull())
                    .mapToDouble(JsonNode::asDouble)
                    .toArray();
            if (values.length == 0) {
                return new Stat(Double.NaN, Double.NaN, Double.NaN);
            }
            return new Stat(
                    ColdStartProbe.median(values),
                    Arrays.stream(values).min().orElseThrow(),
                    Arrays.stream(values).max().orElseThrow());
        }

        void print(String label) {
            System.out.printf(Locale.ROOT, "%-52s %9.1f %9.1f %9.1f%n", label, median, min, max);
        }
    }

    // ------------------------------------------------------------------ options

    static final class Options {
        static final String USAGE = """
                usage: bench/coldstart [--runs N] [--warmup N] [--measured N] [--moto URL] [--jvm-opts "OPTS"]
                  --runs N        fresh JVMs per variant (cold, primed) (default 10; report numbers from 10 or more)
                  --warmup N      vends after the first before timing warm ones (default 20)
                  --measured N    timed warm vends per run (default 50)
                  --moto URL      use this moto server instead of starting one (moto_server on PATH)
                  --jvm-opts OPTS options of every child JVM (default: %s; "" for the JDK's defaults)
                """.formatted(DEFAULT_JVM_OPTS);

        int runs = 10;
        int warmup = 20;
        int measured = 50;
        URI moto;
        String jvmOpts = DEFAULT_JVM_OPTS;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "-h", "--help" -> o.help = true;
                    case "--runs" -> o.runs = number(arg, value(args, ++i, arg), 1);
                    case "--warmup" -> o.warmup = number(arg, value(args, ++i, arg), 0);
                    case "--measured" -> o.measured = number(arg, value(args, ++i, arg), 1);
                    case "--moto" -> o.moto = URI.create(value(args, ++i, arg));
                    case "--jvm-opts" -> o.jvmOpts = value(args, ++i, arg);
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            return o;
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }

        private static int number(String name, String value, int min) {
            int n;
            try {
                n = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
            }
            if (n < min) {
                throw new IllegalArgumentException(name + " must be at least " + min);
            }
            return n;
        }
    }
}
