package io.kitevend.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What every admin CLI command shares: where the API is, the region to sign for, credentials
 * from the default chain, and how answers and problems are printed. Exit status: 0 when the API
 * did what was asked, 1 when it answered with a problem or could not be reached, 2 for usage.
 */
abstract class AdminCommand implements Callable<Integer> {
    static final String DEFAULT_URL = "http://127.0.0.1:8787";
    /** The admin API's base for the CLI; agents have the vending URL in $KITEVEND_URL. */
    static final String ADMIN_URL_VARIABLE = "KITEVEND_ADMIN_URL";

    private static final Pattern EXECUTE_API_HOST =
            Pattern.compile("[a-z0-9]+\\.execute-api\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?");

    enum Format {
        json,
        table
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "The admin API's base: the stack's AdminApiUrl output, or a ./kitevend dev. Default: $"
                    + ADMIN_URL_VARIABLE + ", else " + DEFAULT_URL + ". ($KITEVEND_URL is the agents' vending URL.)")
    URI url;

    @Option(
            names = "--region",
            paramLabel = "REGION",
            description = "The region to sign requests for (the API's region). Default: the region in an execute-api"
                    + " URL, else $AWS_REGION, else us-east-1.")
    String region;

    @Option(
            names = "--profile",
            paramLabel = "NAME",
            description = "Sign with this profile of your AWS configuration. Default: against a ./kitevend dev on"
                    + " this machine, its dev admin key (profile " + DevAdminKey.PROFILE + " in"
                    + " ~/.config/kitevend/dev-credentials) when there is one; elsewhere the AWS SDK's default chain"
                    + " (environment, AWS_PROFILE, SSO, ...).")
    String profile;

    /** Where the admin API is and what the requests are signed with. */
    private URI base;

    private Signer signer;

    /** Does the work; returns the exit status. */
    abstract int execute(AdminClient client) throws IOException;

    /** The credentials of the requests and, for messages, where they come from. */
    record Signer(AwsCredentialsProvider credentials, String source, boolean devKey) {}

