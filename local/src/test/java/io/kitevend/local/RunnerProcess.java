package io.kitevend.local;

import io.kitevend.testing.Emulators;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ./kitevend ARGS} as a separate process, the way a user starts it; its output is collected. */
final class RunnerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    /** The dev admin key's folder of every runner the tests start, unless a test gives its own. */
    static final java.nio.file.Path TEST_CONFIG_DIR = testConfigDir();

    final Process process;
    final List<String> stdout = new CopyOnWriteArrayList<>();
    final List<String> stderr = new CopyOnWriteArrayList<>();
    private volatile URI url;

    private RunnerProcess(Process process) {
        this.process = process;
        pump(process.getInputStream(), stdout);
        pump(process.getErrorStream(), stderr);
    }

    private static java.nio.file.Path testConfigDir() {
        try {
            return java.nio.file.Files.createTempDirectory("kitevend-test-config");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static RunnerProcess start(String... args) throws IOException {
        return start(java.util.Map.of(), args);
    }

    /** Starts with changes to the inherited environment: each entry set, or removed when its value is null. */
    static RunnerProcess start(java.util.Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Emulators.repoRoot().resolve("kitevend").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(Emulators.repoRoot().toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // Never the developer's own ~/.config/kitevend: the dev admin key of tests is the tests' own.
        pb.environment().put(DevAdminKey.CONFIG_DIR_VARIABLE, TEST_CONFIG_DIR.toString());
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        return new RunnerProcess(pb.start());
    }

    /**
     * The environment of a CLI run against {@code url} that signs with this access key and only
     * this one: nothing from the developer's own AWS configuration may leak in.
     */
    static java.util.Map<String, String> cliEnvironment(URI url, String akid, String secret) {
        java.util.Map<String, String> env = awsEnvironment(akid, secret);
        env.put(AdminCommand.ADMIN_URL_VARIABLE, url.toString());
        return env;
    }

    /** Only this access key, in us-east-1: nothing from the developer's own AWS configuration. */
    static java.util.Map<String, String> awsEnvironment(String akid, String secret) {
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env.put("AWS_ACCESS_KEY_ID", akid);
        env.put("AWS_SECRET_ACCESS_KEY", secret);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", "/nonexistent/kitevend-test/config");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/kitevend-test/credentials");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        for (String unset : List.of(
                "AWS_SESSION_TOKEN",
                "AWS_PROFILE",
                "AWS_DEFAULT_PROFILE",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_WEB_IDENTITY_TOKEN_FILE")) {
            env.put(unset, null);
        }
        return env;
    }

    /** Waits for the "listening on URL" line of {@code ./kitevend dev}. */
    URI awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            for (String line : stderr) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    url = URI.create(m.group(1));
                    return url;
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("runner exited with " + process.exitValue() + ": " + stderr);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("runner did not start: " + stderr);
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("runner did not exit: " + stderr);
        }
        return process.exitValue();
    }

    private static void pump(java.io.InputStream in, List<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /**
     * Sends SIGTERM as a user or a supervisor would. (Process.destroy() also sends it, but closes
     * our ends of the pipes first, so the process's last words would be lost.)
     */
    void terminate() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-TERM", Long.toString(process.pid()))
                .inheritIO()
                .start()
                .waitFor();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            terminate();
        }
        if (process.waitFor(30, TimeUnit.SECONDS)) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
