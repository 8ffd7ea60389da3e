package io.kitevend.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bounded load run of POST /v1/credentials on loopback: several concurrent clients, each vend
 * with a fresh dev token, then a check that every request left exactly one audit record.
 *
 * <p>Phase 1 mints the tokens from the runner's dev issuer (POST /dev/token; its rate is reported
 * but it is not vend latency). Phase 2 sends them from {@code --clients} threads, one request per
 * token, timing each with {@link System#nanoTime()}. Then GET /dev/audit is read and the records
 * whose request ids are the run's are counted. Exit status: 0 when every vend answered 200 and
 * every request has its audit record; 1 otherwise (or when the time limit cut the run short);
 * 2 when the run could not be set up.
 *
 * <p>Run it with {@code ./bench/load}; see bench/README.md.
 */
public final class LoadRun {
    static final String ROLE_ARN = "arn:aws:iam::123456789012:role/kitevend/deployer";
    static final String BINDINGS = """
            bindings:
              - name: load-deploy-main
                organization: acme
                pipeline: deploy
                description: Load run binding (bench/load).
                conditions:
                  build_branch: [main]
                role_arn: %s
            """.formatted(ROLE_ARN);
    /** Asked of the dev issuer by default so that no token expires during a long phase (it allows up to 7200). */
    static final int TOKEN_LIFETIME_SECONDS = 3600;

    /** The runner's in-memory audit store keeps this many records (InMemoryAuditStore.DEFAULT_CAPACITY). */
    static final int RUNNER_AUDIT_RECORDS = 50_000;

    static String mintBody(int lifetimeSeconds) {
        return "{\"organization\":\"acme\",\"pipeline\":\"deploy\",\"branch\":\"main\",\"lifetime\":" + lifetimeSeconds
                + "}";
    }

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    /** G1's and the serial collector's heap line in GC.heap_info: "... used 45678K". */
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private static final Pattern LISTENING =
            Pattern.compile("kitevend dev: listening on (http://127\\.0\\.0\\.1:\\d+)");
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int READ_TIMEOUT_MS = 60_000;

    /** Command line settings. */
    record Options(
            URI url,
            int requests,
            int clients,
            int mintClients,
            Duration timeLimit,
            Path kitevend,
            Duration startTimeout,
            int segments,
            int chunk,
            int lifetime) {
        static Options parse(String... args) {
            URI url = null;
            int requests = 20_000;
            int clients = 8;
            Integer mintClients = null;
            Duration timeLimit = Duration.ofMinutes(10);
            Path kitevend = Path.of("./kitevend");
            Duration startTimeout = Duration.ofMinutes(5);
            int segments = 1;
            Integer chunk = null;
            int lifetime = TOKEN_LIFETIME_SECONDS;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--url" -> url = URI.create(stripSlash(value(args, ++i, a)));
                    case "--requests" -> requests = positive(args, ++i, a);
                    case "--clients" -> clients = positive(args, ++i, a);
                    case "--mint-clients" -> mintClients = positive(args, ++i, a);
                    case "--time-limit" -> timeLimit = Duration.ofSeconds(positive(args, ++i, a));
                    case "--kitevend" -> kitevend = Path.of(value(args, ++i, a));
                    case "--start-timeout" -> startTimeout = Duration.ofSeconds(positive(args, ++i, a));
                    case "--segments" -> segments = positive(args, ++i, a);
                    case "--chunk" -> chunk = positive(args, ++i, a);
                    case "--lifetime" -> lifetime = positive(args, ++i, a);
                    default -> throw new IllegalArgumentException("unknown argument " + a + " (try --help)");
                }
            }
            return new Options(
                    url,
                    requests,
                    clients,
                    mintClients == null ? clients : mintClients,
                    timeLimit,
                    kitevend,
                    startTimeout,
                    segments,
                    chunk == null ? requests : Math.min(chunk, requests),
                    lifetime);
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }

        private static int positive(String[] args, int i, String name) {
            String v = value(args, i, name);
            try {
                int n = Integer.parseInt(v);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(name + " must be a positive whole number, not " + v);
        }

        private static String stripSlash(String s) {
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }
    }

    static final String USAGE = """
            Usage: ./bench/load [--url URL] [--requests N] [--clients C] [--mint-clients M]
                                [--time-limit SECONDS] [--kitevend PATH] [--start-timeout SECONDS]
                                [--segments S] [--chunk K] [--lifetime SECONDS]
              --url URL            a running `./kitevend dev` (dev issuer on); without it one is started
                                   (./kitevend dev --port 0 --bindings <a binding for acme/deploy on main>)
                                   and stopped with SIGTERM at the end
              --requests N         vends to send, one fresh token each (default 20000)
              --clients C          concurrent vend clients (default 8)
              --mint-clients M     concurrent clients minting tokens in phase 1 (default: C)
              --time-limit S       hard limit on each phase, in seconds (default 600)
              --kitevend PATH      the launcher to start (default ./kitevend)
              --start-timeout S    how long to wait for the started runner to listen (default 300)
              --segments S         run S segments of N vends one after the other (a soak), each checked and
                                   reported on its own, with the started runner's heap after a full GC
              --chunk K            mint and send K tokens at a time (default N: mint all, then send all)
              --lifetime SECONDS   lifetime of the minted tokens (default 3600)
            Exit status: 0 all vends 200 and one audit record each; 1 otherwise; 2 setup failed.
            """;

    private final Options options;
    private final PrintStream progress;

    LoadRun(Options options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("load: " + e.getMessage());
            System.exit(2);
            return;
        }
        // HttpURLConnection keeps at most http.maxConnections idle connections per host (5 by
        // default); keep one per client so that every client reuses its connection.
        System.setProperty("http.maxConnections", Integer.toString(Math.max(options.clients(), options.mintClients())));
        int status;
        try {
            status = new LoadRun(options, System.err).run(System.out);
        } catch (SetupException e) {
            System.err.println("load: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    /** The run could not start or could not finish its checks; no figures to report. */
    static final class SetupException extends Exception {
        SetupException(String message) {
            super(message);
        }

        SetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    int run(PrintStream out) throws SetupException, InterruptedException {
        Runner runner = options.url() != null ? Runner.external(options.url()) : Runner.start(options, progress);
        Thread stopOnExit = new Thread(runner::close, "load-stop-runner");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            List<Segment> segments = new ArrayList<>();
            for (int s = 1; s <= options.segments(); s++) {
                Report report = measure(runner.url(), s);
                OptionalLong heap = runner.heapAfterGc(progress);
                Segment segment = new Segment(s, report, heap);
                segments.add(segment);
                if (options.segments() > 1) {
                    out.println(segment.line());
                    out.flush();
                }
                if (report.vends().timedOut()) {
                    break;
                }
            }
            runner.close();
            boolean passed = segments.size() == options.segments()
                    && segments.stream().allMatch(s -> s.report().passed());
            if (options.segments() == 1) {
                out.print(segments.get(0).report().summary(runner.description()));
            } else {
                out.print(Segment.summary(options, segments, runner.description(), passed));
            }
            out.flush();
            runner.logs(passed, progress);
            return passed ? 0 : 1;
        } finally {
            runner.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException alreadyExiting) {
                // the hook runs anyway
            }
        }
    }

    /** One segment of a run, and the started runner's heap after a full GC at its end (empty: not known). */
    record Segment(int number, Report report, OptionalLong heapBytes) {
        double throughput() {
            return report.vends().sent() / report.vends().seconds();
        }

        String heap() {
            return heapBytes.isPresent()
                    ? String.format(Locale.ROOT, "%.0f", heapBytes.getAsLong() / (1024.0 * 1024.0))
                    : "-";
        }

        String line() {
            long[] sorted = report.sortedLatencies();
            return String.format(
                    Locale.ROOT,
                    "%-8d %-7d %-7d %-7.0f %-7s %-7s %-8d %s",
                    number,
                    report.vends().sent(),
                    report.errors(),
                    throughput(),
                    ms(percentile(sorted, 0.50)),
                    ms(percentile(sorted, 0.99)),
                    report.audit().requestsWithRecord(),
                    heap());
        }

        static String summary(Options options, List<Segment> segments, String runner, boolean passed) {
            StringBuilder s = new StringBuilder();
            s.append(String.format(
                    Locale.ROOT,
                    "==== kitevend soak: %d segments of %d vends (tokens of %d s, minted and sent %d at a time)%n",
                    options.segments(),
                    options.requests(),
                    options.lifetime(),
                    options.chunk()));
            s.append("when:     ").append(Instant.now()).append('\n');
            s.append("runner:   ").append(runner).append('\n');
            s.append("machine:  ")
                    .append(Runtime.getRuntime().availableProcessors())
                    .append(" CPUs visible, ")
                    .append(cpuModel())
                    .append("; load client and runner share them\n");
            s.append(HEADER).append('\n');
            segments.forEach(seg -> s.append(seg.line()).append('\n'));
            Segment first = segments.get(0);
            Segment last = segments.get(segments.size() - 1);
            s.append(String.format(
                    Locale.ROOT,
                    "first -> last segment: %.0f -> %.0f req/s, heap after GC %s -> %s MiB%n",
                    first.throughput(),
                    last.throughput(),
                    first.heap(),
                    last.heap()));
            s.append("result:   ")
                    .append(passed ? "PASS" : "FAIL")
                    .append(" (every vend 200 with exactly one audit record, in every segment)\n");
            return s.toString();
        }

        static final String HEADER = "segment  vends   errors  req/s   p50 ms  p99 ms  audited  heap after GC MiB";
    }

    private Report measure(URI base, int segment) throws SetupException, InterruptedException {
        int n = options.requests();
        if (n > RUNNER_AUDIT_RECORDS) {
            progress.println("load: note: the runner keeps the last " + RUNNER_AUDIT_RECORDS
                    + " audit records; a segment larger than that cannot be fully checked");
        }
        String of = options.segments() > 1 ? "segment " + segment + "/" + options.segments() + ", " : "";
        List<Minted> minted = new ArrayList<>();
        List<Vends> vends = new ArrayList<>();
        for (int done = 0; done < n; done += options.chunk()) {
            int k = Math.min(options.chunk(), n - done);
            String part = options.chunk() < n ? of + "vends " + (done + 1) + "-" + (done + k) + " of " + n + ", " : of;
            progress.printf(
                    "load: phase 1 (%s%d tokens of %d s): minting with %d clients at %s%n",
                    part, k, options.lifetime(), options.mintClients(), base);
            Minted m = mint(base.resolve("/dev/token"), k);
            progress.printf("load: phase 1: %d tokens in %.1f s (%.0f tokens/s)%n", k, m.seconds(), k / m.seconds());
            minted.add(m);

            progress.printf("load: phase 2 (%s%d vends): sending with %d clients%n", part, k, options.clients());
            Vends v = vend(base.resolve("/v1/credentials"), m.tokens());
            progress.printf(
                    "load: phase 2: %d requests in %.1f s (%.0f req/s)%n",
                    v.sent(), v.seconds(), v.sent() / v.seconds());
            vends.add(v);
            if (v.timedOut()) {
                break;
            }
        }
        Vends all = Vends.concat(vends);
        progress.println("load: phase 3: reading GET /dev/audit for the " + all.sent() + " requests");
        AuditCheck audit = checkAudit(base.resolve("/dev/audit"), all);
        progress.printf(
                "load: phase 3: %d of %d requests have their audit record%n", audit.requestsWithRecord(), all.sent());
        return new Report(options, Minted.concat(minted), all, audit);
    }

    /** Says every few seconds how far a phase is, on the progress stream, until closed. */
    private AutoCloseable ticking(String phase, AtomicInteger done, int of) {
        long started = System.nanoTime();
        Thread ticker = Thread.ofPlatform().daemon().name("load-progress").start(() -> {
            try {
                while (true) {
                    Thread.sleep(PROGRESS_EVERY);
                    double seconds = (System.nanoTime() - started) / 1e9;
                    int n = Math.min(done.get(), of);
                    progress.printf(
                            Locale.ROOT, "load:   %s %d/%d (%.0f/s, %.0f s)%n", phase, n, of, n / seconds, seconds);
                }
            } catch (InterruptedException stopped) {
                // the phase is over
            }
        });
        return () -> {
            ticker.interrupt();
            ticker.join();
        };
    }

    // ---- phase 1 ------------------------------------------------------------------------------

    record Minted(String[] tokens, double seconds) {
        static Minted concat(List<Minted> parts) {
            return new Minted(
                    parts.stream().flatMap(m -> Arrays.stream(m.tokens())).toArray(String[]::new),
                    parts.stream().mapToDouble(Minted::seconds).sum());
        }
    }

    private Minted mint(URI url, int n) throws SetupException, InterruptedException {
        String[] tokens = new String[n];
        AtomicInteger next = new AtomicInteger();
        String[] failure = new String[1];
        long deadline = System.nanoTime() + options.timeLimit().toNanos();
        long started = System.nanoTime();
        String body = mintBody(options.lifetime());
        AutoCloseable ticker = ticking("minted", next, n);
        runThreads("load-mint-", options.mintClients(), () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                if (System.nanoTime() > deadline) {
                    synchronized (failure) {
                        failure[0] = "minting took longer than the time limit";
                    }
                    return;
                }
                try {
                    tokens[i] = mintOne(url, body);
                } catch (IOException | RuntimeException e) {
                    synchronized (failure) {
                        failure[0] = "minting a token failed: " + e.getMessage();
                    }
                    next.set(n);
                    return;
                }
            }
        });
        stop(ticker);
        double seconds = (System.nanoTime() - started) / 1e9;
        synchronized (failure) {
            if (failure[0] != null) {
                throw new SetupException(
                        failure[0] + " (is " + url.resolve("/") + " a `./kitevend dev` with its dev issuer?)");
            }
        }
        return new Minted(tokens, seconds);
    }

    private static String mintOne(URI url, String body) throws IOException {
        // One retry: a mint failure is not what this run measures.
        IOException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Response r = post(url, null, body);
                if (r.status() != 200) {
                    throw new IOException("POST /dev/token answered " + r.status() + ": " + r.text());
                }
                JsonNode token = Json.readTree(r.text()).get("token");
                if (token == null || !token.isTextual()) {
                    throw new IOException("POST /dev/token answered without a token");
                }
                return token.asText();
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    // ---- phase 2 ------------------------------------------------------------------------------

    /** Per request: latency (-1 when never sent), status (-1 on a transport failure) and request id. */
    record Vends(
            long[] latencyNanos,
            int[] status,
            String[] requestId,
            String[] failure,
            int sent,
            double seconds,
            boolean timedOut) {
        /** Several phases of vends as one: their requests in order, their times added. */
        static Vends concat(List<Vends> parts) {
            if (parts.size() == 1) {
                return parts.get(0);
            }
            int n = parts.stream().mapToInt(v -> v.status().length).sum();
            long[] latency = new long[n];
            int[] status = new int[n];
            String[] requestId = new String[n];
            String[] failure = new String[n];
            int at = 0;
            for (Vends v : parts) {
                int k = v.status().length;
                System.arraycopy(v.latencyNanos(), 0, latency, at, k);
                System.arraycopy(v.status(), 0, status, at, k);
                System.arraycopy(v.requestId(), 0, requestId, at, k);
                System.arraycopy(v.failure(), 0, failure, at, k);
                at += k;
            }
            return new Vends(
                    latency,
                    status,
                    requestId,
                    failure,
                    parts.stream().mapToInt(Vends::sent).sum(),
                    parts.stream().mapToDouble(Vends::seconds).sum(),
                    parts.stream().anyMatch(Vends::timedOut));
        }
    }

    private Vends vend(URI url, String[] tokens) throws InterruptedException {
        int n = tokens.length;
        long[] latency = new long[n];
        int[] status = new int[n];
        String[] requestId = new String[n];
        String[] failure = new String[n];
        Arrays.fill(latency, -1);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        boolean[] timedOut = new boolean[1];
        long deadline = System.nanoTime() + options.timeLimit().toNanos();
        long started = System.nanoTime();
        AutoCloseable ticker = ticking("sent", sent, n);
        runThreads("load-vend-", options.clients(), () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                if (System.nanoTime() > deadline) {
                    synchronized (timedOut) {
                        timedOut[0] = true;
                    }
                    return;
                }
                sent.incrementAndGet();
                long t0 = System.nanoTime();
                try {
                    Response r = post(url, tokens[i], null);
                    latency[i] = System.nanoTime() - t0;
                    status[i] = r.status();
                    requestId[i] = requestIdOf(r);
                    if (r.status() != 200) {
                        failure[i] = r.text();
                    }
                } catch (IOException | RuntimeException e) {
                    latency[i] = System.nanoTime() - t0;
                    status[i] = -1;
                    failure[i] = e.toString();
                }
                tokens[i] = null;
            }
        });
        stop(ticker);
        double seconds = (System.nanoTime() - started) / 1e9;
        boolean cut;
        synchronized (timedOut) {
            cut = timedOut[0];
        }
        return new Vends(latency, status, requestId, failure, sent.get(), seconds, cut);
    }

    /** The id the response names: RequestId on success, request_id on a problem, else API Gateway's header. */
    static String requestIdOf(Response r) {
        try {
            JsonNode body = Json.readTree(r.text());
            if (body != null && body.isObject()) {
                for (String field : List.of("RequestId", "request_id")) {
                    JsonNode id = body.get(field);
                    if (id != null && id.isTextual()) {
                        return id.asText();
                    }
                }
            }
        } catch (IOException notJson) {
            // fall back to the header
        }
        return r.gatewayRequestId();
    }

    // ---- audit --------------------------------------------------------------------------------

    /**
     * {@code found}: audit records whose request id is one of the run's; {@code requestsWithRecord}:
     * distinct run requests that have one; {@code decisions}: the decisions of the found records.
     */
    record AuditCheck(
            int found, int requestsWithRecord, int requestsWithId, Map<String, Integer> decisions, int totalRecords) {}

    /** The runner's most recent audit records ({@code GET /dev/audit}), as stored. */
    static JsonNode recentAudit(URI url) throws SetupException {
        JsonNode records;
        try {
            HttpURLConnection c = open(url);
            c.setRequestMethod("GET");
            Response r = read(c);
            if (r.status() != 200) {
                throw new SetupException("GET /dev/audit answered " + r.status());
            }
            records = Json.readTree(r.text()).get("records");
        } catch (IOException e) {
            throw new SetupException("GET /dev/audit failed: " + e.getMessage(), e);
        }
        if (records == null || !records.isArray()) {
            throw new SetupException("GET /dev/audit answered without a records array");
        }
        return records;
    }

    private static AuditCheck checkAudit(URI url, Vends vends) throws SetupException {
        Set<String> ids = new HashSet<>();
        for (String id : vends.requestId()) {
            if (id != null) {
                ids.add(id);
            }
        }
        JsonNode records = recentAudit(url);
        int found = 0;
        Set<String> seen = new HashSet<>();
        Map<String, Integer> decisions = new TreeMap<>();
        for (JsonNode record : records) {
            JsonNode id = record.get("request_id");
            if (id != null && ids.contains(id.asText())) {
                found++;
                seen.add(id.asText());
                JsonNode decision = record.get("decision");
                decisions.merge(decision == null ? "(none)" : decision.asText(), 1, Integer::sum);
            }
        }
        return new AuditCheck(found, seen.size(), ids.size(), decisions, records.size());
    }

    // ---- report -------------------------------------------------------------------------------

    record Report(Options options, Minted minted, Vends vends, AuditCheck audit) {
        int errors() {
            int errors = 0;
            for (int i = 0; i < vends.status().length; i++) {
                if (vends.latencyNanos()[i] >= 0 && vends.status()[i] != 200) {
                    errors++;
                }
            }
            return errors;
        }

        boolean complete() {
            return vends.sent() == options.requests() && !vends.timedOut();
        }

        /** Every request answered 200 and has exactly one audit record (and the run was not cut short). */
        boolean passed() {
            return complete()
                    && errors() == 0
                    && audit.found() == vends.sent()
                    && audit.requestsWithRecord() == vends.sent();
        }

        /** The latencies of the requests sent, in order. */
        long[] sortedLatencies() {
            return Arrays.stream(vends.latencyNanos())
                    .filter(l -> l >= 0)
                    .sorted()
                    .toArray();
        }

        String summary(String runnerDescription) {
            int sent = vends.sent();
            long[] sorted = sortedLatencies();
            Map<Integer, Integer> statuses = new TreeMap<>();
            Map<String, Integer> firstFailures = new HashMap<>();
            for (int i = 0; i < vends.status().length; i++) {
                if (vends.latencyNanos()[i] < 0) {
                    continue; // never sent (the time limit)
                }
                statuses.merge(vends.status()[i], 1, Integer::sum);
                if (vends.failure()[i] != null && firstFailures.size() < 3) {
                    firstFailures.putIfAbsent(vends.status()[i] + " " + truncate(vends.failure()[i]), i);
                }
            }
            StringBuilder s = new StringBuilder();
            s.append("==== kitevend load run ====\n");
            s.append("when:            ").append(Instant.now()).append('\n');
            s.append("runner:          ").append(runnerDescription).append('\n');
            s.append("load client JVM: ")
                    .append(System.getProperty("java.vm.name"))
                    .append(' ')
                    .append(Runtime.version())
                    .append(", max heap ")
                    .append(Runtime.getRuntime().maxMemory() / (1024 * 1024))
                    .append(" MiB\n");
            s.append("machine:         ")
                    .append(System.getProperty("os.name"))
                    .append(' ')
                    .append(System.getProperty("os.arch"))
                    .append(", ")
                    .append(Runtime.getRuntime().availableProcessors())
                    .append(" CPUs visible, ")
                    .append(cpuModel())
                    .append("; load client and runner share them\n");
            s.append("clients:         ")
                    .append(options.clients())
                    .append(" vend, ")
                    .append(options.mintClients())
                    .append(" mint (HttpURLConnection, keep-alive)\n");
            s.append(String.format(
                    Locale.ROOT,
                    "mint (phase 1):  %d tokens in %.1f s = %.0f tokens/s (not vend latency)%n",
                    minted.tokens().length,
                    minted.seconds(),
                    minted.tokens().length / minted.seconds()));
            s.append("requests:        ")
                    .append(sent)
                    .append(" of ")
                    .append(options.requests())
                    .append(vends.timedOut() ? " (STOPPED BY THE TIME LIMIT)" : "")
                    .append('\n');
            s.append("errors:          ")
                    .append(errors())
                    .append(" (non-200); statuses ")
                    .append(statuses)
                    .append('\n');
            firstFailures
                    .keySet()
                    .forEach(f -> s.append("  e.g.           ").append(f).append('\n'));
            s.append(String.format(
                    Locale.ROOT,
                    "throughput:      %.0f req/s (%d requests in %.2f s of phase 2)%n",
                    sent / vends.seconds(),
                    sent,
                    vends.seconds()));
            s.append(String.format(
                    Locale.ROOT,
                    "latency ms:      median %s  p90 %s  p99 %s  max %s  (min %s, mean %s)%n",
                    ms(percentile(sorted, 0.50)),
                    ms(percentile(sorted, 0.90)),
                    ms(percentile(sorted, 0.99)),
                    ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]),
                    ms(sorted.length == 0 ? 0 : sorted[0]),
                    ms(mean(sorted))));
            s.append("audit records:   ")
                    .append(audit.found())
                    .append(" found for ")
                    .append(sent)
                    .append(" requests sent (")
                    .append(audit.requestsWithRecord())
                    .append(" distinct request ids; ")
                    .append(sent - audit.requestsWithRecord())
                    .append(" requests without a record; decisions ")
                    .append(audit.decisions())
                    .append("; ")
                    .append(audit.totalRecords())
                    .append(" records in the runner in all)\n");
            s.append("result:          ")
                    .append(passed() ? "PASS" : "FAIL")
                    .append(" (errors = 0 and audit records = requests")
                    .append(complete() ? "" : "; the run did not send every request")
                    .append(")\n");
            s.append("===========================\n");
            return s.toString();
        }

        private static String truncate(String s) {
            String one = s.replace('\n', ' ');
            return one.length() <= 160 ? one : one.substring(0, 160) + "...";
        }
    }

    /** Nearest-rank percentile of sorted values (the smallest value with at least p of them at or below it). */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1];
    }

    private static long mean(long[] values) {
        if (values.length == 0) {
            return 0;
        }
        double sum = 0;
        for (long v : values) {
            sum += v;
        }
        return Math.round(sum / values.length);
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // not Linux, or not readable
        }
        return "CPU model unknown";
    }

    // ---- HTTP ---------------------------------------------------------------------------------

    record Response(int status, String text, String gatewayRequestId, String contentType) {}

    private static HttpURLConnection open(URI url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        c.setConnectTimeout(CONNECT_TIMEOUT_MS);
        c.setReadTimeout(READ_TIMEOUT_MS);
        c.setUseCaches(false);
        return c;
    }

    /** POST with an optional bearer token and optional JSON body; the whole answer is read so the connection is reused. */
    static Response post(URI url, String bearer, String json) throws IOException {
        HttpURLConnection c = open(url);
        c.setRequestMethod("POST");
        if (bearer != null) {
            c.setRequestProperty("Authorization", "Bearer " + bearer);
        }
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        if (json != null) {
            c.setRequestProperty("Content-Type", "application/json");
        }
        c.setDoOutput(true);
        // Not in streaming mode: with it, HttpURLConnection keeps no body of a 401 (the fuzz reads those).
        try (OutputStream o = c.getOutputStream()) {
            o.write(body);
        }
        return read(c);
    }

    private static Response read(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        byte[] bytes;
        if (in == null) {
            bytes = new byte[0];
        } else {
            try (in) {
                bytes = in.readAllBytes();
            }
        }
        return new Response(
                status,
                new String(bytes, StandardCharsets.UTF_8),
                c.getHeaderField("apigw-requestid"),
                c.getContentType());
    }

    private static void stop(AutoCloseable ticker) throws InterruptedException {
        try {
            ticker.close();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void runThreads(String name, int count, Runnable body) throws InterruptedException {
        List<Thread> threads = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            threads.add(Thread.ofPlatform().name(name + t).start(body));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    // ---- the runner ---------------------------------------------------------------------------

    /** The runner under load: one given by --url, or a `./kitevend dev` child process this run owns. */
    static final class Runner implements AutoCloseable {
        private final URI url;
        private final Process process;
        private final Path workDir;
        private final String description;

        private Runner(URI url, Process process, Path workDir, String description) {
            this.url = url;
            this.process = process;
            this.workDir = workDir;
            this.description = description;
        }

        static Runner external(URI url) {
            return new Runner(url, null, null, url + " (given with --url)");
        }

        static Runner start(Options options, PrintStream progress) throws SetupException, InterruptedException {
            return start(options.kitevend(), options.startTimeout(), BINDINGS, dir -> List.of(), progress);
        }

        /** What a started runner is given beyond its bindings: options, and the files they name, made in its work directory. */
        @FunctionalInterface
        interface MoreArguments {
            List<String> in(Path workDir) throws IOException;
        }

        /** {@code kitevend dev --port 0 --bindings <bindings>} and {@code more}, started and waited for. */
        static Runner start(
                Path kitevend, Duration startTimeout, String bindings, MoreArguments more, PrintStream progress)
                throws SetupException, InterruptedException {
            Path dir;
            Process process;
            Path stderr;
            try {
                dir = Files.createTempDirectory("kitevend-load-");
                Path bindingsFile = Files.writeString(dir.resolve("bindings.yaml"), bindings);
                stderr = dir.resolve("runner.stderr");
                List<String> command = new ArrayList<>(
                        List.of(kitevend.toString(), "dev", "--port", "0", "--bindings", bindingsFile.toString()));
                command.addAll(more.in(dir));
                // Its stdout is the audit log, one line per request: kept in a file, not a pipe that could fill.
                ProcessBuilder pb = new ProcessBuilder(command)
                        .redirectOutput(dir.resolve("runner.stdout").toFile())
                        .redirectError(stderr.toFile());
                progress.println("load: starting " + String.join(" ", pb.command()) + " (logs in " + dir + ")");
                process = pb.start();
            } catch (IOException e) {
                throw new SetupException("cannot start " + kitevend + ": " + e.getMessage(), e);
            }
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (System.nanoTime() < deadline) {
                String log;
                try {
                    log = Files.readString(stderr);
                } catch (IOException e) {
                    log = "";
                }
                Matcher m = LISTENING.matcher(log);
                if (m.find()) {
                    return new Runner(
                            URI.create(m.group(1)),
                            process,
                            dir,
                            "./kitevend dev (embedded: in memory, simulated STS; pid " + process.pid() + ") at "
                                    + m.group(1) + ", started and stopped by this run");
                }
                if (!process.isAlive()) {
                    throw new SetupException("./kitevend dev exited with " + process.exitValue() + ":\n" + log.strip());
                }
                Thread.sleep(100);
            }
            process.destroyForcibly();
            throw new SetupException("./kitevend dev did not start listening within " + startTimeout.toSeconds()
                    + " s (see " + stderr + ")");
        }

        URI url() {
            return url;
        }

        /**
         * The started runner's heap in use after a full GC ({@code jcmd PID GC.run}, then {@code
         * GC.heap_info}); empty for a runner given with --url, or when jcmd fails.
         */
        OptionalLong heapAfterGc(PrintStream progress) throws InterruptedException {
            if (process == null || !process.isAlive()) {
                return OptionalLong.empty();
            }
            try {
                jcmd("GC.run");
                Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
                if (used.find()) {
                    return OptionalLong.of(Long.parseLong(used.group(1)) * 1024);
                }
                progress.println("load: jcmd GC.heap_info said nothing of the heap in use");
            } catch (IOException e) {
                progress.println("load: could not measure the runner's heap: " + e.getMessage());
            }
            return OptionalLong.empty();
        }

        private String jcmd(String command) throws IOException, InterruptedException {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command)
                    .redirectErrorStream(true)
                    .start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("jcmd " + command + " failed: " + text.strip());
            }
            return text;
        }

        String description() {
            return description;
        }

        /** SIGTERM (Process.destroy on Unix), then SIGKILL if it has not stopped within 15 seconds. */
        @Override
        public synchronized void close() {
            if (process == null || !process.isAlive()) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        /** Deletes the started runner's logs after a passing run; otherwise says where they are. */
        void logs(boolean passed, PrintStream progress) {
            if (workDir == null) {
                return;
            }
            if (!passed) {
                progress.println("load: the runner's logs are kept in " + workDir);
                return;
            }
            try (var files = Files.list(workDir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
                Files.delete(workDir);
            } catch (IOException e) {
                progress.println("load: could not delete " + workDir + ": " + e.getMessage());
            }
        }
    }
}
