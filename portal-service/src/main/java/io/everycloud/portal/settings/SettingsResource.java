package io.everycloud.portal.settings;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.everycloud.kit.security.Roles;

/** {@code GET|PUT /api/settings}: the connector settings (oem). */
@Path("/api/settings")
@RolesAllowed(Roles.OEM)
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {

    @Inject
    SettingsService settings;

    @GET
    public ConnectorSettings get() {
        return settings.current();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public ConnectorSettings put(@NotNull ConnectorSettings body) {
        return settings.replace(body);
    }
}
