package io.kitevend.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import io.kitevend.text.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends {@link TokenMutator} mutants to the job routes and checks every answer against what must
 * hold whatever the token: no invalid token accepted (its verdict is refused, so the answer is 401),
 * no 5xx from input, every refusal a well-formed RFC 9457 problem with the request's id, no token
 * echoed, and one stored audit record per request, with the answer's status and decision, the
 * token's hash, and only text that can be written as UTF-8. A valid mutant must not be refused as a
 * token either (the oracle and the verifier must agree both ways).
 *
 * <p>How a request travels (the handler in process, HTTP to {@code ./kitevend dev}) and where its
 * audit record is found are the caller's {@link Route} and {@link AuditRecords}.
 */
public final class JobRouteFuzz {
    /** At most this many failures are kept with their details; all are counted. */
    private static final int KEPT_FAILURES = 20;

    private static final Set<Integer> VERIFIED_STATUSES = Set.of(200, 403, 409);

    /** One answer of a job route, and the request id it was given. */
    public record Answer(int status, String contentType, String body, String requestId) {}

    /** Sends one token to a job route. */
    @FunctionalInterface
    public interface Route {
        /**
         * @return the answer, or null when this transport cannot carry the token at all (an HTTP
         *     client refuses a header with a line break, say); such a mutant is counted, not checked
         */
        Answer send(String token) throws Exception;
    }

    /** The stored audit record of a request, or null when there is none. */
    @FunctionalInterface
    public interface AuditRecords {
        Map<String, Object> of(String requestId) throws Exception;
    }

    /** What a run found. */
    public static final class Findings {
        public long sent;
        public long notSendable;
        public long accepted;
        public long refusedAsToken;
        public long refusedByBindings;
        public long acceptedInvalid;
        public long validRefused;
        public long serverErrors;
        /** 503s whose audit record says the issuer's JWKS did not answer in time: not caused by the token. */
        public long jwksUnavailable;

        public long badProblems;
        public long auditMissing;
        public long auditWrong;
        public long echoes;
        public final Map<String, Long> byStatus = new LinkedHashMap<>();
        public final List<String> failures = new ArrayList<>();

        /** Every failure counted (not only those kept). */
        public long failureCount() {
            return acceptedInvalid + validRefused + serverErrors + badProblems + auditMissing + auditWrong + echoes;
        }

        void fail(String what, TokenMutator.Mutant m, Answer a) {
            if (failures.size() < KEPT_FAILURES) {
                failures.add(
                        what + " [" + m.mutation() + "] -> " + (a == null ? "no answer" : a.status() + " " + a.body()));
            }
        }

        /** Adds the counts (and kept failures) of another run, say of another thread. */
        public void add(Findings other) {
            sent += other.sent;
            notSendable += other.notSendable;
            accepted += other.accepted;
            refusedAsToken += other.refusedAsToken;
            refusedByBindings += other.refusedByBindings;
            acceptedInvalid += other.acceptedInvalid;
            validRefused += other.validRefused;
            serverErrors += other.serverErrors;
            jwksUnavailable += other.jwksUnavailable;
            badProblems += other.badProblems;
            auditMissing += other.auditMissing;
            auditWrong += other.auditWrong;
            echoes += other.echoes;
            other.byStatus.forEach((k, v) -> byStatus.merge(k, v, Long::sum));
            other.failures.stream()
                    .limit(Math.max(0, KEPT_FAILURES - failures.size()))
                    .forEach(failures::add);
        }

        /** One line of counts, for a test's message and a benchmark's report. */
        public String summary() {
            return "sent=" + sent + " not_sendable=" + notSendable + " accepted=" + accepted
                    + " refused_as_token=" + refusedAsToken + " refused_by_bindings=" + refusedByBindings
                    + " accepted_invalid=" + acceptedInvalid + " valid_refused=" + validRefused
                    + " server_errors=" + serverErrors + " jwks_unavailable=" + jwksUnavailable
                    + " bad_problems=" + badProblems
                    + " audit_missing=" + auditMissing + " audit_wrong=" + auditWrong + " echoes=" + echoes
                    + " by_status=" + byStatus;
        }
    }

    private JobRouteFuzz() {}

