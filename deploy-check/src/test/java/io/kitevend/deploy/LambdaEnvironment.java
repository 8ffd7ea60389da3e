package io.kitevend.deploy;

import io.kitevend.testing.Emulators;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * One Lambda execution environment of a function, as the {@code java25} managed runtime lays it
 * out: a JVM (this JDK 25) whose class path is the runtime's own jars (the Runtime Interface
 * Client 2.10.1 and the versions its POM names, {@code target/lambda-runtime}), started with the
 * runtime's options and {@code AWSLambda <handler>}; the function's artifact is the task root (the
 * working directory, which the RIC's class loader reads first) and the layer's artifact is mounted
 * at {@code /opt/java}, where the RIC's class loader reads {@code lib/*.jar} (the path is fixed in
 * the RIC; a private mount namespace, {@code unshare}, puts it there for this process only). The
 * environment holds what Lambda sets itself and the function's variables from the template; no
 * variable of the test JVM leaks in.
 */
final class LambdaEnvironment implements AutoCloseable {
    /** Options of the managed Java runtime's JVM (as its bootstrap passes them), less heap sizing. */
    static final List<String> RUNTIME_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC",
            "-XX:+TieredCompilation",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
            "-Djava.net.preferIPv4Stack=true",
            "-XX:+ErrorFileToStderr");

    /** A shell in a mount namespace of its own: what it mounts, only its processes see. */
    private static final List<String> IN_PRIVATE_MOUNTS =
            List.of("unshare", "--mount", "--propagation", "private", "sh", "-c");

    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    /** How the environment is initialised: {@code on-demand}, or {@code snap-start} (hooks, then a restore). */
    enum InitType {
        ON_DEMAND("on-demand"),
        SNAP_START("snap-start");

        final String value;

        InitType(String value) {
            this.value = value;
        }
    }

    private final TemplateFunctions.Function function;
    private final LambdaRuntimeApi runtimeApi;
    private final Process process;
    private final Path log;
    private final long startedAt;

    private LambdaEnvironment(
            TemplateFunctions.Function function,
            LambdaRuntimeApi runtimeApi,
            Process process,
            Path log,
            long startedAt) {
        this.function = function;
        this.runtimeApi = runtimeApi;
        this.process = process;
        this.log = log;
        this.startedAt = startedAt;
    }

    /**
     * Starts the function's environment.
     *
     * @param artifacts the {@code sam build} artifacts: the function's and its layers'
     * @param extraEnvironment the local stand-ins that are not in the template (the emulator endpoint)
     * @param credentials where AWS credentials come from: the container endpoint (SnapStart), or
     *                    {@code AWS_ACCESS_KEY_ID}... variables (on demand)
     */
    static LambdaEnvironment start(
            TemplateFunctions.Function function,
            SamBuild artifacts,
            InitType initType,
            Map<String, String> credentials,
            Map<String, String> extraEnvironment,
            Path workDir)
            throws IOException {
        requireMountNamespaces();
        Path runtimeLib = Emulators.repoRoot().resolve("deploy-check/target/lambda-runtime");
        List<String> classPath = new ArrayList<>();
        try (Stream<Path> jars = Files.list(runtimeLib)) {
            jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(j -> classPath.add(j.toString()));
        }
        if (function.layers().size() != 1) {
            throw new IllegalStateException(
                    function.logicalId() + ": the harness mounts exactly one layer, not " + function.layers());
        }
        Path layer = artifacts.artifact(stripVersionSuffix(function.layers().get(0)));
        Path taskRoot = artifacts.artifact(function.logicalId());

        String functionName = "kitevend-harness-" + function.logicalId();
        String arn = "arn:aws:lambda:" + SamTransform.REGION + ":" + SamTransform.ACCOUNT + ":function:" + functionName
                + ":live";
        LambdaRuntimeApi runtimeApi = new LambdaRuntimeApi(arn);

        List<String> command = new ArrayList<>(IN_PRIVATE_MOUNTS);
        command.addAll(List.of(
                // /opt becomes an empty tmpfs in this namespace; the layer is mounted read-only at /opt/java.
                "mount -t tmpfs tmpfs /opt && mkdir /opt/java && mount --bind \"$0\" /opt/java"
                        + " && mount -o remount,ro,bind /opt/java && exec \"$@\"",
                layer.resolve("java").toString(),
                System.getProperty("java.home") + "/bin/java"));
        command.addAll(RUNTIME_JVM_OPTIONS);
        command.add("-D" + JNI_PROPERTY + "=" + jniLibrary(runtimeLib, workDir));
        command.add("-classpath");
        command.add(String.join(":", classPath));
        command.add(RIC_MAIN);
        command.add(function.handler());

        ProcessBuilder pb = new ProcessBuilder(command).directory(taskRoot.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_REGION", SamTransform.REGION);
        env.put("AWS_DEFAULT_REGION", SamTransform.REGION);
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + function.runtime());
        env.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", initType.value);
        env.put("AWS_LAMBDA_LOG_FORMAT", function.logFormat().toUpperCase(java.util.Locale.ROOT));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/kitevend/harness/" + function.logicalId());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[1]harness");
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi.address());
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("LAMBDA_RUNTIME_DIR", runtimeLib.toString());
        env.put("_HANDLER", function.handler());
        env.putAll(credentials);
        env.putAll(function.environment());
        env.putAll(extraEnvironment);

        Path log =
                workDir.resolve(function.logicalId() + "-" + initType.value + "-" + STARTS.incrementAndGet() + ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        long startedAt = System.nanoTime();
        Process process = pb.start();
        // The callback only reports the exit to the runtime API; nothing waits on its completion.
        var unused = process.onExit()
                .thenAccept(p -> runtimeApi.environmentEnded("the function's JVM exited with " + p.exitValue()));
        return new LambdaEnvironment(function, runtimeApi, process, log, startedAt);
    }

    /** The layer's logical id in the SAM template (the transform gives the layer version a hashed id). */
    private static String stripVersionSuffix(String layerVersionId) {
        return layerVersionId.replaceFirst("[0-9a-f]{10}$", "");
    }

    private static Path jniLibrary(Path runtimeLib, Path workDir) throws IOException {
        Path target = workDir.resolve("libaws-lambda-jni.so");
        if (Files.exists(target)) {
            return target;
        }
        String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch_64" : "x86_64";
        try (Stream<Path> jars = Files.list(runtimeLib)) {
            Path ric = jars.filter(
                            j -> j.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client-"))
                    .findFirst()
                    .orElseThrow();
            try (JarFile jar = new JarFile(ric.toFile());
                    InputStream in = jar.getInputStream(jar.getEntry("jni/libaws-lambda-jni.linux-" + arch + ".so"))) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }

    private static final java.util.concurrent.atomic.AtomicInteger STARTS =
            new java.util.concurrent.atomic.AtomicInteger();
    private static Boolean mountNamespaces;

    /** Mounting the layer at /opt/java needs a private mount namespace (root, or user namespaces). */
    private static synchronized void requireMountNamespaces() {
        if (mountNamespaces == null) {
            try {
                List<String> command = new ArrayList<>(IN_PRIVATE_MOUNTS);
                command.add("mount -t tmpfs tmpfs /opt");
                Process probe =
                        new ProcessBuilder(command).redirectErrorStream(true).start();
                mountNamespaces = probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0;
            } catch (IOException e) {
                mountNamespaces = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                mountNamespaces = false;
            }
        }
        if (!mountNamespaces) {
            String why = "unshare --mount cannot mount the layer at /opt/java here (needs root or user namespaces)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("Lambda harness unavailable under CI=true: " + why);
            }
            Assumptions.abort("Lambda harness unavailable: " + why);
        }
    }

    LambdaRuntimeApi runtimeApi() {
        return runtimeApi;
    }

    TemplateFunctions.Function function() {
        return function;
    }

    /** Invokes the function with an event and waits for its outcome (at most the function's timeout, plus init). */
    LambdaRuntimeApi.Outcome invoke(String event) throws Exception {
        Duration timeout = Duration.ofSeconds(function.timeoutSeconds());
        return runtimeApi.invoke(event, timeout).get(timeout.toSeconds() + 120, TimeUnit.SECONDS);
    }

    /**
     * Waits until the environment is ready for its first invocation (the runtime asked for one),
     * or has failed to start; true when ready.
     */
    boolean awaitReady() throws Exception {
        java.util.concurrent.CompletableFuture.anyOf(runtimeApi.ready(), runtimeApi.initFailure())
                .get(function.timeoutSeconds() + 120L, TimeUnit.SECONDS);
        return runtimeApi.ready().isDone();
    }

    /**
     * What starting took, in milliseconds: {@code init_ms} from the JVM's start until the runtime
     * asked for an invocation (on demand) or for the snapshot ({@code restore/next}, after the
     * {@code beforeCheckpoint} hooks); under SnapStart also {@code restore_ms}, from the restore
     * until the runtime asked for an invocation (the {@code afterRestore} hooks).
     */
    Map<String, Long> startMillis() {
        Map<String, Long> out = new LinkedHashMap<>();
        Long checkpoint = runtimeApi.checkpointed().getNow(null);
        Long ready = runtimeApi.ready().getNow(null);
        if (checkpoint != null) {
            out.put("init_ms", (checkpoint - startedAt) / 1_000_000);
            if (ready != null) {
                out.put("restore_ms", (ready - runtimeApi.restoredAt()) / 1_000_000);
            }
        } else if (ready != null) {
            out.put("init_ms", (ready - startedAt) / 1_000_000);
        }
        return out;
    }

    /** Resident and peak resident memory of the function's JVM, in KiB (from /proc). */
    Map<String, Long> memoryKib() throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
                out.put(line.substring(0, 5), Long.parseLong(line.replaceAll("[^0-9]", "")));
            }
        }
        return out;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtimeApi.close();
    }
}
