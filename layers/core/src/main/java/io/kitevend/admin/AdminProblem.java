package io.kitevend.admin;

import io.kitevend.binding.FieldError;
import io.kitevend.http.Problem;
import io.kitevend.http.ProblemType;
import java.util.List;
import java.util.Map;

/** A request to the admin API ends with a problem (RFC 9457) for the caller. */
public final class AdminProblem extends Exception {
    private final transient Problem problem;

    public AdminProblem(Problem problem) {
        super(problem.type().code() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    public static AdminProblem of(ProblemType type, String detail) {
        return new AdminProblem(Problem.of(type, detail));
    }

    public static AdminProblem of(ProblemType type, String detail, Map<String, Object> extensions) {
        return new AdminProblem(new Problem(type, detail, extensions, null));
    }

    public static AdminProblem malformed(String detail) {
        return of(ProblemType.MALFORMED_REQUEST, detail);
    }

    /** 400 {@code invalid_binding} listing every field error. */
    public static AdminProblem invalid(List<FieldError> errors) {
        return of(
                ProblemType.INVALID_BINDING,
                errors.size() == 1 ? "1 problem; see errors." : errors.size() + " problems; see errors.",
                Map.of("errors", List.copyOf(errors)));
    }

    public Problem problem() {
        return problem;
    }
}
