package io.kitevend.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy on loopback in front of the AWS emulators that answers late: the first time it
 * sees a request that {@link #delayFirstAnswer} selects, it forwards the request at once (so the
 * write lands) and holds the emulator's answer back for a while before passing it on, by which
 * time the SDK has given up on that attempt and retried. A retry sends the same body again, so
 * only the first answer to each body is late. DynamoDB calls (JSON with {@code X-Amz-Target}) go
 * to one emulator, everything else (STS) to another, so that dynalite can stand behind the
 * tables while moto answers STS.
 */
public final class LateAnswerProxy implements AutoCloseable {
    /** One request as the proxy saw it: DynamoDB's target header (or null) and the body. */
    public record Seen(String target, String body) {
        /** True for a DynamoDB call of this operation (say, "PutItem") naming this table. */
        public boolean is(String operation, String table) {
            return ("DynamoDB_20120810." + operation).equals(target) && body.contains("\"" + table + "\"");
        }
    }

    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "content-length", "host", "keep-alive", "transfer-encoding");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final URI dynamo;
    private final URI others;
    private final Duration delay;
    private final Set<String> answeredLate = ConcurrentHashMap.newKeySet();
    private final AtomicInteger lateAnswers = new AtomicInteger();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Predicate<Seen> delayFirstAnswer = s -> false;
    private volatile Predicate<Seen> delayEveryAnswer = s -> false;

    /**
     * @param dynamo where DynamoDB calls go
     * @param others where every other call goes
     * @param delay how long a late answer is held back: longer than the SDK's attempt timeout
     */
    public LateAnswerProxy(URI dynamo, URI others, Duration delay) {
        this.dynamo = dynamo;
        this.others = others;
        this.delay = delay;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::forward);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** From now on, the first answer to each request this selects is late; the rest are on time. */
    public void delayFirstAnswer(Predicate<Seen> which) {
        delayFirstAnswer = which;
    }

    /** From now on, every answer to a request this selects is late: a slow emulator, retries and all. */
    public void delayEveryAnswer(Predicate<Seen> which) {
        delayEveryAnswer = which;
    }

    /** How many answers were held back so far. */
    public int lateAnswers() {
        return lateAnswers.get();
    }

    /** Every request so far, in order. */
    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            Seen request = new Seen(target, new String(body, StandardCharsets.UTF_8));
            seen.add(request);
            boolean late = delayEveryAnswer.test(request)
                    || (delayFirstAnswer.test(request) && answeredLate.add(target + "\n" + request.body()));

            URI base = target != null && target.startsWith("DynamoDB_") ? dynamo : others;
            HttpURLConnection c = (HttpURLConnection)
                    base.resolve(exchange.getRequestURI().toString()).toURL().openConnection();
            c.setRequestMethod(exchange.getRequestMethod());
            c.setConnectTimeout(5_000);
            c.setReadTimeout(30_000);
            for (Map.Entry<String, List<String>> h :
                    exchange.getRequestHeaders().entrySet()) {
                if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    c.setRequestProperty(h.getKey(), String.join(",", h.getValue()));
                }
            }
            if (body.length > 0) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            InputStream answer = status >= 400 ? c.getErrorStream() : c.getInputStream();
            byte[] answerBody = answer == null ? new byte[0] : answer.readAllBytes();
            if (answer != null) {
                answer.close();
            }
            if (late) {
                lateAnswers.incrementAndGet();
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            c.getHeaderFields().forEach((name, values) -> {
                if (name != null && !HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            try {
                exchange.sendResponseHeaders(status, answerBody.length == 0 ? -1 : answerBody.length);
                if (answerBody.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(answerBody);
                    }
                }
            } catch (IOException callerGaveUp) {
                // The SDK stopped waiting for this attempt long ago: that is the point.
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
