package io.everycloud.registry.deviceapi;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.everycloud.kit.problem.ProblemException;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * A benchmark floor for device writes (issue 11: "the same load against a bare Quarkus endpoint
 * that does nothing"): it takes the very request a device write is (a POST with the same headers
 * and form body, read and discarded) and answers 204 on the event loop, so the ratio of writes to
 * it shows what storing a write costs over receiving it. Off unless the benchmark switches it on
 * ({@code registry.bench.post-floor=true}, as {@code deploy/bench/device-writes.sh} does): 404.
 * Not part of the product's API: left out of the OpenAPI document (the e2e API sweep holds every
 * documented route to API.md, the gateway and the authorization matrix).
 */
@Path("/bench/post-floor")
public class PostFloorResource {

    /** Benchmark-only switches ({@code registry.bench.*}, environment {@code REGISTRY_BENCH_*}). */
    @ConfigMapping(prefix = "registry.bench")
    public interface BenchConfig {
        /** Whether {@code POST /bench/post-floor} answers (204) instead of 404. */
        @WithDefault("false")
        boolean postFloor();
    }

    @Inject
    BenchConfig config;

    @POST
    @NonBlocking
    @Operation(hidden = true)
    public Response discard(String body) {
        if (!config.postFloor()) {
            throw ProblemException.notFound("no resource /bench/post-floor");
        }
        return Response.noContent().build();
    }
}
