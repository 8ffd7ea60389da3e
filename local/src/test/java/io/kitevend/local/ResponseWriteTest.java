package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the runner hands a response body to the JDK's HTTP server. The server's per-connection
 * stream keeps a buffer of twice the largest single write for as long as a keep-alive connection
 * lives, so a large answer written in one piece stays on the heap after it is sent (the soak saw
 * ~100 MB per connection that had read GET /dev/audit). The body must arrive whole, and no single
 * write may be larger than the slice.
 */
class ResponseWriteTest {
    private HttpServer server;
    private final AtomicInteger largestWrite = new AtomicInteger();
    private byte[] body;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        var context = server.createContext("/", exchange -> ApiGatewayEvents.write(exchange, 200, body));
        // A filter sees the exchange's real response stream, as the server made it, and wraps it.
        context.getFilters().add(new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                exchange.setStreams(null, new FilterOutputStream(exchange.getResponseBody()) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        largestWrite.accumulateAndGet(len, Math::max);
                        out.write(b, off, len);
                    }
                });
                chain.doFilter(exchange);
            }

            @Override
            public String description() {
                return "records the largest write to the response stream";
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aLargeBodyArrivesWholeInBoundedWrites() throws Exception {
        body = new byte[3 * 1024 * 1024 + 17];
        new Random(20261130).nextBytes(body);

        byte[] received = get();

        assertThat(received).isEqualTo(body);
        assertThat(largestWrite.get()).isPositive().isLessThanOrEqualTo(ApiGatewayEvents.WRITE_SLICE);
    }

    @Test
    void smallAndEmptyBodiesAreUnchanged() throws Exception {
        body = "{\"ok\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(get()).isEqualTo(body);

        body = new byte[0];
        assertThat(get()).isEmpty();
    }

    private byte[] get() throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response =
                    client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
    }
}
