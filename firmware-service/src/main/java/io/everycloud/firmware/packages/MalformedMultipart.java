package io.everycloud.firmware.packages;

import java.io.IOException;
import java.util.List;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.problem.ProblemMappers;

/**
 * A body sent as {@code multipart/form-data} that is not multipart (no boundary line, cut short)
 * makes RESTEasy Reactive's multipart parser throw an {@link IOException} before the upload
 * resource runs: that is the client's mistake, a 400 naming the parts the upload expects. Any
 * other {@code IOException} stays an unexpected error (500 with a logged id).
 */
public class MalformedMultipart {

    private final ProblemMappers kit = new ProblemMappers();

    @ServerExceptionMapper
    public Response io(IOException e) {
        if (thrownByMultipartParser(e)) {
            return kit.problem(ProblemException.invalid(List.of(
                    new Problem.FieldError("file", "the body is not valid multipart/form-data"),
                    new Problem.FieldError("metadata", "the body is not valid multipart/form-data"))));
        }
        return kit.unexpected(e);
    }

    static boolean thrownByMultipartParser(IOException e) {
        StackTraceElement[] frames = e.getStackTrace();
        return frames.length > 0
                && frames[0].getClassName().startsWith("org.jboss.resteasy.reactive.server.core.multipart.MultiPartParserDefinition");
    }
}
