package io.everycloud.kit.http;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.problem.ProblemMappers;

/**
 * A URL-encoded form body with a malformed %-escape ({@code a=%zz}, {@code a=%}) is the client's
 * mistake: 400 problem+json. RESTEasy Reactive's form parser reports it only as a plain
 * {@link IllegalArgumentException} thrown by its URL decoder, so this mapper answers 400 for
 * exactly that failure (recognised by where it was thrown) and leaves every other
 * {@code IllegalArgumentException} to the kit's unexpected-error handling (500 with a logged id).
 */
public class BadFormEncoding {

    private final ProblemMappers fallback = new ProblemMappers();

    @ServerExceptionMapper
    public Response illegalArgument(IllegalArgumentException e) {
        if (isFormDecodingFailure(e)) {
            return fallback.problem(ProblemException.badRequest("the form body is not valid URL encoding"));
        }
        return fallback.unexpected(e);
    }

    /** Thrown by the URL decoder while the form-body parser decoded a name or value. */
    static boolean isFormDecodingFailure(IllegalArgumentException e) {
        boolean decoder = false;
        for (StackTraceElement frame : e.getStackTrace()) {
            String type = frame.getClassName();
            if (type.equals("org.jboss.resteasy.reactive.common.util.URLUtils")) {
                decoder = true;
            } else if (decoder && type.startsWith("org.jboss.resteasy.reactive.server.core.multipart.FormEncodedDataDefinition")) {
                return true;
            } else if (decoder) {
                return false;
            }
        }
        return false;
    }
}
