package io.everycloud.kit.problem;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

import io.everycloud.kit.db.DatabaseFailures;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Every error leaves a service as {@code application/problem+json}: bad fields named, no stack
 * trace, class name or SQL text, ever. Unexpected failures are logged with an id the answer carries.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response.ResponseBuilder builder = build(e.problem());
        e.headers().forEach(builder::header);
        return builder.build();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
            errors.add(new Problem.FieldError(fieldOf(violation.getPropertyPath()), violation.getMessage()));
        }
        errors.sort(java.util.Comparator.comparing(Problem.FieldError::field));
        return problem(ProblemException.invalid(errors));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return build(jsonProblem(e)).build();
    }

    /** More specific than Quarkus' own mapper for this type, which answers plain JSON. */
    @ServerExceptionMapper
    public Response mismatchedInput(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        return build(jsonProblem(e)).build();
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return problem(ProblemException.unauthorized());
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return problem(ProblemException.unauthorized());
    }

    @ServerExceptionMapper
    public Response authenticationCompletion(AuthenticationCompletionException e) {
        return problem(ProblemException.unauthorized());
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return problem(ProblemException.forbidden("your role does not allow this"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "Error" : type.getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed here";
            case 406 -> "cannot produce an acceptable media type";
            case 413 -> "request body too large";
            case 415 -> "unsupported media type";
            case 400 -> "the request could not be read";
            default -> title;
        };
        Response.ResponseBuilder builder = build(Problem.of(status, title, detail));
        if (e instanceof NotAllowedException && e.getResponse().getHeaderString(HttpHeaders.ALLOW) != null) {
            builder.header(HttpHeaders.ALLOW, e.getResponse().getHeaderString(HttpHeaders.ALLOW));
        }
        String retryAfter = e.getResponse().getHeaderString(HttpHeaders.RETRY_AFTER);
        if (retryAfter != null) {
            builder.header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (isDatabaseDown(e)) {
            LOG.warnf("database unavailable: %s", e.getMessage());
            return problem(ProblemException.unavailable("the service's database is unavailable; retry shortly"));
        }
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s", id);
        return build(Problem.of(500, "Internal Server Error", "unexpected error; reference " + id)).build();
    }

    /** The problem for unreadable or mistyped JSON, naming the field when there is one. */
    public static Problem jsonProblem(JsonProcessingException e) {
        if (e instanceof JsonParseException parse) {
            var location = parse.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            return new Problem("urn:everycloud:problem:malformed-json", "Malformed JSON", 400,
                    "the body is not valid JSON" + where, List.of());
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = pathOf(mapping.getPath());
            return ProblemException.invalid(List.of(new Problem.FieldError(field, "has the wrong type or format"))).problem();
        }
        return new Problem("urn:everycloud:problem:malformed-json", "Malformed JSON", 400,
                "the body does not have the expected JSON shape", List.of());
    }

    /** The database is unavailable (connection refused or lost, shutting down, full, pool timeout): see {@link DatabaseFailures}. */
    static boolean isDatabaseDown(Throwable e) {
        return DatabaseFailures.isUnavailable(e);
    }

    private static String pathOf(List<JsonMappingException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }

    /**
     * The field a violation is about, as a client writes it: the path after the method and
     * parameter nodes, with list positions on the list ({@code items[0].name}, {@code tags[2]}).
     */
    static String fieldOf(Path path) {
        List<String> names = new ArrayList<>();
        String parameter = null;
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.RETURN_VALUE
                    || node.getKind() == ElementKind.CROSS_PARAMETER) {
                continue;
            }
            if (node.getKind() == ElementKind.PARAMETER) {
                parameter = node.getName();
                continue;
            }
            if (node.isInIterable()) {
                // the position belongs to the container before this node
                String position = node.getIndex() != null ? "[" + node.getIndex() + "]"
                        : node.getKey() != null ? "[" + node.getKey() + "]" : "";
                if (names.isEmpty()) {
                    names.add((parameter == null ? "body" : parameter) + position);
                } else {
                    names.set(names.size() - 1, names.get(names.size() - 1) + position);
                }
            }
            if (node.getKind() != ElementKind.CONTAINER_ELEMENT && node.getKind() != ElementKind.BEAN
                    && node.getName() != null) {
                names.add(node.getName());
            }
        }
        if (names.isEmpty()) {
            return parameter == null ? "body" : parameter;
        }
        return String.join(".", names);
    }

    static Response.ResponseBuilder build(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
    }
}
