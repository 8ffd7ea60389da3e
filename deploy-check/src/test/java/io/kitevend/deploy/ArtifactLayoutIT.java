package io.kitevend.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checks what lands in each artifact when the Makefile targets run the way {@code sam build} runs
 * them ({@link SamBuild}).
 */
@Tag("integration")
class ArtifactLayoutIT {
    private static final List<String> FORBIDDEN_JARS = List.of("apache-client", "apache5-client", "netty-nio-client");

    static Template template;
    static Map<String, Path> artifacts;

    @BeforeAll
    static void build() throws Exception {
        template = Template.load();
        artifacts = SamBuild.get().artifacts();
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
    void reportArtifactSizes() {
        // Not an assertion on size: the figures go to the build log for the notes.
        artifacts.forEach((id, dir) -> {
            int size = SamPackage.zip(dir).length;
            System.out.printf("artifact %s: %,d bytes zipped%n", id, size);
            assertThat(size).isPositive();
        });
    }
}
