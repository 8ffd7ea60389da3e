package io.kitevend.local;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The CLI and a runner in the test's JVM: a runner that accepts one admin key and says nothing,
 * and the CLI run with given credentials and environment, its output captured.
 */
final class InJvmCli {
    private InJvmCli() {}

    /** What a CLI run gave: its exit status, stdout and stderr. */
    record Run(int exit, String out, String err) {}

    /**
     * A runner on a free loopback port, in us-east-1, that accepts the admin key {@code
     * ACCESS_KEY_ID:SECRET:PRINCIPAL_ARN}, with the bindings of {@code bindings} (none when null).
     */
    static LocalRunner quietRunner(String adminKey, Path bindings) throws Exception {
        RunnerOptions options = new RunnerOptions();
        options.port = 0;
        options.region = "us-east-1";
        options.bindings = bindings;
        options.adminKey = List.of(adminKey);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        return LocalRunner.start(options, quiet, quiet);
    }

    static AwsCredentialsProvider credentials(String accessKeyId, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret));
    }

    /** The CLI with these credentials, in this process's environment. */
    static Run run(AwsCredentialsProvider credentials, String... args) {
        return run(credentials, System.getenv(), args);
    }

    /** The CLI with these credentials and environment variables (no others). */
    static Run run(AwsCredentialsProvider credentials, Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(credentials, environment, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }
}
