package io.everycloud.firmware.content;

import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.everycloud.firmware.packages.FirmwarePackage;
import io.everycloud.firmware.packages.PackageRepository;
import io.everycloud.kit.problem.ProblemException;

/**
 * {@code GET /firmware/content/<id>?expires=&sig=}: the signed URL in a device's {@code config_otau}.
 * The signature is the credential; an expired URL answers 410, a wrong one 403.
 */
@Path("/firmware/content/{id}")
@PermitAll
public class SignedContentResource {

    @Inject
    ContentUrls urls;

    @Inject
    PackageRepository packages;

    @Inject
    ContentResponses responses;

    @GET
    public Response download(@PathParam("id") String id, @QueryParam("expires") String expires,
            @QueryParam("sig") String sig, @HeaderParam("Range") String range) {
        UUID contentId;
        try {
            contentId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no such content");
        }
        switch (urls.check(contentId, expires, sig)) {
            case BAD_SIGNATURE -> throw ProblemException.forbidden("the download link is not valid");
            case EXPIRED -> throw ProblemException.gone("the download link expired; the device gets a fresh one with its next update");
            case VALID -> {
                // go on
            }
        }
        FirmwarePackage pkg = packages.find(contentId).orElseThrow(() -> ProblemException.notFound("no such content"));
        return responses.download(pkg, range);
    }
}
