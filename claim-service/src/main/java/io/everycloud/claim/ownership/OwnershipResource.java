package io.everycloud.claim.ownership;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.everycloud.claim.code.ClaimCode;
import io.everycloud.claim.code.ClaimCodeGenerator;
import io.everycloud.claim.code.ClaimCodeStrength;
import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;
import io.everycloud.kit.security.Roles;

/** Ownership of one device: release (owner), reset (OEM), a new claim code (owner, OEM), and the audit ledger (OEM). */
@Path("/api/ownership")
@Produces(MediaType.APPLICATION_JSON)
public class OwnershipResource {

    /** A device identity as the registry accepts it. */
    public static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    /** {@code PUT /api/ownership/{identity}/claim-code} body: a code of one's own, or none to get a generated one. */
    public record ClaimCodeRequest(String code) {
    }

    /** The claim code now set, and whether it is weak (the identity, or under 64 bits). */
    public record ClaimCodeView(String identity, String code, boolean weak) {
    }

    @Inject
    OwnershipService ownership;

    @Inject
    OwnershipLedger ledger;

    @Inject
    ClaimCodeGenerator generator;

    @Inject
    Caller caller;

    /** The owner releases the device; an OEM operator resets it (no owners, no apps, claim code kept). */
    @DELETE
    @Path("{identity}")
    @RolesAllowed({ Roles.USER, Roles.OEM })
    public Response release(@PathParam("identity") String identity) {
        checkIdentity(identity);
        if (caller.isOem()) {
            ownership.resetByOem(caller.id(), identity);
        } else {
            ownership.release(caller.userId(), identity);
        }
        return Response.noContent().build();
    }

    /**
     * Sets a new claim code (the seed's transfer: on an owned device the next claim with the new
     * code moves ownership). Without a code a strong one is generated.
     */
    @PUT
    @Path("{identity}/claim-code")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({ Roles.USER, Roles.OEM })
    public ClaimCodeView setClaimCode(@PathParam("identity") String identity, ClaimCodeRequest body) {
        checkIdentity(identity);
        String code = body == null || body.code() == null ? generator.next() : body.code();
        String problem = ClaimCode.problem(code);
        if (problem != null) {
            throw ProblemException.badRequest("code", problem);
        }
        String normalized = ClaimCode.normalize(code);
        if (caller.isOem()) {
            ownership.setClaimCode(identity, normalized, OwnershipService.Setter.OEM);
        } else {
            ownership.setClaimCodeAsOwner(identity, normalized, caller.userId());
        }
        return new ClaimCodeView(identity, normalized, ClaimCodeStrength.isWeak(normalized, identity));
    }

    /** Every ownership change of one device, oldest first. */
    @GET
    @Path("{identity}/history")
    @RolesAllowed(Roles.OEM)
    public Page<LedgerEntry> history(@PathParam("identity") String identity, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        checkIdentity(identity);
        return ledger.list(new OwnershipLedger.Filter(identity, null, null), PageRequest.of(limit, cursor));
    }

    /** The whole ledger, oldest first, filtered by device, user (new, leaving or previous owner) and action. */
    @GET
    @Path("ledger")
    @RolesAllowed(Roles.OEM)
    public Page<LedgerEntry> ledger(@QueryParam("identity") String identity, @QueryParam("userId") String userId,
            @QueryParam("action") String action, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        if (identity != null && !IDENTITY.matcher(identity).matches()) {
            throw ProblemException.badRequest("identity", "must be 1-128 characters of A-Z a-z 0-9 . _ : @ -");
        }
        UUID user = null;
        if (userId != null) {
            try {
                user = UUID.fromString(userId.strip());
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("userId", "must be a user id (UUID)");
            }
        }
        if (action != null && !LedgerEntry.ACTIONS.contains(action)) {
            throw ProblemException.badRequest("action", "must be one of claimed, transferred, released, reset");
        }
        return ledger.list(new OwnershipLedger.Filter(identity, user, action), PageRequest.of(limit, cursor));
    }

    private static void checkIdentity(String identity) {
        if (!IDENTITY.matcher(identity).matches()) {
            throw ProblemException.notFound("no such device");
        }
    }
}
