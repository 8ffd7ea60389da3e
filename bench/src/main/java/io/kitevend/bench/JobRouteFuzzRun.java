package io.kitevend.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import io.kitevend.testing.JobRouteFuzz;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.SecretsFixture;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.TokenMutator;
import io.kitevend.testing.VendFixture;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The job-route fuzz of the test command ({@code JobRoutesFuzzTest}), over HTTP against a started
 * {@code ./kitevend dev}: the same {@link TokenMutator} mutants and {@link JobRouteFuzz} checks, sent
 * to {@code POST /v1/credentials} and {@code POST /v1/secrets} through the runner's HTTP layer and API
 * Gateway event mapping, each audit record found in {@code GET /dev/audit}. The runner trusts a
 * loopback JWKS of the test key (its {@code --issuer}), so mutants of the payload are signed with the
 * key it verifies with. Not in the test command: run it with {@code ./bench/fuzz} (see
 * bench/README.md).
 *
 * <p>The requests go in batches ({@code --batch}, at most the 100000 records the runner keeps); after
 * each batch the runner's recent audit records are read once and every answer of the batch is checked
 * with its record. A mutant an HTTP client cannot carry exactly in a header (a line break, a NUL, a
 * tab, a byte outside printable ASCII) is counted as not sendable; the in-process run sends those.
 */
public final class JobRouteFuzzRun {
    private static final String BINDINGS = """
            bindings:
              - name: deploy-main
                organization: acme
                pipeline: deploy
                conditions:
                  build_branch: [main]
                role_arn: %s
                secrets:
                  NPM_TOKEN: %s
            """.formatted(VendFixture.ROLE_ARN, SecretsFixture.NPM_ID);
    private static final String SECRETS = "secrets:\n  " + SecretsFixture.NPM_ID + ": npm_FAKE_fuzz_value\n";
    private static final String BODY = "{\"binding\":\"deploy-main\"}";

    private JobRouteFuzzRun() {}

    public static void main(String[] args) throws Exception {
        long requests = 100_000;
        int clients = 2;
        int batch = 20_000;
        long seed = 20_261_129L;
        Path kitevend = Path.of("./kitevend");
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--requests" -> requests = Long.parseLong(value);
                case "--clients" -> clients = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--kitevend" -> kitevend = Path.of(value);
                default -> {
                    System.err.println(
                            "usage: ./bench/fuzz [--requests N] [--clients C] [--batch B] [--seed S] [--kitevend PATH]");
                    System.exit(2);
                }
            }
            i++;
        }
        if (batch > 100_000 || batch < clients) {
            System.err.println("fuzz: --batch must be between --clients and 100000 (the records the runner keeps)");
            System.exit(2);
        }
        System.setProperty("http.maxConnections", Integer.toString(clients));
        var key = TestKeys.rsa();
        JobRouteFuzz.Findings findings = new JobRouteFuzz.Findings();
        long duplicates = 0;
        long started = System.nanoTime();
        String description;
        try (JwksServer jwks = new JwksServer(key);
                LoadRun.Runner runner = LoadRun.Runner.start(
                        kitevend,
                        Duration.ofMinutes(5),
                        BINDINGS,
                        dir -> List.of(
                                "--issuer", jwks.issuer(),
                                "--jwks-url", jwks.jwksUrl().toString(),
                                "--audience", VendFixture.AUDIENCE,
                                "--organizations", "acme",
                                "--secrets-file",
                                        Files.writeString(dir.resolve("secrets.yaml"), SECRETS)
                                                .toString()),
                        System.err)) {
            description = runner.description();
            TokenMinter minter = new TokenMinter(key, jwks.issuer(), VendFixture.AUDIENCE);
            List<JobRouteFuzz.Route> routes = List.of(
                    route(runner.url().resolve("/v1/credentials")),
                    route(runner.url().resolve("/v1/secrets")));
            List<TokenMutator> mutators = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                mutators.add(new TokenMutator(minter, seed + t));
            }
            long done = 0;
            while (done < requests) {
                int n = (int) Math.min(batch, requests - done);
                List<Sent> sent = send(mutators, routes, n, findings);
                Map<String, Map<String, Object>> records = new HashMap<>();
                for (JsonNode record : LoadRun.recentAudit(runner.url().resolve("/dev/audit"))) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> fields = Json.mapper().convertValue(record, Map.class);
                    if (records.put(String.valueOf(fields.get("request_id")), fields) != null) {
                        duplicates++;
                    }
                }
                for (Sent s : sent) {
                    JobRouteFuzz.check(
                            s.mutant(), s.answer(), records.get(s.answer().requestId()), findings);
                }
                done += n;
                findings.failures.forEach(f -> System.err.println("  FAILURE " + f));
                System.err.printf(
                        "fuzz: %d of %d, %.0f s: %s%n",
                        done, requests, (System.nanoTime() - started) / 1e9, findings.summary());
            }
            runner.close();
            runner.logs(findings.failureCount() == 0 && duplicates == 0, System.err);
        }
        System.out.printf(
                "fuzz over HTTP (%s): %d mutants, seed %d, %d clients, %.1f s%n%s audit_duplicates=%d%n",
                description,
                requests,
                seed,
                clients,
                (System.nanoTime() - started) / 1e9,
                findings.summary(),
                duplicates);
        findings.failures.forEach(f -> System.out.println("  FAILURE " + f));
        System.exit(findings.failureCount() == 0 && duplicates == 0 ? 0 : 1);
    }

    /** A mutant and the runner's answer to it. */
    private record Sent(TokenMutator.Mutant mutant, JobRouteFuzz.Answer answer) {}

    /** {@code n} mutants sent by one thread per mutator, each thread turn about to the routes. */
    private static List<Sent> send(
            List<TokenMutator> mutators, List<JobRouteFuzz.Route> routes, int n, JobRouteFuzz.Findings findings)
            throws InterruptedException {
        List<List<Sent>> perThread = new ArrayList<>();
        long[] notSendable = new long[mutators.size()];
        Throwable[] failure = new Throwable[1];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < mutators.size(); t++) {
            int thread = t;
            List<Sent> mine = new ArrayList<>();
            perThread.add(mine);
            int share = n / mutators.size() + (t < n % mutators.size() ? 1 : 0);
            threads.add(Thread.ofPlatform().name("fuzz-" + t).start(() -> {
                try {
                    for (int i = 0; i < share; i++) {
                        TokenMutator.Mutant m = mutators.get(thread).next();
                        JobRouteFuzz.Answer a = routes.get(i % routes.size()).send(m.token());
                        if (a == null) {
                            notSendable[thread]++;
                        } else {
                            mine.add(new Sent(m, a));
                        }
                    }
                } catch (Exception e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("a request could not be made", failure[0]);
        }
        List<Sent> all = new ArrayList<>();
        perThread.forEach(all::addAll);
        for (long s : notSendable) {
            findings.notSendable += s;
        }
        findings.sent += all.size();
        return all;
    }

    /** POST with the token as bearer; null for a token a header cannot carry byte for byte. */
    private static JobRouteFuzz.Route route(URI url) {
        return token -> {
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                // The JDK's HTTP server (the runner's) reads a tab in a header value as a space.
                if (c < 0x20 || c > 0x7E) {
                    return null;
                }
            }
            LoadRun.Response r = LoadRun.post(url, token, BODY);
            return new JobRouteFuzz.Answer(r.status(), r.contentType(), r.text(), r.gatewayRequestId());
        };
    }
}
