package io.everycloud.claim.code;

import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Roles;

/**
 * Strong claim codes for the OEM to provision with ({@code claimCode} of the registry's
 * {@code POST /api/devices}, or the CSV import's {@code claim_code} column).
 */
@Path("/api/claims/codes")
@Produces(MediaType.APPLICATION_JSON)
public class ClaimCodeResource {

    /** Most codes generated in one request. */
    public static final int MAX_COUNT = 10_000;

    /** Generated codes and how strong they are. */
    public record GeneratedCodes(List<String> codes, int entropyBits, String alphabet) {
    }

    @Inject
    ClaimCodeGenerator generator;

    @POST
    @RolesAllowed(Roles.OEM)
    public GeneratedCodes generate(@QueryParam("count") String countParam) {
        int count = 1;
        if (countParam != null && !countParam.isBlank()) {
            try {
                count = Integer.parseInt(countParam.strip());
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest("count", "must be a whole number between 1 and " + MAX_COUNT);
            }
            if (count < 1 || count > MAX_COUNT) {
                throw ProblemException.badRequest("count", "must be between 1 and " + MAX_COUNT);
            }
        }
        List<String> codes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            codes.add(generator.next());
        }
        return new GeneratedCodes(codes, ClaimCodeGenerator.ENTROPY_BITS, ClaimCodeGenerator.ALPHABET);
    }
}
