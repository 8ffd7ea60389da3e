package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.testing.Emulators;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as an admin installs it: the release artifact the build makes ({@code
 * local/target/kitevend}, one executable file), installed with the README's command into a
 * folder of its own, then run through a symlink from another folder against a {@code ./kitevend
 * dev} of this clone. And the clone's own launcher through a symlink.
 */
class CliInstallIT {
    /** The README's install command: a release's file, downloaded with curl into ~/.local/bin. */
    private static final Pattern INSTALL = Pattern.compile(
            "^(curl -fsSL --create-dirs -o ~/\\.local/bin/kitevend (https://github\\.com/kitevend/kitevend/releases/download/\\S+/kitevend)"
                    + " && chmod \\+x ~/\\.local/bin/kitevend)$",
            Pattern.MULTILINE);

    record Result(int exit, String out, String err) {}

    private static Result run(Path cwd, Map<String, String> env, List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put(DevAdminKey.CONFIG_DIR_VARIABLE, RunnerProcess.TEST_CONFIG_DIR.toString());
        env.forEach((name, value) -> {
            if (value == null) {
                pb.environment().remove(name);
            } else {
                pb.environment().put(name, value);
            }
        });
        Path out = Files.createTempFile("cli-install", ".out");
        Path err = Files.createTempFile("cli-install", ".err");
        try {
            Process p =
                    pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish");
            }
            return new Result(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    private static Path artifact() {
        Path file = Emulators.repoRoot().resolve("local/target/kitevend");
        assertThat(file)
                .as("the build makes the release artifact")
                .isRegularFile()
                .isExecutable();
        return file;
    }

    @Test
    void theReleaseArtifactInstalledWithTheReadmesCommandRunsThroughASymlinkFromAnywhere(@TempDir Path home)
            throws Exception {
        String readme = Files.readString(Emulators.repoRoot().resolve("README.md"));
        Matcher install = INSTALL.matcher(readme);
        assertThat(install.find()).as("the README's install command").isTrue();
        // The same command, with the file this build made in place of the release's download and a
        // home of the test's own.
        String command = install.group(1)
                .replace(install.group(2), artifact().toUri().toString())
                .replace("~/", home + "/");
        Result installed = run(home, Map.of(), List.of("bash", "-c", command));
        assertThat(installed.exit()).as(installed.err()).isZero();
        Path binary = home.resolve(".local/bin/kitevend");
        assertThat(binary).isExecutable();

        Path links = Files.createDirectories(home.resolve("links"));
        Path link = Files.createSymbolicLink(links.resolve("kv"), binary);
        Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));

        Result version = run(elsewhere, Map.of(), List.of(link.toString(), "--version"));
        assertThat(version.exit()).as(version.err()).isZero();
        assertThat(version.out())
                .containsPattern("^kitevend \\d+\\.\\d+\\.\\d+")
                .contains("Java 25");

        try (RunnerProcess dev = RunnerProcess.start("dev", "--port", "0")) {
            URI url = dev.awaitListening();
            Map<String, String> noAws = noAwsEnvironment(home);
            Result list = run(
                    elsewhere,
                    noAws,
                    List.of(link.toString(), "bindings", "list", "-o", "table", "--url", url.toString()));
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).startsWith("ORGANIZATION");

            Result token = run(
                    elsewhere,
                    noAws,
                    List.of(
                            link.toString(),
                            "token",
                            "--url",
                            url.toString(),
                            "--org",
                            "acme",
                            "--pipeline",
                            "deploy"));
            assertThat(token.exit()).as(token.err()).isZero();
            assertThat(token.out()).startsWith("eyJ");
        }
    }

    @Test
    void theClonesLauncherRunsThroughASymlinkFromAnotherFolder(@TempDir Path dir) throws Exception {
        Path link = Files.createSymbolicLink(
                dir.resolve("kitevend"), Emulators.repoRoot().resolve("kitevend"));
        Path chained = Files.createSymbolicLink(dir.resolve("kv"), Path.of("kitevend")); // a relative link to a link
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        for (Path launcher : List.of(link, chained)) {
            Result version = run(elsewhere, Map.of(), List.of(launcher.toString(), "-V"));
            assertThat(version.exit()).as(version.err()).isZero();
            assertThat(version.err()).doesNotContain("No such file");
            assertThat(version.out()).startsWith("kitevend ");
        }
    }

    /** Nothing of AWS: the CLI signs with the dev admin key the runner keeps. */
    private static Map<String, String> noAwsEnvironment(Path home) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("HOME", home.toString());
        env.put("AWS_CONFIG_FILE", home.resolve("no-aws-config").toString());
        env.put(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.resolve("no-aws-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        List<String> unset = new ArrayList<>(List.of(
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "AWS_PROFILE",
                "KITEVEND_ADMIN_URL"));
        unset.forEach(name -> env.put(name, null));
        return env;
    }
}
