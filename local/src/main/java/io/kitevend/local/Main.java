package io.kitevend.local;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.binding.BindingsDocument;
import io.kitevend.config.ConfigException;
import io.kitevend.report.ReportException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/** The {@code ./kitevend} command line. */
@Command(
        name = "kitevend",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Credential broker for Buildkite: run it locally, mint dev tokens, try it out, and manage a"
                + " deployment's bindings and audit trail.",
        subcommands = {
            CommandLine.HelpCommand.class,
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

    /** The environment the commands read their variables from (tests give their own). */
    Map<String, String> environment = System.getenv();

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return commandLine(new Main()).execute(args);
    }

    /** Runs the CLI in this JVM with these credentials and streams (for tests). */
    static int run(AwsCredentialsProvider credentials, PrintWriter out, PrintWriter err, String... args) {
        return run(credentials, System.getenv(), out, err, args);
    }

    /** As {@link #run(AwsCredentialsProvider, PrintWriter, PrintWriter, String...)}, with this environment. */
    static int run(
            AwsCredentialsProvider credentials,
            Map<String, String> environment,
            PrintWriter out,
            PrintWriter err,
            String... args) {
        Main main = new Main();
        main.credentials = credentials;
        main.environment = environment;
        return commandLine(main).setOut(out).setErr(err).execute(args);
    }

    private static CommandLine commandLine(Main main) {
        return new CommandLine(main)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::usageError)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("kitevend: " + explain(e));
                    return 2;
                });
    }

    /** The version of this build and the Java it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "kitevend " + version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ") at "
                        + System.getProperty("java.home")
            };
        }

        static String version() {
            try (var in = Main.class.getResourceAsStream("/kitevend-version.properties")) {
                var p = new java.util.Properties();
                if (in != null) {
                    p.load(in);
                }
                return p.getProperty("version", "(unknown version)");
            } catch (java.io.IOException e) {
                return "(unknown version)";
            }
        }
    }

    /**
     * A command line that does not parse: one line that says what is wrong (an unknown option first,
     * with the options it may be a typo of, even when required options are missing too), and where
     * the command's help is. Exit status 2.
     */
    static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        List<String> unknown = e instanceof CommandLine.UnmatchedArgumentException u
                ? u.getUnmatched()
                : unknownOptions(cmd.getCommandSpec(), args);
        if (!unknown.isEmpty()) {
            var unmatched = new CommandLine.UnmatchedArgumentException(cmd, unknown);
            List<String> suggestions = unmatched.getSuggestions();
            boolean option = unknown.get(0).startsWith("-");
            err.println(name + ": unknown " + (option ? "option" : "argument") + " '" + unknown.get(0) + "'"
                    + (suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)"));
        } else {
            err.println(name + ": " + e.getMessage());
        }
        err.println("See '" + name + " --help'.");
        err.flush();
        return 2;
    }

    /** The arguments that look like options but are none of this command's (after the command's name). */
    private static List<String> unknownOptions(CommandLine.Model.CommandSpec spec, String[] args) {
        List<String> unknown = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--")) {
                break;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                continue;
            }
            String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            boolean known = spec.findOption(option) != null
                    || (spec.parent() != null && spec.root().findOption(option) != null);
            if (!known && !(option.startsWith("-") && !option.startsWith("--") && option.length() > 2)) {
                unknown.add(option);
            }
        }
        return unknown;
    }

    /**
     * What {@code ./kitevend dev} says about its IAM-authorized routes: with the dev admin key, its
     * id and where it is kept (the CLI finds it there: nothing to export, the secret never shown);
     * with configured keys, only which principals may call (never a secret).
     */
    static List<String> adminAccessNotice(LocalRunner runner) {
        List<String> lines = new ArrayList<>();
        String cli = "./kitevend bindings list"
                + (runner.url().toString().equals(AdminCommand.DEFAULT_URL) ? "" : " --url " + runner.url());
        var dev = runner.devAdminKey();
        if (dev.isPresent()) {
            var key = dev.get();
            lines.add(
                    "kitevend dev: admin routes require SigV4 (IAM authorization, as API Gateway); they accept the dev"
                            + " admin key " + key.accessKeyId() + " for " + key.principalArn()
                            + runner.devAdminKeyFile()
                                    .map(f -> ", kept in " + f + " (profile " + DevAdminKey.PROFILE + ")")
                                    .orElse(", made for this run only"));
            lines.add("kitevend dev: the CLI signs with it against this runner, nothing to set: " + cli);
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

    /** A one-line reason for a failure a user can fix (bad setting, bad file, a dependency); no stack traces. */
    static String explain(Exception e) {
        if (e instanceof ConfigException ce) {
            return "invalid setting " + ce.getMessage();
        }
        if (e instanceof LocalRunner.BindingsFileException f) {
            return String.join("\n", f.lines());
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
        if (e instanceof ReportException r) {
            return "the report failed: " + reason(r);
        }
        if (e instanceof DependencyUnavailableException || e instanceof SdkException) {
            return "AWS failed: " + reason(e);
        }
        if (e instanceof IOException && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /**
     * Why a call to AWS or an emulator failed, in a line: the message without the SDK's
     * bookkeeping, and what to check when nothing answered or there were no credentials.
     */
    static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        message = message.lines()
                .findFirst()
                .orElse(message)
                .replaceAll(" ?\\(SDK Attempt Count: \\d+\\)", "")
                .replace("Unable to execute HTTP request: ", "")
                .strip();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return message + " (nothing answers there: is the endpoint running, and is the URL right?)";
            }
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
                return message + " (it answered too slowly)";
            }
        }
        if (message.contains("Unable to load credentials")) {
            return "no AWS credentials (sign in: aws sso login, AWS_PROFILE, or the AWS_ACCESS_KEY_ID variables)";
        }
        return message;
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

        @CommandLine.ParentCommand
        Main main;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            options.devAdminKeyFile = DevAdminKey.file(main.environment);
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