    @Override
    public final Integer call() {
        try {
            base = adminBase();
            signer = signer(base);
            return execute(new AdminClient(base, region(base), signer.credentials(), Clock.systemUTC()));
        } catch (ConnectException e) {
            err().println("kitevend: nothing answers at " + base + " (start one with ./kitevend dev, or pass --url)"
                    + (url == null
                                    && environment().get(ADMIN_URL_VARIABLE) == null
                                    && environment().get("KITEVEND_URL") != null
                            ? "; $KITEVEND_URL is the agents' vending URL: the admin commands read --url or $"
                                    + ADMIN_URL_VARIABLE + " (the stack's AdminApiUrl output)"
                            : ""));
            return 1;
        } catch (SdkClientException e) {
            err().println("kitevend: no AWS credentials to sign with (" + firstLine(e.getMessage()) + ")."
                    + (DevAdminKey.isLocal(base)
                            ? " A ./kitevend dev writes its dev admin key to " + DevAdminKey.file(environment())
                                    + " when it starts; start one, or sign with --profile NAME (or AWS_ACCESS_KEY_ID and"
                                    + " AWS_SECRET_ACCESS_KEY)."
                            : " Sign in to AWS (aws sso login, AWS_PROFILE or --profile NAME) as a principal the"
                                    + " deployment's AdminReaders or AdminWriters allow."));
            return 1;
        } catch (UsageProblem e) {
            err().println("kitevend: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err().println("kitevend: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return 1;
        }
    }

    /** A problem with what the user gave (a file, an argument) found before anything was sent. */
    static final class UsageProblem extends RuntimeException {
        UsageProblem(String message) {
            super(message);
        }
    }

    private Map<String, String> environment() {
        return spec.root().userObject() instanceof Main main ? main.environment : System.getenv();
    }

    /**
     * The admin API's base from --url, else $KITEVEND_ADMIN_URL, else the local default. A job
     * route (the vending URL agents use) or any other path under /v1/ is refused with the base to
     * give instead: the commands add /v1/admin/... themselves.
     */
    URI adminBase() {
        String variable = environment().get(ADMIN_URL_VARIABLE);
        URI given = url != null ? url : variable != null && !variable.isBlank() ? parse(variable) : null;
        if (given == null) {
            return URI.create(DEFAULT_URL);
        }
        String where = url != null ? "--url" : "$" + ADMIN_URL_VARIABLE;
        if (given.getScheme() == null || !given.getScheme().matches("https?") || given.getHost() == null) {
            throw new UsageProblem(where + " is '" + given + "', not an http(s) URL such as " + DEFAULT_URL);
        }
        String path = given.getRawPath() == null ? "" : given.getRawPath();
        int v1 = path.indexOf("/v1/");
        if (v1 < 0 && path.endsWith("/v1")) {
            v1 = path.length() - 3;
        }
        if (v1 >= 0) {
            String baseText = given.getScheme() + "://" + given.getRawAuthority() + path.substring(0, v1);
            String route = path.substring(v1);
            boolean jobRoute = route.matches("/v1/(credentials|secrets)/?");
            throw new UsageProblem(where + " is " + given + ", "
                    + (jobRoute
                            ? "a job route: the vending URL agents call (the stack's VendingUrl or SecretsUrl; on"
                                    + " agents $KITEVEND_URL)."
                            : "a route under /v1/, not the API's base.")
                    + " The admin commands need the admin API's base, the stack's AdminApiUrl output: " + baseText
                    + " (they add /v1/admin/... themselves).");
        }
        return given;
    }

    private static URI parse(String text) {
        try {
            return new URI(text.strip());
        } catch (java.net.URISyntaxException e) {
            throw new UsageProblem("$" + ADMIN_URL_VARIABLE + " is not a URL: " + text);
        }
    }

    /** --region, else the region of an API Gateway URL, else $AWS_REGION, else us-east-1. */
    String region(URI base) {
        if (region != null) {
            return region;
        }
        Matcher m = EXECUTE_API_HOST.matcher(base.getHost() == null ? "" : base.getHost());
        if (m.matches()) {
            return m.group(1);
        }
        String fromEnvironment = environment().get("AWS_REGION");
        return fromEnvironment != null && !fromEnvironment.isBlank() ? fromEnvironment : "us-east-1";
    }

    private Signer signer(URI base) {
        if (spec.root().userObject() instanceof Main main && main.credentials != null) {
            return new Signer(main.credentials, "the given credentials", false);
        }
        if (profile != null) {
            return new Signer(
                    ProfileCredentialsProvider.builder().profileName(profile).build(),
                    "profile " + profile + " of your AWS configuration",
                    false);
        }
        if (DevAdminKey.isLocal(base)) {
            Path file = DevAdminKey.file(environment());
            var dev = DevAdminKey.credentials(file);
            if (dev.isPresent()) {
                return new Signer(
                        dev.get(), "the dev admin key in " + file + " (profile " + DevAdminKey.PROFILE + ")", true);
            }
        }
        return new Signer(DefaultCredentialsProvider.builder().build(), "the AWS SDK's default chain", false);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** True for a 2xx answer; otherwise prints the problem and returns false. */
    boolean succeeded(AdminClient.Response r) {
        if (r.status() >= 200 && r.status() < 300) {
            return true;
        }
        printProblem(r);
        return false;
    }

    /**
     * A problem as "status code: detail", then each field error on its own line. API Gateway's
     * own refusals ({"message":"Forbidden"}) have no code: "403: Forbidden" and what was signed
     * with what, so that a key the API does not know is recognised as such.
     */
    void printProblem(AdminClient.Response r) {
        PrintWriter err = err();
        JsonNode p = null;
        try {
            p = r.body().isBlank() ? null : Json.readTree(r.body());
        } catch (JsonProcessingException notJson) {
            // printed as text below
        }
        if (p != null && p.isObject() && p.hasNonNull("code")) {
            String detail = p.hasNonNull("detail")
                    ? p.get("detail").asText()
                    : p.path("title").asText("");
            err.println(r.status() + " " + p.get("code").asText() + ": " + detail);
            JsonNode errors = p.get("errors");
            if (errors != null && errors.isArray()) {
                for (JsonNode e : errors) {
                    String field = e.path("field").asText("");
                    err.println("  " + (field.isEmpty() ? "(document)" : field) + ": "
                            + e.path("message").asText("")
                            + (e.hasNonNull("code") ? " (" + e.get("code").asText() + ")" : ""));
                }
            }
            if (p.hasNonNull("reason")) {
                err.println("  reason: " + p.get("reason").asText());
            }
        } else if (p != null && p.isObject() && p.hasNonNull("message")) {
            err.println(r.status() + ": " + p.get("message").asText());
            if (r.status() == 403) {
                err.println("  " + refusedSignature());
            }
        } else {
            String text = r.body().strip();
            err.println(r.status() + ": " + (text.isEmpty() ? "(no body)" : firstLine(text)));
        }
        err.flush();
    }

    /** Why API Gateway (or the runner's imitation of it) may have refused the signature, for this signer. */
    private String refusedSignature() {
        String key;
        try {
            key = signer.credentials().resolveCredentials().accessKeyId();
        } catch (RuntimeException e) {
            key = "(unknown)";
        }
        if (signer.devKey()) {
            return "The runner at " + base + " did not accept the dev admin key " + key + " from "
                    + signer.source() + ". A ./kitevend dev started with --admin-key or --admin-keys accepts only"
                    + " those keys (sign with one: --profile NAME), and one started with another $"
                    + DevAdminKey.CONFIG_DIR_VARIABLE + " has another dev key.";
        }
        return "The API refused the request's signature: access key " + key + " from " + signer.source()
                + ", region " + region(base) + ". Either the API does not know the key (a key a ./kitevend dev"
                + " printed in an earlier run?) or its secret, or the region is not the API's (--region), or this"
                + " machine's clock is off."
                + (DevAdminKey.isLocal(base)
                        ? " Against a ./kitevend dev, leave out --profile: the CLI then signs with its dev admin key."
                        : "");
    }

    void printJson(JsonNode node) {
        try {
            out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out().flush();
    }

    static JsonNode json(AdminClient.Response r) throws IOException {
        try {
            return r.body().isBlank() ? Json.mapper().nullNode() : Json.readTree(r.body());
        } catch (JsonProcessingException e) {
            throw new IOException("the API answered " + r.status() + " with something that is not JSON");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** A plain text table: a header row, then rows; columns as wide as their widest cell. */
    static final class Table {
        private final List<String> header;
        private final List<List<String>> rows = new ArrayList<>();

        Table(String... header) {
            this.header = List.of(header);
        }

        Table row(Object... cells) {
            List<String> r = new ArrayList<>();
            for (Object c : cells) {
                r.add(c == null || c.toString().isEmpty() ? "-" : c.toString().replaceAll("\\s+", " "));
            }
            rows.add(r);
            return this;
        }

        int size() {
            return rows.size();
        }

        void print(PrintWriter out) {
            int[] width = new int[header.size()];
            for (int i = 0; i < width.length; i++) {
                width[i] = header.get(i).length();
                for (List<String> r : rows) {
                    width[i] = Math.max(width[i], r.get(i).length());
                }
            }
            line(out, header, width);
            rows.forEach(r -> line(out, r, width));
            out.flush();
        }

        private static void line(PrintWriter out, List<String> cells, int[] width) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    sb.append("  ");
                }
                sb.append(i == cells.size() - 1 ? cells.get(i) : String.format("%-" + width[i] + "s", cells.get(i)));
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
