package io.kitevend.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (version 2018-06-01) on loopback, for one execution environment: what
 * the Runtime Interface Client in the function's JVM talks to instead of Lambda. It serves
 * {@code invocation/next} with the headers Lambda sends (request id, deadline, invoked function
 * ARN, trace id) and takes the {@code response}, {@code error} and {@code init/error} posts;
 * under SnapStart also {@code restore/next} (the runtime calls it after the {@code beforeCheckpoint}
 * hooks: Lambda takes the snapshot while it waits, and answers it when an environment is restored
 * from the snapshot) and {@code restore/error}.
 */
final class LambdaRuntimeApi implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";

    /** What an invocation came to: the function's response, its error, or an init error before it ran. */
    sealed interface Outcome {
        /** The payload the function returned. */
        record Response(String payload) implements Outcome {}

        /** An error report: the {@code Lambda-Runtime-Function-Error-Type} header and the error document. */
        record Error(String type, String body) implements Outcome {}

        /** The environment failed before the invocation could run (init or restore error, or the process died). */
        record InitFailed(String type, String body) implements Outcome {}
    }

    private record Invocation(String requestId, String event, Duration timeout) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lambda-runtime-api");
        t.setDaemon(true);
        return t;
    });
    private final String functionArn;
    private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Outcome.InitFailed> initFailure = new CompletableFuture<>();
    private final CompletableFuture<Long> firstNext = new CompletableFuture<>();
    private final CompletableFuture<Long> checkpoint = new CompletableFuture<>();
    private volatile Runnable onRestore = () -> {};
    private volatile long restoredAt;

    LambdaRuntimeApi(String functionArn) {
        this.functionArn = functionArn;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(threads);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** The value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Runs when the runtime waits in {@code restore/next}, before it is answered: the restore of the snapshot. */
    void onRestore(Runnable restore) {
        this.onRestore = restore;
    }

    /** When the runtime first asked for an invocation (nanoTime): init (or restore) has ended. */
    CompletableFuture<Long> ready() {
        return firstNext;
    }

    /** When the runtime called {@code restore/next} (nanoTime): the snapshot would be taken here. */
    CompletableFuture<Long> checkpointed() {
        return checkpoint;
    }

    long restoredAt() {
        return restoredAt;
    }

    /** Queues an event; the future completes when the function answers, or fails to start. */
    CompletableFuture<Outcome> invoke(String event, Duration timeout) {
        String requestId = UUID.randomUUID().toString();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        pending.put(requestId, outcome);
        queue.add(new Invocation(requestId, event, timeout));
        // Only relays an init failure into this invocation's outcome, the future callers wait on.
        var unused = initFailure.thenAccept(outcome::complete);
        return outcome;
    }

    /** The environment is gone (its process exited); every waiting invocation learns it. */
    void environmentEnded(String why) {
        initFailure.complete(new Outcome.InitFailed("Runtime.ExitError", why));
    }

    CompletableFuture<Outcome.InitFailed> initFailure() {
        return initFailure;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String errorType = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/response")) {
                complete(exchange, path, new Outcome.Response(new String(body, StandardCharsets.UTF_8)));
            } else if (method.equals("POST") && path.startsWith("invocation/") && path.endsWith("/error")) {
                complete(exchange, path, new Outcome.Error(errorType, new String(body, StandardCharsets.UTF_8)));
            } else if (method.equals("POST") && (path.equals("init/error") || path.equals("restore/error"))) {
                initFailure.complete(new Outcome.InitFailed(errorType, new String(body, StandardCharsets.UTF_8)));
                send(exchange, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("GET") && path.equals("restore/next")) {
                checkpoint.complete(System.nanoTime());
                onRestore.run();
                restoredAt = System.nanoTime();
                send(exchange, 200, "");
            } else {
                send(exchange, 404, "{\"errorMessage\":\"unknown runtime API path " + path + "\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        firstNext.complete(System.nanoTime());
        Invocation invocation;
        try {
            invocation = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.add("Content-Type", "application/json");
        headers.add("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        headers.add(
                "Lambda-Runtime-Deadline-Ms",
                Long.toString(System.currentTimeMillis() + invocation.timeout().toMillis()));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        headers.add("Lambda-Runtime-Trace-Id", traceId());
        send(exchange, 200, invocation.event());
    }

    private void complete(HttpExchange exchange, String path, Outcome outcome) throws IOException {
        String requestId = path.substring("invocation/".length(), path.lastIndexOf('/'));
        CompletableFuture<Outcome> waiting = pending.remove(requestId);
        if (waiting == null) {
            send(exchange, 400, "{\"errorMessage\":\"unknown request id\",\"errorType\":\"InvalidRequestID\"}");
            return;
        }
        waiting.complete(outcome);
        send(exchange, 202, "{\"status\":\"OK\"}");
    }

    /** An X-Ray trace header as Lambda passes it: root (time and 96 random bits), parent, sampled. */
    private static String traceId() {
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        byte[] parent = new byte[8];
        ThreadLocalRandom.current().nextBytes(parent);
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + HexFormat.of().formatHex(random) + ";Parent=" + HexFormat.of().formatHex(parent) + ";Sampled=0";
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
