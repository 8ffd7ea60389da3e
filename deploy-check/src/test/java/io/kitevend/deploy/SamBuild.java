package io.kitevend.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.testing.Emulators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The artifacts {@code sam build} makes: every function and layer of template.yaml built by its
 * Makefile target, run as SAM runs it ({@code make build-<LogicalId>} with {@code ARTIFACTS_DIR}
 * set), into {@code deploy-check/target/sam-build/<LogicalId>}. Built once per test JVM and shared
 * by the tests that need artifacts (the builds take most of a minute each).
 */
final class SamBuild {
    private static SamBuild built;

    private final Path root;
    private final Map<String, Path> artifacts;

    private SamBuild(Path root, Map<String, Path> artifacts) {
        this.root = root;
        this.artifacts = Collections.unmodifiableMap(artifacts);
    }

    static synchronized SamBuild get() throws Exception {
        if (built == null) {
            built = build(Template.load());
        }
        return built;
    }

    private static SamBuild build(Template template) throws Exception {
        Path root = Emulators.repoRoot().resolve("deploy-check/target/sam-build");
        deleteTree(root);
        Files.createDirectories(root);
        TreeSet<String> logicalIds = new TreeSet<>();
        logicalIds.addAll(template.resources("AWS::Serverless::LayerVersion").keySet());
        logicalIds.addAll(template.resources("AWS::Serverless::Function").keySet());
        Map<String, Path> artifacts = new LinkedHashMap<>();
        for (String id : logicalIds) {
            Path dir = Files.createDirectories(root.resolve(id));
            Path log = root.resolve(id + ".log");
            Process make = new ProcessBuilder("make", "build-" + id, "ARTIFACTS_DIR=" + dir)
                    .directory(Emulators.repoRoot().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            assertThat(make.waitFor(10, TimeUnit.MINUTES))
                    .as("make build-" + id + " within 10 minutes")
                    .isTrue();
            assertThat(make.exitValue())
                    .as("make build-" + id + ": " + Files.readString(log))
                    .isZero();
            artifacts.put(id, dir);
        }
        return new SamBuild(root, artifacts);
    }

    /** The artifact directory of each logical id (the layer and every function). */
    Map<String, Path> artifacts() {
        return artifacts;
    }

    Path artifact(String logicalId) {
        Path dir = artifacts.get(logicalId);
        if (dir == null) {
            throw new IllegalArgumentException("no artifact for " + logicalId + "; built: " + artifacts.keySet());
        }
        return dir;
    }

    /** A scratch directory next to the artifacts, emptied first. */
    Path scratch(String name) throws IOException {
        Path dir = root.resolve("scratch").resolve(name);
        deleteTree(dir);
        return Files.createDirectories(dir);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
