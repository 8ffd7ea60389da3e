package io.kitevend.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every package of the core says in its {@code package-info.java} what it owns and which ring of
 * {@link Rings} it is in (javac keeps no class file for a package-info without annotations, so
 * this reads the sources).
 */
class PackageInfoTest {
    private static final Path SOURCES = Path.of("src/main/java/io/kitevend");

    @Test
    void everyCorePackageNamesItsRing() throws IOException {
        List<Path> packages;
        try (Stream<Path> dirs = Files.walk(SOURCES)) {
            packages = dirs.filter(Files::isDirectory)
                    .filter(PackageInfoTest::hasJava)
                    .toList();
        }
        assertThat(packages).hasSizeGreaterThan(15);
        for (Path dir : packages) {
            Path info = dir.resolve("package-info.java");
            assertThat(info).as("package-info of %s", dir).exists();
            assertThat(Files.readString(info))
                    .as(info.toString())
                    .containsPattern("(Domain|Adapter|Configuration|Composition) ring");
        }
    }

    private static boolean hasJava(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
