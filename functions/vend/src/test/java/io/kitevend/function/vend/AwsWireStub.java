package io.kitevend.function.vend;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kitevend.json.Json;
import io.kitevend.testing.AwsCallRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * One loopback HTTP endpoint standing in for both STS and DynamoDB, answering in their real wire
 * formats: STS is the AWS Query protocol (form-encoded POST, XML answers, errors as
 * {@code <ErrorResponse>}); DynamoDB is JSON 1.0 (operation in {@code X-Amz-Target}, errors as
 * {@code {"__type": ..., "message": ...}}). Requests are told apart by the target header. Every
 * request is recorded; the test scripts the answers.
 */
final class AwsWireStub implements AutoCloseable {
    static final String STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
    static final String DYNAMO_TARGET_PREFIX = "DynamoDB_20120810.";
    static final String DYNAMO_ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#";

    /**
     * One request as the stub received it. {@code operation} is the STS Action or the DynamoDB
     * operation; {@code table} the DynamoDB TableName (else null); {@code params} the STS form
     * parameters (else empty); {@code body} the raw text.
     */
    record Call(
            String service,
            String operation,
            String table,
            Map<String, String> params,
            String body,
            String contentType) {
        boolean is(String service, String operation) {
            return this.service.equals(service) && this.operation.equals(operation);
        }

        /** The DynamoDB request body as JSON. */
        JsonNode json() {
            try {
                return Json.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** An answer: status, content type and body. */
    record Reply(int status, String contentType, String body) {
        static Reply sts(int status, String xml) {
            return new Reply(status, "text/xml", xml);
        }

        static Reply dynamo(int status, String json) {
            return new Reply(status, "application/x-amz-json-1.0", json);
        }
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Function<Call, Reply> responder = call -> new Reply(500, "text/plain", "no answer scripted");

    AwsWireStub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Sets how every following request is answered. */
    void answer(Function<Call, Reply> responder) {
        this.responder = responder;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String service, String operation) {
        return calls.stream().filter(c -> c.is(service, operation)).toList();
    }

    /** DynamoDB PutItem requests on {@code table}. */
    List<Call> putItems(String table) {
        return calls.stream()
                .filter(c -> c.is("dynamodb", "PutItem") && table.equals(c.table()))
                .toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        Call call;
        if (target != null) {
            String operation =
                    target.startsWith(DYNAMO_TARGET_PREFIX) ? target.substring(DYNAMO_TARGET_PREFIX.length()) : target;
            String table = null;
            try {
                JsonNode json = Json.readTree(body);
                table = json.hasNonNull("TableName") ? json.get("TableName").asText() : null;
            } catch (IOException notJson) {
                // recorded as is; the responder decides
            }
            call = new Call("dynamodb", operation, table, Map.of(), body, contentType);
        } else {
            Map<String, String> params = AwsCallRecorder.formParameters(body);
            call = new Call("sts", params.getOrDefault("Action", ""), null, params, body, contentType);
        }
        calls.add(call);
        Reply reply;
        try {
            reply = responder.apply(call);
        } catch (RuntimeException e) {
            reply = new Reply(500, "text/plain", "stub responder failed: " + e);
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", reply.contentType());
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ------------------------------------------------------------------ wire-format answers

    /** A successful {@code AssumeRoleResponse}, as STS sends it. */
    static String assumeRoleResponse(
            String roleArn,
            String sessionName,
            String accessKeyId,
            String secretAccessKey,
            String sessionToken,
            Instant expiration) {
        String[] arn = roleArn.split(":", 6);
        String roleName = arn[5].substring(arn[5].lastIndexOf('/') + 1);
        return """
                <AssumeRoleResponse xmlns="%s">
                  <AssumeRoleResult>
                    <AssumedRoleUser>
                      <AssumedRoleId>AROA3XFRBF23TESTROLE:%s</AssumedRoleId>
                      <Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn>
                    </AssumedRoleUser>
                    <Credentials>
                      <AccessKeyId>%s</AccessKeyId>
                      <SecretAccessKey>%s</SecretAccessKey>
                      <SessionToken>%s</SessionToken>
                      <Expiration>%s</Expiration>
                    </Credentials>
                    <PackedPolicySize>7</PackedPolicySize>
                  </AssumeRoleResult>
                  <ResponseMetadata>
                    <RequestId>%s</RequestId>
                  </ResponseMetadata>
                </AssumeRoleResponse>
                """.formatted(
                        STS_NAMESPACE,
                        sessionName,
                        arn[4],
                        roleName,
                        sessionName,
                        accessKeyId,
                        secretAccessKey,
                        sessionToken,
                        expiration.truncatedTo(ChronoUnit.SECONDS),
                        UUID.randomUUID());
    }

    /** An STS (Query protocol) error document. */
    static String stsError(String type, String code, String message) {
        return """
                <ErrorResponse xmlns="%s">
                  <Error>
                    <Type>%s</Type>
                    <Code>%s</Code>
                    <Message>%s</Message>
                  </Error>
                  <RequestId>%s</RequestId>
                </ErrorResponse>
                """.formatted(STS_NAMESPACE, type, code, message, UUID.randomUUID());
    }

    /** A DynamoDB (JSON 1.0) error document. */
    static String dynamoError(String type, String message) {
        return Json.write(Map.of("__type", DYNAMO_ERROR_PREFIX + type, "message", message));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
