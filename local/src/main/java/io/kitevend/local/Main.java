package io.kitevend.local;

import io.kitevend.binding.BindingsDocument;
import io.kitevend.config.ConfigException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** The {@code ./kitevend} command line. */
@Command(
        name = "kitevend",
        mixinStandardHelpOptions = true,
        version = "kitevend 0.1.0",
        description = "Credential broker for Buildkite: run it locally, mint dev tokens, try it out.",
        subcommands = {
            Main.Dev.class,
            TokenCommand.class,
            DemoCommand.class,
            BindingsCommand.class,
            ExplainCommand.class,
            AuditCommand.class,
            ReportCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Credentials for the admin commands instead of the SDK's default chain (tests); null: the default chain. */
    AwsCredentialsProvider credentials;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return commandLine(new Main()).execute(args);
    }

    /** Runs the CLI in this JVM with these credentials and streams (for tests). */
    static int run(AwsCredentialsProvider credentials, PrintWriter out, PrintWriter err, String... args) {
        Main main = new Main();
        main.credentials = credentials;
        return commandLine(main).setOut(out).setErr(err).execute(args);
    }

    private static CommandLine commandLine(Main main) {
        return new CommandLine(main)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("kitevend: " + explain(e));
                    return 2;
                });
    }

    /**
     * What {@code ./kitevend dev} says about its IAM-authorized routes: with a key it made, how to
     * use it (the secret is shown because it exists only in this process); with configured keys,
     * only which principals may call (never a secret).
     */
    static List<String> adminAccessNotice(LocalRunner runner) {
        List<String> lines = new ArrayList<>();
        String cli = "./kitevend bindings list"
                + (runner.url().toString().equals(AdminCommand.DEFAULT_URL) ? "" : " --url " + runner.url());
        var generated = runner.generatedAdminKey();
        if (generated.isPresent()) {
            var key = generated.get();
            lines.add(
                    "kitevend dev: admin routes require SigV4 (IAM authorization, as API Gateway). A key was made for "
                            + key.principalArn() + "; to use it:");
            lines.add("  export AWS_ACCESS_KEY_ID=" + key.accessKeyId() + " AWS_SECRET_ACCESS_KEY="
                    + key.secretAccessKey() + " AWS_REGION="
                    + runner.iamAuthorizer().region());
            lines.add("  unset AWS_SESSION_TOKEN AWS_PROFILE");
            lines.add("  " + cli);
        } else {
            List<String> principals = runner.iamAuthorizer().keys().stream()
                    .map(k -> k.accessKeyId() + " -> " + k.principalArn())
                    .toList();
            lines.add("kitevend dev: admin routes require SigV4 (IAM authorization) with one of " + principals.size()
                    + " configured key(s): " + String.join(", ", principals));
        }
        runner.jwtAuthorizer()
                .ifPresent(jwt -> lines.add("kitevend dev: admin JWT API (tokens of " + jwt.issuer() + " for "
                        + String.join(", ", jwt.audiences()) + ") on "
                        + runner.jwtUrl().orElseThrow()));
        return lines;
    }

    /**
     * What {@code ./kitevend dev} says about its dev routes when something real is behind it: that
     * they are off (and how to turn them on), or, when asked for, a warning as loud as the risk.
     */
    static List<String> devRoutesNotice(LocalRunner runner) {
        if (runner.mode() == LocalRunner.Mode.EMBEDDED) {
            return List.of();
        }
        if (!runner.devRoutes()) {
            return List.of("kitevend dev: no dev issuer and no /dev/* routes with --aws-endpoint or --aws (--dev-routes"
                    + " turns them on; tokens must come from the issuer above)");
        }
        String issuer = runner.devIssuer() == null
                ? "/dev/bindings and /dev/audit are served"
                : "the DEV ISSUER IS TRUSTED: POST /dev/token mints a token for any organization and pipeline, for"
                        + " anyone who can reach " + runner.url() + " on this machine, without asking who";
        if (runner.mode() == LocalRunner.Mode.AWS) {
            return List.of(
                    "WARNING: --dev-routes with --aws: " + issuer + ", and such a token gets REAL AWS credentials"
                            + " for every binding, and real secrets. Run this only on a machine you alone use, and"
                            + " stop it when done.",
                    "WARNING: --dev-routes with --aws: the bindings and audit records of the tables are readable"
                            + " by anyone local at /dev/bindings and /dev/audit.");
        }
        return List.of("WARNING: --dev-routes with --aws-endpoint: " + issuer + ", with credentials from "
                + runner.config().awsEndpoint().map(Object::toString).orElse("the endpoint") + ".");
    }

    /** What the embedded runner says about where the values of {@code POST /v1/secrets} come from. */
    static String secretsNotice(RunnerOptions options) {
        if (options.secretsFile != null) {
            return "WARNING: secrets come from the LOCAL FILE " + options.secretsFile
                    + ", not Secrets Manager: answers from"
                    + " /v1/secrets are marked \"source\": \"local-file\". Use --aws-endpoint URL or --aws for Secrets Manager.";
        }
        return "WARNING: no --secrets-file: the embedded runner has no secrets, so a binding's granted secrets answer"
                + " 404 secret_not_found. Give --secrets-file FILE (see examples/secrets.yaml), or use --aws-endpoint URL or --aws.";
    }

    /** A one-line reason for a failure a user can fix (bad setting, bad file); no stack traces. */
    static String explain(Exception e) {
        if (e instanceof ConfigException ce) {
            return "invalid setting " + ce.getMessage();
        }
        if (e instanceof BindingsDocument.InvalidDocumentException d) {
            StringBuilder sb = new StringBuilder("the bindings file has problems:");
            d.errors()
                    .forEach(f ->
                            sb.append("\n  ").append(f.field()).append(": ").append(f.message()));
            return sb.toString();
        }
        if (e instanceof NoSuchFileException nf) {
            return "no such file: " + nf.getFile();
        }
        if (e instanceof IllegalArgumentException && e.getMessage() != null) {
            return e.getMessage();
        }
        if (e instanceof BindException) {
            return "cannot listen on that port (already in use?)";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "dev",
            mixinStandardHelpOptions = true,
            description = {
                "Serve every kitevend function on 127.0.0.1, as API Gateway would call them.",
                "Without --aws-endpoint or --aws everything is in memory, STS is SIMULATED and secrets come from --secrets-file."
            })
    static final class Dev implements Callable<Integer> {
        @Mixin
        RunnerOptions options;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            LocalRunner runner = LocalRunner.start(options, out, System.err);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                runner.close();
                                System.err.println("kitevend dev: stopped");
                                stopped.countDown();
                            },
                            "kitevend-shutdown"));
            if (runner.mode() == LocalRunner.Mode.EMBEDDED) {
                System.err.println(
                        "WARNING: STS is SIMULATED: credentials from this runner are marked \"Simulated\": true"
                                + " and are refused by AWS. Use --aws-endpoint URL or --aws for real STS.");
                System.err.println(secretsNotice(options));
            }
            devRoutesNotice(runner).forEach(System.err::println);
            System.err.println("kitevend dev: mode " + runner.mode().name().toLowerCase(Locale.ROOT)
                    + ", issuer " + runner.config().token().issuer()
                    + ", audience " + runner.config().token().audience()
                    + ", organizations "
                    + String.join(",", runner.config().token().organizations()));
            if (runner.devIssuer() != null) {
                System.err.println("kitevend dev: mint a token with: ./kitevend token --url " + runner.url()
                        + " --org ORG --pipeline PIPELINE");
            }
            adminAccessNotice(runner).forEach(System.err::println);
            System.err.println("kitevend dev: listening on " + runner.url());
            stopped.await();
            return 0;
        }
    }
}
