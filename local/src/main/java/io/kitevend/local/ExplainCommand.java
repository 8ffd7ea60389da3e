package io.kitevend.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./kitevend explain}: which bindings a job would match, and why not, without vending anything. */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description =
                "Explain the decision for a job: for each binding of its pipeline, matched or the first condition that failed, and the final decision. Give the job as --token TOKEN (verified, not consumed; '-' reads stdin), --claims FILE (YAML or JSON object of claims), or --org and --pipeline with other claims.")
final class ExplainCommand extends AdminCommand {

    @Option(names = "--token", paramLabel = "TOKEN", description = "A Buildkite job token ('-': read it from stdin).")
    String token;

    @Option(names = "--claims", paramLabel = "FILE", description = "The job's claims as a YAML or JSON object.")
    Path claimsFile;

    @Option(
            names = {"--org", "--organization"},
            paramLabel = "ORG",
            description = "organization_slug")
    String org;

    @Option(names = "--pipeline", description = "pipeline_slug")
    String pipeline;

    @Option(names = "--branch", description = "build_branch")
    String branch;

    @Option(names = "--tag", description = "build_tag")
    String tag;

    @Option(names = "--step-key", description = "step_key")
    String stepKey;

    @Option(names = "--build-source", description = "build_source (ui, api, webhook, trigger_job, schedule)")
    String buildSource;

    @Option(names = "--claim", paramLabel = "NAME=VALUE", description = "Any other claim, e.g. queue_key=deploy.")
    Map<String, String> claims = new LinkedHashMap<>();

    @Option(
            names = "--binding",
            paramLabel = "NAME",
            description = "Explain the choice of this binding, as a job naming it would.")
    String binding;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "json|table",
            description = "Default: ${DEFAULT-VALUE}.")
    Format output = Format.json;

    @Override
    int execute(AdminClient client) throws IOException {
        ObjectNode request = request();
        var r = client.send(
                "POST",
                List.of("v1", "admin", "explain"),
                Map.of(),
                Map.of("content-type", "application/json"),
                Json.write(request).getBytes(StandardCharsets.UTF_8));
        if (!succeeded(r)) {
            return 1;
        }
        JsonNode result = json(r);
        if (output == Format.table) {
            Table t = new Table("BINDING", "MATCHED", "WHY NOT");
            result.path("bindings")
                    .forEach(b -> t.row(
                            b.path("name").asText(),
                            b.path("matched").asBoolean() ? "yes" : "no",
                            b.path("reason").isNull() ? "" : b.path("reason").asText()));
            out().println("organization " + result.path("organization").asText("-") + ", pipeline "
                    + result.path("pipeline").asText("-"));
            t.print(out());
            out().println("decision: " + result.path("decision").asText("-")
                    + (result.hasNonNull("selected")
                            ? ", selected " + result.get("selected").asText()
                            : "")
                    + (result.hasNonNull("reason") ? " (" + result.get("reason").asText() + ")" : ""));
            out().flush();
        } else {
            printJson(result);
        }
        return 0;
    }

    ObjectNode request() throws IOException {
        boolean byClaims = org != null
                || pipeline != null
                || branch != null
                || tag != null
                || stepKey != null
                || buildSource != null
                || !claims.isEmpty();
        int sources = (token != null ? 1 : 0) + (claimsFile != null ? 1 : 0) + (byClaims ? 1 : 0);
        if (sources != 1) {
            throw new UsageProblem(
                    "give the job one way: --token TOKEN, --claims FILE, or --org ORG --pipeline PIPELINE [...]");
        }
        ObjectNode req = Json.mapper().createObjectNode();
        if (token != null) {
            String t = token.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip() : token;
            req.put("token", t);
        } else if (claimsFile != null) {
            JsonNode c;
            try {
                c = Json.readYaml(BindingsCommand.readFile(claimsFile));
            } catch (JsonProcessingException e) {
                throw new UsageProblem("the claims file " + Json.problem(e, "YAML or JSON"));
            }
            if (c == null || !c.isObject()) {
                throw new UsageProblem("the claims file must hold an object of claims");
            }
            req.set("claims", c);
        } else {
            if (org == null || pipeline == null) {
                throw new UsageProblem("--org and --pipeline are both needed to describe a job by its claims");
            }
            ObjectNode c = req.putObject("claims");
            c.put("organization_slug", org);
            c.put("pipeline_slug", pipeline);
            putIf(c, "build_branch", branch);
            putIf(c, "build_tag", tag);
            putIf(c, "step_key", stepKey);
            putIf(c, "build_source", buildSource);
            claims.forEach(c::put);
        }
        if (binding != null) {
            req.put("binding", binding);
        }
        return req;
    }

    private static void putIf(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
