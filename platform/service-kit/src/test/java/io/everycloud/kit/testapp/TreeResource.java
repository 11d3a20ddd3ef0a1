package io.everycloud.kit.testapp;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/** Endpoints that read JSON as trees, as a device resource write or a firmware message does. */
@Path("/trees")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.TEXT_PLAIN)
public class TreeResource {

    public record Write(JsonNode value, ArrayNode list) {
    }

    /** Says what the value was read as: absent (Java null), a JSON null, or the tree. */
    @POST
    public String write(Write write) {
        if (write.value() == null) {
            return "absent";
        }
        return write.value().isNull() ? "null" : write.value().toString();
    }

    @POST
    @Path("/whole")
    public String whole(JsonNode body) {
        return body.toString();
    }
}
