package io.kitevend.snapstart;

import io.kitevend.assembly.VendAssembly;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.RefreshableCredentialsProvider;
import io.kitevend.aws.StsCredentialIssuer;
import io.kitevend.json.LogLine;
import io.kitevend.lambda.ApiGateway;
import io.kitevend.vend.VendResponses;
import io.kitevend.vend.VendService;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.crac.Context;
import org.crac.Resource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The vend function's SnapStart hooks (their cost and effect are measured by {@code bench/coldstart}
 * and {@code bench/lambda}, see {@code bench/README.md}). {@link #beforeCheckpoint} runs these steps
 * {@link #ROUNDS} times, so that the snapshot holds loaded and compiled classes:
 * <ul>
 *   <li>{@code vend}: API Gateway events through the function's own path ({@link ApiGateway},
 *       {@link VendService#vend}, {@link VendResponses}) on ports without side effects: tokens of a
 *       throw-away key (one per configured algorithm) through a verifier with the deployment's
 *       policy, a binding compiled with the deployment's rules in an in-memory store (read through a
 *       cold cache each round), an in-memory replay guard, and the function's own DynamoDB replay
 *       guard, audit store and {@link StsCredentialIssuer} over SDK clients of priming's own whose
 *       HTTP client answers {@code PutItem} and {@code AssumeRole} in process ({@link PrimingHttp}:
 *       nothing is sent); the audit line goes to a discarded stream, and where the Lambda runtime
 *       provides its event serializer, events and answers go through it ({@link RuntimeEventJson}).
 *       Each round one vend per algorithm is issued, and a token for another audience and a
 *       replayed token are refused;</li>
 *   <li>{@code jwks}: once, the issuer's keys fetched by the function's own verifier, which keeps
 *       them for the snapshot: they are public, and a restored environment uses them under the
 *       cache's rules ({@link io.kitevend.token.SigningKeys}: younger than the cache time counted
 *       from the fetch, or fetched again on first use; an unknown key id still triggers one
 *       refresh);</li>
 *   <li>{@code dynamodb}: a {@code GetItem} of a key no binding can have on the bindings table and
 *       the bindings lookup of a pipeline that cannot exist (two {@code Query} calls on
 *       {@code by-pipeline}), through the function's own client and cache, then the priming
 *       binding's stored form read back as the store reads it;</li>
 *   <li>{@code sts}: {@code GetCallerIdentity}, through the function's own client.</li>
 * </ul>
 * Never {@code AssumeRole} nor a write to any table through the function's clients (priming's
 * own never leave the process). A failing step (no network, no permission) is logged and not run
 * again: priming never fails the checkpoint.
 *
 * <p>Nothing unique or secret is kept for the snapshot: the throw-away keys, their random source,
 * the tokens and the in-memory ports are dropped when priming ends; the identifiers used are fixed
 * strings; the bindings cache is emptied and the credentials provider forgotten, so that the
 * snapshot holds no credentials. {@link #afterRestore} forgets both again, then makes the restored
 * environment's first reads itself ({@link #readAfterRestore}: its own credentials, its
 * connections, the organizations' bindings), so that the first request reads no bindings. What
 * the snapshot does keep is the issuer's public keys. The JDK's own random sources (behind
 * {@code UUID.randomUUID}, RSA blinding and TLS) are {@code NativePRNG} on Linux, which mixes every
 * output with bytes read from {@code /dev/urandom} (buffered for at most 100 ms of wall time), so
 * they do not repeat across restored environments; the vend function keeps no {@code SecureRandom}
 * of its own ({@code SimulatedCredentialIssuer} is not used in Lambda). Keep-alive connections
 * opened here are not reused after a restore: the JDK does not hand out a connection idle for
 * longer than its keep-alive time (5 seconds unless the server says otherwise).
 */
public final class VendPriming implements Resource {
    /** The organization of the priming lookups: never a valid slug, so never a stored binding's. */
    public static final String ORGANIZATION = "kitevend:priming";

    public static final String PIPELINE = "none";
    static final String SLUG = "kitevend-priming";

    /** The steps, in order. */
    public static final List<String> STEPS = List.of("vend", "jwks", "dynamodb", "sts");

    /** How many times the steps run: enough for the JIT to compile the hottest code, a second or so. */
    public static final int ROUNDS = 10;

    /** How long {@link #afterRestore} waits for its reads; SnapStart gives a restore's hooks 10 s. */
    static final Duration RESTORE_READS_WAIT = Duration.ofSeconds(2);

    private final VendAssembly assembly;
    private final int rounds;
    private final Runnable forgetCredentials;
    private final Clock clock;
    private final PrintStream log;
    private volatile Report lastReport;

    /**
     * @param forgetCredentials drops every credential the SDK clients' provider holds (see
     *                          {@link RefreshableCredentialsProvider#refresh()})
     * @param log where the one line per hook goes (standard output in Lambda)
     */
    public VendPriming(VendAssembly assembly, Runnable forgetCredentials, Clock clock, PrintStream log) {
        this(assembly, ROUNDS, forgetCredentials, clock, log);
    }

    VendPriming(VendAssembly assembly, int rounds, Runnable forgetCredentials, Clock clock, PrintStream log) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1");
        }
        this.assembly = assembly;
        this.rounds = rounds;
        this.forgetCredentials = forgetCredentials;
        this.clock = clock;
        this.log = log;
    }

    /** What priming did: each step's outcome, {@code "ok"} or why it failed. */
    public record Report(Map<String, String> steps, long millis) {
        public Report {
            steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        }

        public boolean allOk() {
            return steps.values().stream().allMatch("ok"::equals);
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        String failure = forget();
        Map<String, String> reads = readAfterRestore();
        boolean readsOk = reads.values().stream().allMatch("ok"::equals);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("hook", "afterRestore");
        fields.put("reads", reads);
        logLine(
                failure == null && readsOk ? "INFO" : "WARN",
                failure != null
                        ? "snapstart restore: could not drop everything; " + failure
                        : readsOk
                                ? "snapstart restore: credentials and bindings cache dropped, read again"
                                : "snapstart restore: credentials and bindings cache dropped; some reads failed"
                                        + " (the first request makes them)",
                fields);
    }

    /**
     * What {@link #afterRestore} reads in the restored environment, side by side, so that the
     * first request does not wait for it: each organization's bindings into the cache
     * ({@link io.kitevend.binding.CachedBindings#readOrganization}: as requests read them, under
     * the same cache time, counted from now), a {@code GetItem} of the priming key (a second
     * DynamoDB connection beside those reads, for a first request that still reads its pipeline's
     * bindings while its replay write is in flight), and {@code GetCallerIdentity} (the STS
     * connection). Together they resolve the environment's own credentials. Read-only, like
     * priming; it waits at most {@link #RESTORE_READS_WAIT} (a read still running then finishes
     * on its own) and never throws. Outcomes by name: {@code "ok"}, or why not.
     */
    Map<String, String> readAfterRestore() {
        Map<String, Step> reads = new LinkedHashMap<>();
        for (String organization :
                assembly.config().token().organizations().stream().sorted().toList()) {
            reads.put("bindings " + organization, () -> assembly.bindings().readOrganization(organization));
        }
        reads.put("dynamodb", this::getPrimingItem);
        reads.put("sts", () -> assembly.sts().getCallerIdentity());
        Map<String, FutureTask<Void>> started = new LinkedHashMap<>();
        reads.forEach((name, read) -> {
            FutureTask<Void> task = new FutureTask<>(() -> {
                read.run();
                return null;
            });
            Thread.ofVirtual().name("kitevend-restore-read").start(task);
            started.put(name, task);
        });
        long deadline = System.nanoTime() + RESTORE_READS_WAIT.toNanos();
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (var read : started.entrySet()) {
            try {
                read.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                outcomes.put(read.getKey(), "ok");
            } catch (ExecutionException e) {
                outcomes.put(read.getKey(), failure(e.getCause()));
            } catch (TimeoutException e) {
                outcomes.put(read.getKey(), "not done within " + RESTORE_READS_WAIT.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.put(read.getKey(), "interrupted");
            }
        }
        return outcomes;
    }

    /** The last priming's report, or null before the first. */
    public Report lastReport() {
        return lastReport;
    }

    /**
     * Runs every step {@link #ROUNDS} times (the JIT compiles what runs often; a step that failed
     * is not run again), then forgets what the steps cached. Never throws.
     */
    public Report prime() {
        long started = System.nanoTime();
        Map<String, String> steps = new LinkedHashMap<>();
        PrimingVends[] vends = {null};
        try {
            for (int round = 1; round <= rounds; round++) {
                int r = round;
                step(steps, "vend", () -> {
                    if (vends[0] == null) {
                        vends[0] = new PrimingVends(assembly.config(), clock);
                    }
                    vends[0].round(r);
                });
                if (round == 1) {
                    step(steps, "jwks", () -> assembly.verifier().loadKeys());
                }
                step(steps, "dynamodb", this::readDynamo);
                step(steps, "sts", () -> assembly.sts().getCallerIdentity());
            }
        } catch (RuntimeException | LinkageError e) {
            // Outside any step: reported like a step, never thrown.
            steps.put("priming", failure(e));
        } finally {
            if (vends[0] != null) {
                try {
                    vends[0].close();
                } catch (RuntimeException e) {
                    steps.put("close", failure(e));
                }
            }
            String forgotten = forget();
            if (forgotten != null) {
                steps.put("forget", forgotten);
            }
        }
        Report report = new Report(steps, (System.nanoTime() - started) / 1_000_000);
        lastReport = report;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("hook", "beforeCheckpoint");
        fields.put("steps", report.steps());
        fields.put("rounds", rounds);
        fields.put("millis", report.millis());
        logLine(
                report.allOk() ? "INFO" : "WARN",
                report.allOk()
                        ? "snapstart priming done"
                        : "snapstart priming done; some steps failed and were skipped",
                fields);
        return report;
    }

    /** Empties the bindings cache and drops the credentials; null, or why it could not. */
    private String forget() {
        Map<String, String> outcome = new LinkedHashMap<>();
        step(outcome, "bindings", () -> assembly.bindings().invalidate());
        step(outcome, "credentials", forgetCredentials::run);
        return outcome.values().stream().allMatch("ok"::equals) ? null : outcome.toString();
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs the step unless it failed before; its outcome stays its first failure, if any. */
    private static void step(Map<String, String> steps, String name, Step step) {
        String before = steps.get(name);
        if (before != null && !before.equals("ok")) {
            return;
        }
        try {
            step.run();
            steps.put(name, "ok");
        } catch (Exception | LinkageError e) {
            steps.put(name, failure(e));
        }
    }

    /** The read-only DynamoDB calls, through the function's client and bindings cache. */
    private void readDynamo() throws Exception {
        getPrimingItem();
        // The real lookup: two queries on the by-pipeline index, cached, then forgotten (so that the
        // next round reads again).
        assembly.bindings().candidates(ORGANIZATION, PIPELINE);
        assembly.bindings().invalidate();
        // A found binding, as the store turns its item into a binding.
        DynamoBindingStore.fromItem(DynamoBindingStore.toItem(PrimingVends.binding(assembly.config())));
    }

    /** A {@code GetItem} of a key no binding can have (the organization is not a slug). */
    private void getPrimingItem() {
        assembly.dynamo()
                .getItem(b -> b.tableName(assembly.config().bindingsTable())
                        .key(Map.of(
                                DynamoBindingStore.ORGANIZATION,
                                AttributeValue.fromS(ORGANIZATION),
                                DynamoBindingStore.NAME,
                                AttributeValue.fromS(PIPELINE))));
    }

    private void logLine(String level, String message, Map<String, Object> fields) {
        try {
            LogLine.print(log, level, message, fields);
        } catch (RuntimeException e) {
            // A log line is not worth failing a checkpoint or a restore.
        }
    }

    private static String failure(Throwable e) {
        return "failed: " + e.getClass().getSimpleName() + ": " + cut(String.valueOf(e.getMessage()));
    }

    static String cut(String s) {
        String oneLine = s.replaceAll("\\p{Cntrl}", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
