package io.everycloud.claim.qr;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.everycloud.claim.ClaimConfig;
import io.everycloud.claim.code.ClaimCodeStrength;
import io.everycloud.claim.device.DeviceRepository;
import io.everycloud.claim.device.DeviceState;
import io.everycloud.claim.ownership.OwnershipResource;
import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Roles;

/**
 * Claim QR codes (seed "Claim QR Code"): per device in the standard or ExoSense format, the
 * generic code, and batches as a ZIP. Device codes carry the claim code, a secret: OEM only and
 * never cached.
 */
@Path("/api/qr")
public class QrResource {

    public static final String PNG = "image/png";
    public static final String SVG = "image/svg+xml";
    public static final String ZIP = "application/zip";
    /** Header telling whether the device's claim code is weak (its identity, or under 64 bits). */
    public static final String WEAK_HEADER = "X-Claim-Code-Weak";
    private static final int MIN_SIZE = 64;
    /** Problems listed at most in one answer about a batch. */
    private static final int MAX_LISTED_ERRORS = 20;

    /** {@code POST /api/qr/batch} JSON body. */
    public record BatchRequest(List<String> identities) {
    }

    @Inject
    DeviceRepository devices;

    @Inject
    ClaimUrls urls;

    @Inject
    ClaimConfig config;

    /** {@code /api/qr/devices/<identity>.png} or {@code .svg}. */
    @GET
    @Path("devices/{file}")
    @Produces({ PNG, SVG })
    @RolesAllowed(Roles.OEM)
    public Response device(@PathParam("file") String file, @QueryParam("format") String format,
            @QueryParam("size") String size) {
        boolean png = file.endsWith(".png");
        if (!png && !file.endsWith(".svg")) {
            throw ProblemException.notFound("no such resource; ask for <identity>.png or <identity>.svg");
        }
        String identity = file.substring(0, file.length() - 4);
        if (!OwnershipResource.IDENTITY.matcher(identity).matches()) {
            throw ProblemException.notFound("no such device");
        }
        ClaimUrls.Format urlFormat = ClaimUrls.Format.parse(format);
        int pixels = size(size);
        DeviceState device = devices.find(identity).orElseThrow(() -> ProblemException.notFound("no such device"));
        String code = device.primaryCode();
        return image(urls.forCode(code, urlFormat), png, pixels)
                .header("Cache-Control", "no-store")
                .header(WEAK_HEADER, Boolean.toString(ClaimCodeStrength.isWeak(code, identity)))
                .build();
    }

    @GET
    @Path("generic.png")
    @Produces(PNG)
    @RolesAllowed(Roles.OEM)
    public Response genericPng(@QueryParam("size") String size) {
        return image(urls.generic(), true, size(size)).build();
    }

    @GET
    @Path("generic.svg")
    @Produces(SVG)
    @RolesAllowed(Roles.OEM)
    public Response genericSvg(@QueryParam("size") String size) {
        return image(urls.generic(), false, size(size)).build();
    }

    /** A ZIP of one PNG per device and {@code index.csv}, for identities given as JSON. */
    @POST
    @Path("batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(ZIP)
    @RolesAllowed(Roles.OEM)
    public Response batch(BatchRequest body, @QueryParam("format") String format, @QueryParam("size") String size) {
        if (body == null || body.identities() == null || body.identities().isEmpty()) {
            throw ProblemException.badRequest("identities", "must list at least one device identity");
        }
        return batch(body.identities(), i -> "identities[" + i + "]", format, size);
    }

    /** The same for a CSV whose first column is the identity (a header line {@code identity,...} is skipped). */
    @POST
    @Path("batch")
    @Consumes({ "text/csv", MediaType.TEXT_PLAIN })
    @Produces(ZIP)
    @RolesAllowed(Roles.OEM)
    public Response batchCsv(String csv, @QueryParam("format") String format, @QueryParam("size") String size) {
        List<String> identities = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        String[] rows = (csv == null ? "" : csv).split("\r?\n", -1);
        for (int i = 0; i < rows.length; i++) {
            String first = rows[i].split(",", 2)[0].strip();
            if (first.length() >= 2 && first.startsWith("\"") && first.endsWith("\"")) {
                first = first.substring(1, first.length() - 1);
            }
            if (first.isEmpty() || (i == 0 && first.equalsIgnoreCase("identity"))) {
                continue;
            }
            identities.add(first);
            lines.add(i + 1);
        }
        if (identities.isEmpty()) {
            throw ProblemException.badRequest("body", "the CSV lists no device identity");
        }
        return batch(identities, i -> "line " + lines.get(i), format, size);
    }

    private Response batch(List<String> requested, java.util.function.IntFunction<String> fieldOf, String format, String size) {
        ClaimUrls.Format urlFormat = ClaimUrls.Format.parse(format);
        int pixels = size(size);
        if (requested.size() > config.qr().maxBatch()) {
            throw ProblemException.badRequest("identities", "at most " + config.qr().maxBatch() + " devices in one batch");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        LinkedHashSet<String> identities = new LinkedHashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            String identity = requested.get(i) == null ? "" : requested.get(i).strip();
            if (!OwnershipResource.IDENTITY.matcher(identity).matches()) {
                errors.add(new Problem.FieldError(fieldOf.apply(i), "is not a device identity"));
            } else {
                identities.add(identity);
            }
        }
        Map<String, DeviceState> found = errors.isEmpty() ? devices.findAll(identities) : Map.of();
        if (errors.isEmpty()) {
            int i = 0;
            for (String identity : requested) {
                if (!found.containsKey(identity.strip())) {
                    errors.add(new Problem.FieldError(fieldOf.apply(i), "no such device"));
                }
                i++;
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors.subList(0, Math.min(errors.size(), MAX_LISTED_ERRORS)));
        }
        List<DeviceState> ordered = identities.stream().map(found::get).toList();
        return Response.ok(new QrBatch(ordered, urls, urlFormat, pixels), ZIP)
                .header("Content-Disposition", "attachment; filename=\"claim-qr-codes.zip\"")
                .header("Cache-Control", "no-store")
                .build();
    }

    private Response.ResponseBuilder image(String text, boolean png, int pixels) {
        var modules = QrImages.modules(text);
        return png ? Response.ok(QrImages.png(modules, pixels), PNG)
                : Response.ok(QrImages.svg(modules, pixels).getBytes(StandardCharsets.UTF_8), SVG);
    }

    private int size(String value) {
        if (value == null || value.isBlank()) {
            return config.qr().defaultSize();
        }
        try {
            int size = Integer.parseInt(value.strip());
            if (size >= MIN_SIZE && size <= config.qr().maxSize()) {
                return size;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest("size", "must be a whole number of pixels between " + MIN_SIZE + " and "
                + config.qr().maxSize());
    }
}
