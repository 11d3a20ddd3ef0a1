package io.everycloud.kit.testapp;

import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.ext.web.RoutingContext;

/** A blocking resource method with a JSON body, as a claim is: says what it read and whether the body was read ahead. */
@Path("/bodies")
public class BodyResource {

    @POST
    @Consumes({ MediaType.APPLICATION_JSON, "application/merge-patch+json" })
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> echo(JsonNode body, @Context RoutingContext ctx) {
        return Map.of("body", body, "thread", Thread.currentThread().getName(), "readAhead", ctx.body().available());
    }

    @POST
    @Path("/text")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> text(String body, @Context RoutingContext ctx) {
        return Map.of("length", body.length(), "readAhead", ctx.body().available());
    }
}
