package io.kitevend.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kitevend.report.ReportException;
import io.kitevend.report.ReportStore;
import io.kitevend.testing.EmulatorAws;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The report's state object against S3's wire answers, from a loopback endpoint standing in for
 * S3 (REST-XML, path-style): a first run whose GetObject of {@code reports/state.json} is refused
 * with 403 (what S3 answers for a missing key to a caller that may not list the bucket) goes on
 * without state when a listing shows the object does not exist, and fails when it does exist, when
 * the listing is refused too, or when any other object cannot be written.
 */
class S3StateWireTest {
    private static final String BUCKET = "kitevend-reports";
    private static final String STATE_PATH = "/" + BUCKET + "/" + ReportStore.STATE_KEY;
    private static final String STATE_ETAG = "\"9b2cf535f27731c974343645a3985328\"";

    /** One request as the endpoint received it, with its conditional-write headers (or null). */
    record Call(String method, String path, String query, String ifMatch, String ifNoneMatch) {}

    /** An answer: status and XML body (empty for none). */
    record Reply(int status, String xml) {}

    private HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Function<Call, Reply> responder;
    private S3Client s3;
    private S3ReportStore store;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        s3 = new ReportClients(new AwsSettings(Region.US_EAST_1, Optional.of(endpoint), EmulatorAws.TEST_CREDENTIALS))
                .s3();
        store = new S3ReportStore(s3, BUCKET);
    }

    @AfterEach
    void stop() {
        s3.close();
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        String query = exchange.getRequestURI().getRawQuery();
        Call call = new Call(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                query == null ? "" : URLDecoder.decode(query, StandardCharsets.UTF_8),
                exchange.getRequestHeaders().getFirst("If-Match"),
                exchange.getRequestHeaders().getFirst("If-None-Match"));
        calls.add(call);
        Reply reply = responder.apply(call);
        byte[] body = reply.xml().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("x-amz-request-id", "4442587FB7D0A2F9");
        exchange.getResponseHeaders().add("ETag", STATE_ETAG);
        if (body.length > 0) {
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
        }
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Reply error(int status, String code, String message) {
        return new Reply(status, """
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>%s</Code><Message>%s</Message><RequestId>4442587FB7D0A2F9</RequestId>\
                <HostId>aGVsbG8gd29ybGQ=</HostId></Error>""".formatted(code, message));
    }

    private static final Reply ACCESS_DENIED = error(403, "AccessDenied", "Access Denied");

    /** A ListObjectsV2 answer listing the given keys under the state key's prefix. */
    private static Reply listing(String... keys) {
        StringBuilder contents = new StringBuilder();
        for (String key : keys) {
            contents.append("<Contents><Key>")
                    .append(key)
                    .append("</Key><LastModified>2025-05-15T00:15:07.000Z</LastModified>")
                    .append("<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>812</Size>")
                    .append("<StorageClass>STANDARD</StorageClass></Contents>");
        }
        return new Reply(200, """
                <?xml version="1.0" encoding="UTF-8"?>
                <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>%s</Name>\
                <Prefix>%s</Prefix><KeyCount>%d</KeyCount><MaxKeys>1</MaxKeys><IsTruncated>false</IsTruncated>\
                %s</ListBucketResult>""".formatted(BUCKET, ReportStore.STATE_KEY, keys.length, contents));
    }

    private static boolean isListing(Call call) {
        return call.method().equals("GET")
                && call.path().equals("/" + BUCKET)
                && call.query().contains("list-type=2");
    }

    @Test
    void aFirstRunWhoseStateReadIsRefusedButNotListedStartsWithoutState() {
        responder = call -> isListing(call) ? listing() : ACCESS_DENIED;

        assertThat(store.readState()).isEmpty();
        assertThat(calls)
                .extracting(Call::method, Call::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("GET", STATE_PATH),
                        org.assertj.core.groups.Tuple.tuple("GET", "/" + BUCKET));
        assertThat(calls.get(1).query()).contains("prefix=" + ReportStore.STATE_KEY);
    }

    @Test
    void aMissingStateAnsweredWith404IsNoStateWithoutAListing() {
        responder = call -> error(404, "NoSuchKey", "The specified key does not exist.");

        assertThat(store.readState()).isEmpty();
        assertThat(calls).hasSize(1);
    }

    @Test
    void aRefusedReadOfAStateThatExistsFailsTheRun() {
        // Only a longer key shares the prefix in the first case; the state itself in the second.
        responder = call -> isListing(call) ? listing(ReportStore.STATE_KEY + ".old") : ACCESS_DENIED;
        assertThat(store.readState()).isEmpty();

        responder = call -> isListing(call) ? listing(ReportStore.STATE_KEY) : ACCESS_DENIED;
        assertThatThrownBy(store::readState)
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("s3://" + BUCKET + "/" + ReportStore.STATE_KEY)
                .hasMessageContaining("Access Denied");
    }

    @Test
    void aRefusedReadAndARefusedListingFailTheRun() {
        responder = call -> ACCESS_DENIED;

        assertThatThrownBy(store::readState)
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("listing it to see whether it exists failed too");
    }

    @Test
    void aRefusedWriteOfTheStateOrAReportIsNeverHidden() {
        responder = call -> ACCESS_DENIED;

        assertThatThrownBy(() -> store.writeState("{}"))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("writing s3://" + BUCKET + "/" + ReportStore.STATE_KEY);
        assertThatThrownBy(() -> store.writeReport(LocalDate.of(2025, 5, 14), "{}", "<html></html>"))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("reports/2025/05/14/report.json");
        assertThat(calls).extracting(Call::method).containsOnly("PUT");
    }

    @Test
    void aStateThatCanBeReadIsReturned() {
        responder = call -> new Reply(200, "{\"version\":1}");

        assertThat(store.readState()).contains("{\"version\":1}");
    }

    @Test
    void theStateIsReplacedOnlyIfItIsStillTheOneRead() {
        responder = call -> new Reply(200, call.method().equals("GET") ? "{\"version\":1}" : "");
        store.readState();
        store.writeState("{\"version\":2}");
        assertThat(calls.get(1).method()).isEqualTo("PUT");
        assertThat(calls.get(1).ifMatch()).isEqualTo(STATE_ETAG);

        calls.clear();
        responder =
                call -> isListing(call) ? listing() : call.method().equals("GET") ? ACCESS_DENIED : new Reply(200, "");
        store.readState();
        store.writeState("{\"version\":1}");
        assertThat(calls.get(2).method()).isEqualTo("PUT");
        assertThat(calls.get(2).ifNoneMatch()).isEqualTo("*");
    }

    @Test
    void aStateChangedByAnOverlappingRunIsNotOverwritten() {
        responder = call -> call.method().equals("GET")
                ? new Reply(200, "{\"version\":1}")
                : error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
        store.readState();

        assertThatThrownBy(() -> store.writeState("{\"version\":2}"))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("changed while this run was running")
                .hasMessageContaining("run it again");
    }
}
