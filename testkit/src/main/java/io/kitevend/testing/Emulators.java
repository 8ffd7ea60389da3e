package io.kitevend.testing;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * Starts the AWS emulators the integration tests run against, once per test JVM, on free loopback
 * ports, and stops them when the JVM exits. moto ({@code moto_server}) is on every machine of
 * ours; dynalite comes from {@code tools/emulators} ({@code npm ci}). When one is missing the
 * tests that need it are skipped, except under {@code CI=true}, where that fails the run.
 */
public final class Emulators {
    private static Emulator moto;
    private static Emulator dynalite;

    private Emulators() {}

    /** A running emulator process and its endpoint. */
    public record Emulator(Process process, URI endpoint) implements AutoCloseable {
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The shared moto server of this JVM (no IAM enforcement). Tests reset it with {@link #resetMoto}. */
    public static synchronized URI moto() {
        if (moto == null) {
            moto = startMoto(Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(moto::close));
        }
        return moto.endpoint();
    }

    /**
     * A moto server of the caller's own, which the caller closes. With
     * {@code INITIAL_NO_AUTH_ACTION_COUNT=N} in {@code env}, moto checks IAM policies for every
     * request after the first N.
     */
    public static Emulator startMoto(Map<String, String> env) {
        String command = findOnPath("moto_server");
        if (command == null) {
            unavailable("moto_server is not on PATH (it ships with the Python package moto[server])");
        }
        int port = freePort();
        return start(
                List.of(command, "-H", "127.0.0.1", "-p", Integer.toString(port)),
                env,
                URI.create("http://127.0.0.1:" + port),
                "/moto-api/");
    }

    public static void resetMoto(URI endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection)
                    endpoint.resolve("/moto-api/reset").toURL().openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.getOutputStream().close();
            if (c.getResponseCode() != 200) {
                throw new IllegalStateException("moto reset answered " + c.getResponseCode());
            }
        } catch (IOException e) {
            throw new IllegalStateException("moto reset failed", e);
        }
    }

    /** The shared dynalite of this JVM (in memory). */
    public static synchronized URI dynalite() {
        if (dynalite == null) {
            Path bin = repoRoot().resolve("tools/emulators/node_modules/.bin/dynalite");
            if (!Files.isExecutable(bin)) {
                unavailable("dynalite is not installed; run: npm ci --prefix tools/emulators");
            }
            int port = freePort();
            // Tables become ACTIVE at once; otherwise the SDK's table waiter sleeps 20 s per table.
            dynalite = start(
                    List.of(
                            bin.toString(),
                            "--port",
                            Integer.toString(port),
                            "--createTableMs",
                            "0",
                            "--deleteTableMs",
                            "0",
                            "--updateTableMs",
                            "0"),
                    Map.of(),
                    URI.create("http://127.0.0.1:" + port),
                    "/");
            Runtime.getRuntime().addShutdownHook(new Thread(dynalite::close));
        }
        return dynalite.endpoint();
    }

    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (no mvnw above "
                    + Path.of("").toAbsolutePath() + ")");
        }
        return dir;
    }

    private static Emulator start(List<String> command, Map<String, String> env, URI endpoint, String probePath) {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(
                new File(System.getProperty("java.io.tmpdir"), "kitevend-emulator-" + endpoint.getPort() + ".log"));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            unavailable("cannot start " + command.get(0) + ": " + e.getMessage());
            throw new AssertionError("unreachable");
        }
        Emulator emulator = new Emulator(process, endpoint);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                unavailable(command.get(0) + " exited with " + process.exitValue() + " at start");
            }
            try {
                HttpURLConnection c =
                        (HttpURLConnection) endpoint.resolve(probePath).toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                c.getResponseCode();
                return emulator;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        emulator.close();
        unavailable(command.get(0) + " did not answer on " + endpoint + " within 60 s");
        throw new AssertionError("unreachable");
    }

    private static void unavailable(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("emulator unavailable under CI=true: " + why);
        }
        // What JUnit's Assumptions.abort throws: the test is reported as skipped.
        throw new TestAbortedException("emulator unavailable: " + why);
    }

    /** The absolute path of an executable {@code name} on PATH, or null. */
    public static String findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator, -1)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