    /** Sends {@code count} mutants, each to the next route in turn, and checks each answer. */
    public static Findings run(TokenMutator mutator, List<Route> routes, AuditRecords audit, long count)
            throws Exception {
        Findings f = new Findings();
        for (long i = 0; i < count; i++) {
            TokenMutator.Mutant m = mutator.next();
            Answer a = routes.get((int) (i % routes.size())).send(m.token());
            if (a == null) {
                f.notSendable++;
                continue;
            }
            f.sent++;
            check(m, a, audit.of(a.requestId()), f);
        }
        return f;
    }

    /** Checks one answer and its audit record; adds to the findings. */
    public static void check(TokenMutator.Mutant m, Answer a, Map<String, Object> record, Findings f) {
        f.byStatus.merge(Integer.toString(a.status()), 1L, Long::sum);
        if (a.status() == 503 && record != null && "jwks_unavailable".equals(record.get("reason"))) {
            // The JWKS server (the test's, on a loaded machine) was slow: a dependency, not the input.
            f.jwksUnavailable++;
        } else if (a.status() >= 500) {
            f.serverErrors++;
            f.fail("5xx", m, a);
        }
        if (a.status() == 200) {
            f.accepted++;
        } else if (a.status() == 401) {
            f.refusedAsToken++;
        } else {
            f.refusedByBindings++;
        }
        if (m.verdict() == TokenMutator.Verdict.REFUSED && a.status() != 401) {
            if (a.status() == 200) {
                f.acceptedInvalid++;
                f.fail("ACCEPTED AN INVALID TOKEN", m, a);
            } else if (a.status() < 500) {
                f.acceptedInvalid++;
                f.fail("an invalid token passed verification", m, a);
            }
        }
        if (m.verdict() == TokenMutator.Verdict.VERIFIED && !VERIFIED_STATUSES.contains(a.status())) {
            f.validRefused++;
            f.fail("a valid token was refused", m, a);
        }
        if (a.status() != 200 && !isProblem(a)) {
            f.badProblems++;
            f.fail("not a well-formed problem", m, a);
        }
        if (m.token().length() >= 16 && a.body() != null && a.body().contains(m.token())) {
            f.echoes++;
            f.fail("the token was echoed", m, a);
        }
        String wrong = auditProblem(m, a, record);
        if (record == null) {
            f.auditMissing++;
            f.fail("no audit record", m, a);
        } else if (wrong != null) {
            f.auditWrong++;
            f.fail("audit record: " + wrong, m, a);
        }
    }

    private static boolean isProblem(Answer a) {
        if (a.contentType() == null
                || !a.contentType().toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
            return false;
        }
        try {
            JsonNode p = Json.readTree(a.body());
            return p != null
                    && p.isObject()
                    && p.path("type").isTextual()
                    && p.path("title").isTextual()
                    && p.path("code").isTextual()
                    && p.path("status").isInt()
                    && p.path("status").asInt() == a.status()
                    && p.path("request_id").asText().equals(a.requestId())
                    && (a.status() != 401 || p.path("code").asText().equals("token_not_accepted"));
        } catch (Exception e) {
            return false;
        }
    }

    /** What is wrong with the request's audit record, or null. */
    private static String auditProblem(TokenMutator.Mutant m, Answer a, Map<String, Object> record) {
        if (record == null) {
            return null;
        }
        if (!String.valueOf(record.get("status")).equals(Integer.toString(a.status()))) {
            return "status " + record.get("status");
        }
        String decision = String.valueOf(record.get("decision"));
        if (!decision.equals(a.status() == 200 ? "allow" : a.status() >= 500 ? "error" : "deny")) {
            return "decision " + decision;
        }
        String reason = String.valueOf(record.get("reason"));
        if (a.status() == 401 && !reason.startsWith("token_")) {
            return "reason " + reason;
        }
        Object hash = record.get("token_sha256");
        if (hash != null && !hash.equals(Text.sha256Hex(m.token().strip()))) {
            return "token_sha256 is not the hash of the token sent";
        }
        if (hash == null && !reason.equals("token_too_large") && !reason.equals("token_missing")) {
            return "no token_sha256";
        }
        for (var e : record.entrySet()) {
            if (!Text.isWellFormed(e.getKey()) || (e.getValue() instanceof String s && !Text.isWellFormed(s))) {
                return "field " + Text.printable(e.getKey(), 40) + " cannot be written as UTF-8";
            }
        }
        return null;
    }
}
