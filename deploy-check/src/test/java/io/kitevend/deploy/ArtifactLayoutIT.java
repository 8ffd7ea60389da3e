package io.kitevend.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.testing.Emulators;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Makefile targets the way {@code sam build} does (make build-LogicalId with
 * ARTIFACTS_DIR set) and checks what lands in each artifact.
 */
@Tag("integration")
class ArtifactLayoutIT {
    private static final List<String> FORBIDDEN_JARS = List.of("apache-client", "apache5-client", "netty-nio-client");

    @TempDir
    static Path out;

    static Template template;
    static final Map<String, Path> artifacts = new TreeMap<>();

    @BeforeAll
    static void build() throws Exception {
        template = Template.load();
        Set<String> logicalIds = new HashSet<>();
        logicalIds.addAll(template.resources("AWS::Serverless::Function").keySet());
        logicalIds.addAll(template.resources("AWS::Serverless::LayerVersion").keySet());
        for (String id : logicalIds) {
            Path dir = Files.createDirectories(out.resolve(id));
            Process make = new ProcessBuilder("make", "build-" + id, "ARTIFACTS_DIR=" + dir)
                    .directory(Emulators.repoRoot().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.resolve(id + ".log").toFile())
                    .start();
            assertThat(make.waitFor(10, TimeUnit.MINUTES)).isTrue();
            assertThat(make.exitValue())
                    .as("make build-" + id + ": " + Files.readString(out.resolve(id + ".log")))
                    .isZero();
            artifacts.put(id, dir);
        }
    }

    @Test
    void handlerClassesSitAtTheRootOfEachFunctionArtifact() {
        template.resources("AWS::Serverless::Function").forEach((id, fn) -> {
            String handler = fn.at("/Properties/Handler").asText();
            String className = handler.substring(0, handler.indexOf("::"));
            Path classFile = artifacts.get(id).resolve(className.replace('.', '/') + ".class");
            assertThat(classFile).as(id).exists();
        });
    }

    @Test
    void theLayerCarriesJarsUnderJavaLibAndFunctionsCarryNone() throws IOException {
        Path lib = artifacts.get("CoreLayer").resolve("java/lib");
        try (Stream<Path> all = Files.walk(artifacts.get("CoreLayer"))) {
            assertThat(all.filter(Files::isRegularFile))
                    .allSatisfy(f -> assertThat(f.getParent()).isEqualTo(lib));
        }
        try (Stream<Path> jars = Files.list(lib)) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            assertThat(names).allSatisfy(n -> assertThat(n).endsWith(".jar"));
            assertThat(names).anySatisfy(n -> assertThat(n).startsWith("kitevend-core-"));
            assertThat(names).noneSatisfy(n -> assertThat(n).endsWith("-tests.jar"));
            for (String forbidden : FORBIDDEN_JARS) {
                assertThat(names).noneSatisfy(n -> assertThat(n).startsWith(forbidden + "-"));
            }
        }
        for (var e : artifacts.entrySet()) {
            if (e.getKey().equals("CoreLayer")) {
                continue;
            }
            try (Stream<Path> files = Files.walk(e.getValue())) {
                assertThat(files.filter(Files::isRegularFile).map(Path::toString))
                        .as(e.getKey())
                        .noneSatisfy(f -> assertThat(f).endsWith(".jar"));
            }
        }
    }

    @Test
    void noClassIsInBothAFunctionAndTheLayer() throws IOException {
        Set<String> layerClasses = new HashSet<>();
        try (Stream<Path> jars = Files.list(artifacts.get("CoreLayer").resolve("java/lib"))) {
            for (Path jar : jars.toList()) {
                try (JarFile j = new JarFile(jar.toFile())) {
                    j.stream()
                            .map(ZipEntry::getName)
                            .filter(n -> n.endsWith(".class"))
                            .forEach(layerClasses::add);
                }
            }
        }
        for (var e : artifacts.entrySet()) {
            if (e.getKey().equals("CoreLayer")) {
                continue;
            }
            Path root = e.getValue();
            try (Stream<Path> files = Files.walk(root)) {
                assertThat(files.filter(f -> f.toString().endsWith(".class"))
                                .map(f -> root.relativize(f).toString()))
                        .as(e.getKey())
                        .isNotEmpty()
                        .noneMatch(layerClasses::contains);
            }
        }
    }

    @Test
    void reportArtifactSizes() throws IOException {
        // Not an assertion on size: the figures go to the build log for the notes.
        for (var e : artifacts.entrySet()) {
            Path zip = out.resolve(e.getKey() + ".zip");
            try (OutputStream file = Files.newOutputStream(zip);
                    ZipOutputStream z = new ZipOutputStream(file);
                    Stream<Path> files = Files.walk(e.getValue())) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    z.putNextEntry(new ZipEntry(e.getValue().relativize(f).toString()));
                    Files.copy(f, z);
                    z.closeEntry();
                }
            }
            System.out.printf("artifact %s: %,d bytes zipped%n", e.getKey(), Files.size(zip));
            assertThat(Files.size(zip)).isPositive();
        }
    }
}
