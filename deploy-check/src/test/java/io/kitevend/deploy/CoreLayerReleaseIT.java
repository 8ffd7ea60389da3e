package io.kitevend.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A fix to the core layer alone must reach the {@code live} alias. The artifacts are built as
 * {@code sam build} builds them and packed as {@code sam package} packs them, twice: the same
 * function zips both times, the layer with one change. The SAM transform must then derive a new
 * {@code AWS::Lambda::Version} for every function (CloudFormation publishes a version, and the
 * alias moves to it, only when that logical id changes); with the same version ids the alias keeps
 * the old layer.
 */
@Tag("integration")
class CoreLayerReleaseIT {
    @Test
    void aChangeToTheCoreLayerAlonePublishesANewVersionOfEveryFunction() throws Exception {
        SamBuild build = SamBuild.get();
        Template template = Template.load();
        Map<String, String> before = packages(build, build.artifact("CoreLayer"));
        Map<String, String> after = packages(build, changedLayer(build));
        for (String function : template.resources("AWS::Serverless::Function").keySet()) {
            assertThat(after.get(function)).as(function + " is packed the same").isEqualTo(before.get(function));
        }
        assertThat(after.get("CoreLayer")).as("the layer's package").isNotEqualTo(before.get("CoreLayer"));

        Map<String, String> versionsBefore = versions(transform(before));
        Map<String, String> versionsAfter = versions(transform(after));

        assertThat(versionsBefore.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        template.resources("AWS::Serverless::Function").keySet());
        versionsBefore.forEach((function, version) -> assertThat(versionsAfter.get(function))
                .as(function + "'s version after a change to the layer only (before: " + version + ")")
                .isNotEqualTo(version));
    }

    /** The S3 URI of each artifact's package, with the given layer directory. */
    private static Map<String, String> packages(SamBuild build, Path layer) {
        Map<String, String> uris = new LinkedHashMap<>();
        build.artifacts()
                .forEach((id, dir) ->
                        uris.put(id, SamPackage.s3Uri(SamPackage.zip(id.equals("CoreLayer") ? layer : dir))));
        return uris;
    }

    /** A copy of the built layer whose kitevend-core jar carries one more entry, as a fixed core would differ. */
    private static Path changedLayer(SamBuild build) throws Exception {
        Path source = build.artifact("CoreLayer");
        Path copy = build.scratch("changed-layer");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path core;
        try (Stream<Path> jars = Files.list(copy.resolve("java/lib"))) {
            core = jars.filter(j -> j.getFileName().toString().startsWith("kitevend-core-"))
                    .findFirst()
                    .orElseThrow();
        }
        try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + core.toUri()), Map.of())) {
            Files.writeString(
                    jar.getPath("META-INF/kitevend-fix.txt"), "a fix in the core layer", StandardCharsets.UTF_8);
        }
        return copy;
    }

    private static Template transform(Map<String, String> packages) throws Exception {
        SamTransform transform = new SamTransform().parameter("Organizations", "acme");
        packages.forEach(transform::code);
        return Template.of(transform.transform());
    }

    /** Function logical id to the logical id of its AWS::Lambda::Version. */
    private static Map<String, String> versions(Template transformed) {
        Map<String, String> versions = new LinkedHashMap<>();
        transformed.resources("AWS::Lambda::Version").forEach((id, version) -> {
            String function = version.at("/Properties/FunctionName/Ref").asText();
            assertThat(versions).as("one version per function").doesNotContainKey(function);
            versions.put(function, id);
        });
        // The alias points at exactly that version.
        transformed.resources("AWS::Lambda::Alias").forEach((id, alias) -> {
            JsonNode target = alias.at("/Properties/FunctionVersion/Fn::GetAtt");
            assertThat(List.of(target.get(0).asText(), target.get(1).asText()))
                    .as(id)
                    .containsExactly(
                            versions.get(
                                    alias.at("/Properties/FunctionName/Ref").asText()),
                            "Version");
        });
        return versions;
    }
}
