package io.everycloud.firmware.content;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.everycloud.firmware.device.DeviceRepository;
import io.everycloud.firmware.packages.FirmwarePackage;
import io.everycloud.firmware.packages.PackageRepository;
import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;

/**
 * Exosite's content API for devices: {@code GET /provision/download} with the device token in
 * {@code X-Exosite-CIK} lists content ids ({@code text/csv}); {@code ?id=} downloads (with
 * {@code Range}), {@code &info=true} describes as {@code <content-type>,<size>,<updated>,<meta>}.
 * Every package is visible to every device, as in the seed.
 */
@Path("/provision/download")
@PermitAll
public class DeviceContentResource {

    static final String TOKEN_HEADER = "X-Exosite-CIK";

    @Inject
    DeviceRepository devices;

    @Inject
    PackageRepository packages;

    @Inject
    ContentResponses responses;

    @GET
    public Response download(@HeaderParam(TOKEN_HEADER) String token, @QueryParam("id") String id,
            @QueryParam("info") String info, @HeaderParam("Range") String range) {
        authenticate(token);
        if (id == null || id.isBlank()) {
            StringBuilder csv = new StringBuilder();
            for (FirmwarePackage p : packages.all()) {
                csv.append(p.id()).append("\r\n");
            }
            return Response.ok(csv.toString(), "text/csv; charset=utf-8").build();
        }
        FirmwarePackage pkg = find(id);
        if ("true".equalsIgnoreCase(info)) {
            String meta = "{\"version\":" + quote(pkg.version()) + ",\"type\":" + quote(pkg.type()) + ",\"sha256\":"
                    + quote(pkg.sha256()) + "}";
            String line = pkg.contentType() + "," + pkg.size() + "," + pkg.createdAt().getEpochSecond() + "," + meta;
            return Response.ok(line, "text/plain; charset=utf-8").build();
        }
        return responses.download(pkg, range);
    }

    private FirmwarePackage find(String id) {
        try {
            return packages.find(UUID.fromString(id.trim()))
                    .orElseThrow(() -> ProblemException.notFound("no content with this id"));
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no content with this id");
        }
    }

    /** The device token, checked against the SHA-256 hashes the registry announced at activation. */
    private void authenticate(String token) {
        if (token == null || token.isBlank() || devices.identityForTokenHash(sha256(token.trim())).isEmpty()) {
            throw new ProblemException(Problem.of(401, "Unauthorized", "a valid device token (X-Exosite-CIK) is required"),
                    Map.of("WWW-Authenticate", TOKEN_HEADER));
        }
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
