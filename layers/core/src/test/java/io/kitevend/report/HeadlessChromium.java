package io.kitevend.report;

import io.kitevend.testing.Emulators;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code chromium} in headless mode, one process per page: a screenshot, or the DOM after
 * the page's scripts ran. Each run gets a new empty profile, no network services, and a time
 * limit. Without chromium on PATH the tests that need it are skipped, except under
 * {@code CI=true}, where that fails the run.
 */
final class HeadlessChromium {
    private static final Duration LIMIT = Duration.ofSeconds(90);

    private final String binary;

    private HeadlessChromium(String binary) {
        this.binary = binary;
    }

    static HeadlessChromium find() {
        for (String name : List.of("chromium", "chromium-browser")) {
            String path = Emulators.findOnPath(name);
            if (path != null) {
                return new HeadlessChromium(path);
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("chromium is not on PATH, and CI=true");
        }
        Assumptions.abort("chromium is not on PATH (Debian: apt-get install chromium)");
        throw new AssertionError("unreachable");
    }

    /** A PNG of {@code page} drawn in a window of this size. */
    void screenshot(Path page, Path png, int width, int height) {
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--hide-scrollbars"), page, width, height);
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot to " + png);
        }
    }

    /** The DOM of {@code page} after its scripts ran, as HTML, in a window of this size. */
    String dumpDom(Path page, int width, int height) {
        return run(List.of("--dump-dom"), page, width, height);
    }

    private String run(List<String> what, Path page, int width, int height) {
        Path profile = null;
        try {
            profile = Files.createTempDirectory("kitevend-chromium");
            List<String> command = new ArrayList<>(List.of(
                    binary,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--user-data-dir=" + profile,
                    "--window-size=" + width + "," + height));
            command.addAll(what);
            command.add(page.toUri().toString());
            Path stdout = profile.resolve("stdout");
            Process p = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("chromium did not finish within " + LIMIT.toSeconds() + " s: " + command);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("chromium exited with " + p.exitValue() + ": " + command);
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile left behind is harmless
        }
    }
}
