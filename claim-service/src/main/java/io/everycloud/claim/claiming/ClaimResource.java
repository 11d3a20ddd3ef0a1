package io.everycloud.claim.claiming;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import io.everycloud.claim.ClaimConfig;
import io.everycloud.claim.ownership.OwnershipService;
import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;
import io.everycloud.kit.security.Roles;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/** End users claim devices with a claim code (typed, or read from a QR code by the portal). */
@Path("/api/claims")
@Produces(MediaType.APPLICATION_JSON)
public class ClaimResource {

    /** {@code POST /api/claims} body. */
    public record ClaimRequest(@NotNull String code) {
    }

    /** The devices now owned by the caller. */
    public record ClaimResult(List<String> devices) {
    }

    /** What a code would claim: the product, how many devices, and whether the caller can claim them now. */
    public record ClaimPreview(String product, int deviceCount, boolean claimable) {
    }

    @Inject
    ClaimService claims;

    @Inject
    Caller caller;

    @Inject
    ClaimConfig config;

    @Inject
    EveryCloudConfig everycloud;

    /**
     * Runs on the event loop: the claim waits for its group commit without a thread (see
     * {@link ClaimService}), and the answer is written on the request's event loop after the commit.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.USER)
    public CompletionStage<ClaimResult> claim(@Valid @NotNull ClaimRequest body, @Context HttpServerRequest request) {
        io.vertx.core.Context context = Vertx.currentContext();
        CompletableFuture<ClaimResult> answer = new CompletableFuture<>();
        claims.claim(caller.userId(), body.code(), address(request)).whenComplete((devices, failure) -> {
            Runnable reply = () -> {
                if (failure != null) {
                    answer.completeExceptionally(failure);
                } else {
                    answer.complete(new ClaimResult(devices));
                }
            };
            if (context != null) {
                context.runOnContext(v -> reply.run());
            } else {
                reply.run();
            }
        });
        return answer;
    }

    @GET
    @Path("preview")
    @RolesAllowed(Roles.USER)
    public ClaimPreview preview(@QueryParam("code") String code, @Context HttpServerRequest request) {
        if (code == null) {
            throw ProblemException.badRequest("code", "is required");
        }
        OwnershipService.Preview preview = claims.preview(caller.userId(), code, address(request));
        return new ClaimPreview(everycloud.productId(), preview.deviceCount(), preview.claimable());
    }

    private String address(HttpServerRequest request) {
        return ClientAddress.of(request, config.rateLimit().trustForwardedFor());
    }
}
