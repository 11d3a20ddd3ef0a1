package io.everycloud.portal.branding;

import java.util.Arrays;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Roles;

/**
 * The branding files, public under {@code /vendor} (seed table "Branding the Registration
 * Portal"); OEM operators replace them with {@code PUT} and restore the default with {@code DELETE}.
 */
@Path("/vendor")
public class BrandingResource {

    /** Unversioned URLs are revalidated often; {@code ?v=<etag>} URLs never change, so they are cached for a year. */
    static final String CACHE_SHORT = "public, max-age=300, must-revalidate";
    static final String CACHE_IMMUTABLE = "public, max-age=31536000, immutable";

    @Inject
    BrandingService branding;

    @Inject
    BrandingJsonValidator jsonValidator;

    @GET
    @Path("{file}")
    public Response get(@PathParam("file") String name, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @QueryParam("v") String version) {
        if ("branding.schema.json".equals(name)) {
            return Response.ok(jsonValidator.schemaBytes(), "application/schema+json")
                    .header(HttpHeaders.CACHE_CONTROL, CACHE_SHORT).build();
        }
        BrandingAsset asset = branding.current(file(name));
        String cache = asset.etag().equals(version) ? CACHE_IMMUTABLE : CACHE_SHORT;
        if (matches(ifNoneMatch, asset.etag())) {
            return Response.notModified().tag(new jakarta.ws.rs.core.EntityTag(asset.etag()))
                    .header(HttpHeaders.CACHE_CONTROL, cache).build();
        }
        return Response.ok(asset.content(), asset.contentType())
                .tag(new jakarta.ws.rs.core.EntityTag(asset.etag()))
                .header(HttpHeaders.CACHE_CONTROL, cache)
                .header("X-Content-Type-Options", "nosniff")
                .build();
    }

    @PUT
    @Path("{file}")
    @RolesAllowed(Roles.OEM)
    @Consumes(MediaType.WILDCARD)
    public Response replace(@PathParam("file") String name, byte[] body) {
        BrandingAsset asset = branding.replace(file(name), body == null ? new byte[0] : body);
        return Response.ok(new AssetView(asset.file().fileName(), asset.contentType(), asset.content().length,
                asset.etag(), branding.publicUrl(asset.file()), true))
                .tag(new jakarta.ws.rs.core.EntityTag(asset.etag())).build();
    }

    @DELETE
    @Path("{file}")
    @RolesAllowed(Roles.OEM)
    public Response restore(@PathParam("file") String name) {
        BrandingAsset asset = branding.restoreDefault(file(name));
        return Response.ok(new AssetView(asset.file().fileName(), asset.contentType(), asset.content().length,
                asset.etag(), branding.publicUrl(asset.file()), false)).build();
    }

    /** What an upload or a restore left in force. */
    public record AssetView(String file, String contentType, int size, String etag, String url, boolean custom) {
    }

    private static BrandingFile file(String name) {
        return BrandingFile.byName(name).orElseThrow(() -> ProblemException.notFound(
                "no branding file " + name + "; the files are branding.json, brandlogo.png, device.png and favicon.ico"));
    }

    /** RFC 9110 If-None-Match: a list of (possibly weak) tags or {@code *}. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        return Arrays.stream(ifNoneMatch.split(",")).map(String::trim).anyMatch(tag -> tag.equals("*")
                || tag.equals("\"" + etag + "\"") || tag.equals("W/\"" + etag + "\""));
    }
}
