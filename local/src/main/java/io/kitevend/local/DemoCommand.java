package io.kitevend.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * A scripted walkthrough on the embedded default: each step says what it does, what came back,
 * and whether that is what kitevend should do. Exits 0 only when every step behaved.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Start kitevend in memory, vend, get refused, replay a token, and show the audit trail.")
final class DemoCommand implements Callable<Integer> {
    private final PrintStream out = System.out;
    private final List<String> failures = new ArrayList<>();
    private int step;

    @Override
    public Integer call() throws Exception {
        Path bindings = Files.createTempFile("kitevend-demo-bindings", ".yaml");
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo-bindings.yaml");
                OutputStream file = Files.newOutputStream(bindings)) {
            in.transferTo(file);
        }
        RunnerOptions options = new RunnerOptions();
        options.port = 0;
        options.bindings = bindings;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        try (LocalRunner runner = LocalRunner.start(options, quiet, quiet)) {
            run(runner);
        } finally {
            Files.deleteIfExists(bindings);
        }
        out.println();
        if (failures.isEmpty()) {
            out.println("Demo finished: every step behaved as expected.");
            return 0;
        }
        out.println("Demo FAILED: " + String.join("; ", failures));
        return 1;
    }

    private void run(LocalRunner runner) throws IOException {
        URI url = runner.url();
        title("Start kitevend in memory (bindings from the demo file, STS simulated)");
        out.println(
                "   listening on " + url + ", dev issuer " + runner.devIssuer().issuer());
        out.println(
                "   binding 'deploy-main': acme/deploy on branch main may assume arn:aws:iam::123456789012:role/kitevend/deployer");

        title("Mint a job token: organization acme, pipeline deploy, branch main");
        String token = mint(url, "main");
        out.println("   token: " + token.substring(0, 24) + "... (" + token.length() + " characters)");

        title("Vend credentials with it (POST /v1/credentials)");
        LocalHttp.Response allowed = vend(url, token);
        JsonNode body = Json.readTree(allowed.body());
        out.println("   " + allowed.status() + " "
                + (allowed.status() == 200
                        ? "AccessKeyId " + body.get("AccessKeyId").asText() + ", role "
                                + body.get("RoleArn").asText()
                                + ", binding " + body.get("Binding").asText() + ", expires "
                                + body.get("Expiration").asText()
                                + (body.path("Simulated").asBoolean() ? " (simulated)" : "")
                        : body.path("code").asText()));
        expect(
                allowed.status() == 200 && body.path("Version").asInt() == 1,
                "the allowed vend should return 200 with credentials");

        title("Vend from branch feature/risky, which no binding allows");
        LocalHttp.Response refused = vend(url, mint(url, "feature/risky"));
        JsonNode problem = Json.readTree(refused.body());
        out.println("   " + refused.status() + " " + problem.path("code").asText() + ": "
                + problem.path("detail").asText());
        Map<String, Object> record = audit(runner, problem.path("request_id").asText());
        out.println("   audit record: decision " + record.get("decision") + ", reason " + record.get("reason")
                + ", detail \"" + record.get("detail") + "\"");
        expect(
                refused.status() == 403 && "no_matching_binding".equals(record.get("reason")),
                "the feature branch should be refused with 403 no_matching_binding");

        title("Replay the first token");
        LocalHttp.Response replay = vend(url, token);
        JsonNode replayProblem = Json.readTree(replay.body());
        Map<String, Object> replayRecord =
                audit(runner, replayProblem.path("request_id").asText());
        out.println("   " + replay.status() + " " + replayProblem.path("code").asText() + "; audit reason "
                + replayRecord.get("reason"));
        expect(
                replay.status() == 401 && "token_replayed".equals(replayRecord.get("reason")),
                "a replayed token should be refused with 401 and audit reason token_replayed");

        title("The audit trail (one record per request)");
        List<Map<String, Object>> records = runner.auditRecords();
        out.printf(
                "   %-24s %-8s %-22s %-8s %-12s %s%n",
                "time", "decision", "reason", "pipeline", "branch", "access key");
        for (Map<String, Object> r : records) {
            out.printf(
                    "   %-24s %-8s %-22s %-8s %-12s %s%n",
                    r.get("time"),
                    r.get("decision"),
                    r.get("reason"),
                    r.get("pipeline_slug"),
                    r.get("build_branch"),
                    r.getOrDefault("access_key_id", "-"));
        }
        expect(records.size() == 3, "there should be exactly 3 audit records, one per vend request");
    }

    private void title(String text) {
        out.println();
        out.println(++step + ". " + text);
    }

    private void expect(boolean ok, String what) {
        out.println("   " + (ok ? "OK" : "UNEXPECTED: " + what));
        if (!ok) {
            failures.add(what);
        }
    }

    private static String mint(URI url, String branch) throws IOException {
        var r = LocalHttp.post(
                url.resolve("/dev/token"),
                Map.of("content-type", "application/json"),
                Json.write(
                        Map.of("organization", "acme", "pipeline", "deploy", "branch", branch, "step_key", "deploy")));
        if (r.status() != 200) {
            throw new IOException("the dev issuer answered " + r.status());
        }
        return Json.readTree(r.body()).get("token").asText();
    }

    private static LocalHttp.Response vend(URI url, String token) throws IOException {
        return LocalHttp.post(url.resolve("/v1/credentials"), Map.of("authorization", "Bearer " + token), null);
    }

    private static Map<String, Object> audit(LocalRunner runner, String requestId) {
        return runner.auditRecords().stream()
                .filter(r -> requestId.equals(r.get("request_id")))
                .findFirst()
                .orElse(Map.of("decision", "missing", "reason", "missing", "detail", "no audit record"));
    }
}
