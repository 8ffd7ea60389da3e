package io.kitevend.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import io.kitevend.testing.Emulators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real SAM transform ({@code samtranslator}, which cfn-lint installs) run offline over a
 * template by {@code src/test/python/sam_transform.py}: the CloudFormation template that
 * {@code sam deploy} would make CloudFormation create. Where python3 or samtranslator is missing,
 * the tests that need it are skipped, except under {@code CI=true}, where that fails the run.
 */
final class SamTransform {
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final Path TEMPLATE = Emulators.repoRoot().resolve("template.yaml");

    private final Map<String, String> code = new LinkedHashMap<>();
    private final Map<String, String> parameters = new LinkedHashMap<>();

    /** The S3 URI of a function's or layer's package (what {@code sam package} writes into the template). */
    SamTransform code(String logicalId, String s3Uri) {
        code.put(logicalId, s3Uri);
        return this;
    }

    /** A parameter value, as {@code sam deploy --parameter-overrides} gives it. */
    SamTransform parameter(String name, String value) {
        parameters.put(name, value);
        return this;
    }

    SamTransform parameters(java.util.Map<String, String> values) {
        parameters.putAll(values);
        return this;
    }

    /** Placeholder packages for every function and layer, for checks that do not depend on the code. */
    SamTransform placeholderCode(Template template) {
        template.resources("AWS::Serverless::Function")
                .keySet()
                .forEach(id -> code(id, "s3://" + SamPackage.BUCKET + "/" + id));
        template.resources("AWS::Serverless::LayerVersion")
                .keySet()
                .forEach(id -> code(id, "s3://" + SamPackage.BUCKET + "/" + id));
        return this;
    }

    JsonNode transform() throws Exception {
        return transform(SamTransform.TEMPLATE);
    }

    JsonNode transform(Path template) throws Exception {
        Path script = Emulators.repoRoot().resolve("deploy-check/src/test/python/sam_transform.py");
        List<String> command = new ArrayList<>(List.of("python3", script.toString(), template.toString()));
        code.forEach((id, uri) -> command.addAll(List.of("--code", id + "=" + uri)));
        parameters.forEach((name, value) -> command.addAll(List.of("--param", name + "=" + value)));
        command.addAll(List.of("--region", REGION, "--account", ACCOUNT));
        Path stderr = Files.createTempFile("sam-transform", ".err");
        try {
            Process python;
            try {
                python = new ProcessBuilder(command)
                        .redirectError(stderr.toFile())
                        .start();
            } catch (IOException e) {
                unavailable("python3 cannot be started: " + e.getMessage());
                throw new AssertionError("unreachable");
            }
            byte[] out = python.getInputStream().readAllBytes();
            if (!python.waitFor(2, TimeUnit.MINUTES)) {
                python.destroyForcibly();
                throw new AssertionError("the SAM transform did not finish within 2 minutes");
            }
            String errors = Files.readString(stderr);
            if (python.exitValue() != 0) {
                if (errors.contains("No module named 'samtranslator'") || errors.contains("No module named 'boto3'")) {
                    unavailable("samtranslator is not installed (it comes with cfn-lint): " + errors.strip());
                }
                throw new AssertionError("the SAM transform refused the template:\n" + errors);
            }
            return Json.readTree(new String(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    private static void unavailable(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("SAM transform unavailable under CI=true: " + why);
        }
        Assumptions.abort("SAM transform unavailable: " + why);
    }
}
