package io.everycloud.firmware.content;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import io.everycloud.firmware.packages.FirmwarePackage;
import io.everycloud.kit.problem.Problem;

/** Answers a content download, whole (200) or one range (206), streamed chunk by chunk from the store. */
@ApplicationScoped
public class ContentResponses {

    @Inject
    ContentStore store;

    public Response download(FirmwarePackage pkg, String rangeHeader) {
        long size = pkg.size();
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(rangeHeader, size);
        } catch (ByteRange.Unsatisfiable e) {
            return Response.status(416).type(Problem.MEDIA_TYPE)
                    .header("Content-Range", "bytes */" + size)
                    .entity(Problem.of(416, "Range Not Satisfiable", "the content has " + size + " bytes"))
                    .build();
        }
        long offset = range.map(ByteRange::start).orElse(0L);
        long length = range.map(ByteRange::length).orElse(size);
        StreamingOutput body = out -> store.copy(pkg.id(), offset, length, out);
        Response.ResponseBuilder answer = Response.status(range.isPresent() ? 206 : 200)
                .entity(body)
                .type(pkg.contentType())
                .header(HttpHeaders.CONTENT_LENGTH, length)
                .header("Accept-Ranges", "bytes")
                .header("ETag", "\"" + pkg.sha256() + "\"")
                .header(HttpHeaders.LAST_MODIFIED, java.util.Date.from(pkg.createdAt()));
        range.ifPresent(r -> answer.header("Content-Range", "bytes " + r.start() + "-" + r.end() + "/" + size));
        return answer.build();
    }
}
