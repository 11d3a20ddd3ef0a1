package io.everycloud.kit.problem;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Thrown anywhere to answer with a problem+json body; mapped by {@link ProblemMappers}. */
public class ProblemException extends RuntimeException {

    private final Problem problem;
    private final Map<String, String> headers;

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    public ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.title() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** 400 naming one field. */
    public static ProblemException badRequest(String field, String message) {
        return invalid(List.of(new Problem.FieldError(field, message)));
    }

    /** 400 naming each bad field. */
    public static ProblemException invalid(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new ProblemException(new Problem("urn:everycloud:problem:validation", "Invalid request", 400, detail, errors));
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(Problem.of(400, "Bad Request", detail));
    }

    public static ProblemException unauthorized() {
        return new ProblemException(Problem.of(401, "Unauthorized", "a valid bearer token is required"),
                Map.of("WWW-Authenticate", "Bearer"));
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(Problem.of(403, "Forbidden", detail));
    }

    /** 404; also used for objects the caller may not see, so their existence is not revealed. */
    public static ProblemException notFound(String detail) {
        return new ProblemException(Problem.of(404, "Not Found", detail));
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(Problem.of(409, "Conflict", detail));
    }

    public static ProblemException gone(String detail) {
        return new ProblemException(Problem.of(410, "Gone", detail));
    }

    public static ProblemException tooLarge(String detail) {
        return new ProblemException(Problem.of(413, "Payload Too Large", detail));
    }

    public static ProblemException tooManyRequests(Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new ProblemException(Problem.of(429, "Too Many Requests", "too many attempts; retry in " + seconds + " s"),
                Map.of("Retry-After", Long.toString(seconds)));
    }

    public static ProblemException unavailable(String detail) {
        return new ProblemException(Problem.of(503, "Service Unavailable", detail), Map.of("Retry-After", "5"));
    }

    public static ProblemException of(int status, String title, String detail) {
        return new ProblemException(Problem.of(status, title, detail));
    }
}
