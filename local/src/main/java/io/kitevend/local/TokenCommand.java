package io.kitevend.local;

import io.kitevend.json.Json;
import java.net.ConnectException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Asks a running {@code ./kitevend dev} for a Buildkite-shaped token from its dev issuer. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Print a Buildkite-shaped job token from a running './kitevend dev' (its dev issuer).")
final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", description = "The runner. Default: ${DEFAULT-VALUE}.")
    URI url = URI.create("http://127.0.0.1:8787");

    @Option(names = "--org", required = true, description = "organization_slug")
    String org;

    @Option(names = "--pipeline", required = true, description = "pipeline_slug")
    String pipeline;

    @Option(names = "--branch", description = "build_branch. Default: main.")
    String branch;

    @Option(names = "--tag", description = "build_tag (also makes sub's ref refs/tags/TAG).")
    String tag;

    @Option(names = "--step-key", description = "step_key.")
    String stepKey;

    @Option(names = "--build-source", description = "ui, api, webhook, trigger_job or schedule. Default: ui.")
    String buildSource;

    @Option(names = "--build-number", description = "build_number. Default: random.")
    Long buildNumber;

    @Option(names = "--audience", description = "Default: the runner's audience.")
    String audience;

    @Option(
            names = "--lifetime",
            paramLabel = "SECONDS",
            description = "Token lifetime, at most 7200 (as Buildkite). Default: 300.")
    Integer lifetime;

    @Option(
            names = "--claim",
            paramLabel = "NAME=VALUE",
            description = "Any other claim, e.g. queue_key=deploy or agent_tag:queue=deploy.")
    Map<String, String> claims = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("organization", org);
        req.put("pipeline", pipeline);
        req.put("branch", branch);
        req.put("tag", tag);
        req.put("step_key", stepKey);
        req.put("build_source", buildSource);
        req.put("build_number", buildNumber);
        req.put("audience", audience);
        req.put("lifetime", lifetime);
        req.put("claims", claims);
        req.values().removeIf(Objects::isNull);
        LocalHttp.Response r;
        try {
            r = LocalHttp.post(url.resolve("/dev/token"), Map.of("content-type", "application/json"), Json.write(req));
        } catch (ConnectException e) {
            spec.commandLine()
                    .getErr()
                    .println("kitevend token: nothing answers at " + url + "; start it with ./kitevend dev");
            return 1;
        }
        if (r.status() == 404) {
            System.err.println(
                    "kitevend token: the runner at " + url + " has no dev issuer: it is on only when"
                            + " everything is embedded (no --aws-endpoint, no --aws) or with --dev-routes, and not with --issuer");
            return 1;
        }
        if (r.status() != 200) {
            spec.commandLine().getErr().println("kitevend token: " + r.status() + " " + r.body());
            return 1;
        }
        spec.commandLine().getOut().println(Json.readTree(r.body()).get("token").asText());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
