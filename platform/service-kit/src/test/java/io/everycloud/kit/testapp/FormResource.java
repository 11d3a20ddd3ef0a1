package io.everycloud.kit.testapp;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A form endpoint shaped like the OAuth token endpoint: fields read from a URL-encoded body. */
@Path("/form")
public class FormResource {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_PLAIN)
    public String echo(@FormParam("a") String a) {
        return "a=" + a;
    }
}
