package io.kitevend.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What every admin CLI command shares: where the API is, the region to sign for, credentials
 * from the default chain, and how answers and problems are printed. Exit status: 0 when the API
 * did what was asked, 1 when it answered with a problem or could not be reached, 2 for usage.
 */
abstract class AdminCommand implements Callable<Integer> {
    static final String DEFAULT_URL = "http://127.0.0.1:8787";

    enum Format {
        json,
        table
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--url",
            paramLabel = "URL",
            defaultValue = "${env:KITEVEND_URL:-" + DEFAULT_URL + "}",
            description = "The kitevend API: a './kitevend dev' or a deployed API. Default: $KITEVEND_URL, else "
                    + DEFAULT_URL + ".")
    URI url;

    @Option(
            names = "--region",
            paramLabel = "REGION",
            defaultValue = "${env:AWS_REGION:-us-east-1}",
            description = "The region to sign requests for (the API's region). Default: $AWS_REGION, else us-east-1.")
    String region;

    /** Does the work; returns the exit status. */
    abstract int execute(AdminClient client) throws IOException;

    @Override
    public final Integer call() {
        try {
            return execute(new AdminClient(url, region, credentials(), Clock.systemUTC()));
        } catch (ConnectException e) {
            err().println("kitevend: nothing answers at " + url + " (start one with ./kitevend dev, or pass --url)");
            return 1;
        } catch (SdkClientException e) {
            err().println("kitevend: no AWS credentials to sign with (" + firstLine(e.getMessage()) + ")."
                    + " For ./kitevend dev, export the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY it printed.");
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

    private AwsCredentialsProvider credentials() {
        if (spec.root().userObject() instanceof Main main && main.credentials != null) {
            return main.credentials;
        }
        return DefaultCredentialsProvider.builder().build();
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
        printProblem(err(), r);
        return false;
    }

    /**
     * A problem as "status code: detail", then each field error on its own line. API Gateway's
     * own refusals ({"message":"Forbidden"}) have no code: "403: Forbidden" and a hint.
     */
    static void printProblem(PrintWriter err, AdminClient.Response r) {
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
                err.println("  The API refused the request's signature: sign with a key it accepts"
                        + " (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN only for temporary keys),"
                        + " the API's --region, and a correct clock.");
            }
        } else {
            String text = r.body().strip();
            err.println(r.status() + ": " + (text.isEmpty() ? "(no body)" : firstLine(text)));
        }
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
